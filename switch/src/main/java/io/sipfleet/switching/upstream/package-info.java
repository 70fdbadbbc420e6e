/**
 * Upstream registrations (the brief's "UAC auth"): the switch registers to carriers' and
 * providers' registrars as a user agent, answers their digest challenges, keeps each
 * registration refreshed, and unregisters when the snapshot drops it or the switch stops.
 *
 * <p>{@link io.sipfleet.switching.upstream.UpstreamRegistrations} owns every registration and
 * applies snapshots; {@link io.sipfleet.switching.upstream.UpstreamAccount} is one account's
 * state machine; {@link io.sipfleet.switching.upstream.RegisterBuilder} writes its REGISTERs.
 * Nothing here blocks an event loop: responses are handled where they arrive, waits are timer
 * entries, and a registrar given by host name is resolved on a virtual thread.
 */
package io.sipfleet.switching.upstream;
