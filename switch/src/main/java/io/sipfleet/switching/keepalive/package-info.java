/**
 * The "UAC ping": NAT keep-alives to the bindings registered through this switch, and removal of
 * the ones whose UA went away. {@link io.sipfleet.switching.keepalive.KeepAliveScheduler} is the
 * entry point; how the switch wires it:
 *
 * <pre>{@code
 * var ka = new KeepAliveScheduler(KeepAliveSettings.from(config), transactionLayer,
 *         transportServer::sendKeepAlive, locationStore,
 *         new KeepAliveEvents() {   // -> sipfleet_keepalive_rtt_seconds / _lost_total
 *             public void onRtt(String aor, String contact, Duration rtt) { metrics.keepAliveRtt(rtt.toNanos()); }
 *             public void onLost(String aor, String contact) { metrics.keepAliveLost(); }
 *         });
 * locationStore.addListener(ka);               // removals (expiry, unregister, replace) stop the pings
 * ka.reconcile();                              // at start (and every few minutes): owned bindings from the store
 * ka.start();                                  // the "sip-keepalive" thread
 * configHolder.subscribe((prev, next) -> ka.apply(KeepAliveSettings.from(next)));
 *
 * // registrar, after a successful store.register(...):
 * result.added().forEach(ka::track);
 * result.refreshed().forEach(ka::track);
 *
 * // the switch's TransactionUser:
 * onResponse(tx, r)  { if (!ka.onResponse(tx, r)) proxy.onResponse(tx, r); }
 * onTimeout(tx)      { if (!ka.onTimeout(tx)) proxy.onTimeout(tx); }
 * onTerminated(tx)   { ka.onTerminated(tx); proxy.onTerminated(tx); }  // optional safety net
 * }</pre>
 *
 * <p>Pings leave with {@code Peer.local()} = the listener the binding registered through: with
 * several listeners, the SipSender given to the transaction layer must pick the transport
 * server by {@code to.local()}, or the NAT drops the answer.
 *
 * <p>Cost: one wheel slot per tick (10 per second), each a plain array; the bindings of a slot
 * are copied out under a short lock and pinged without one. See {@code KeepAliveBench} in the
 * bench module for the measured CPU per ping.
 */
package io.sipfleet.switching.keepalive;
