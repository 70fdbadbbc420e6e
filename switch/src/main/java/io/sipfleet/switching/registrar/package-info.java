/**
 * The registrar (RFC 3261 section 10.3): authenticated REGISTERs update the cluster's
 * {@link io.sipfleet.cluster.location.LocationStore}, each binding remembering the flow the
 * REGISTER came in on so requests reach the UA through its NAT.
 */
package io.sipfleet.switching.registrar;
