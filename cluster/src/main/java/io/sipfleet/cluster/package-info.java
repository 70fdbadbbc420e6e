/** Shared state of switches behind small interfaces: LocationStore, CpsLimiter, ChannelCounter. */
package io.sipfleet.cluster;
