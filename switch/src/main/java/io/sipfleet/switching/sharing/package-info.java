/**
 * "UAC location array sharing" between un-clustered switches (the brief's Server Array): each
 * switch publishes the changes to the bindings it owns ({@link io.sipfleet.switching.sharing.ChangeLog},
 * served as {@code GET /location/changes} next to its metrics) and pulls its peers' changes every
 * second, as long polls answered at each change ({@link io.sipfleet.switching.sharing.PeerLocations}), so a call for a user registered on
 * a peer is sent to that peer, which holds the user's NAT flow and pings it. Clustered switches
 * do not use this: they share one store.
 */
package io.sipfleet.switching.sharing;
