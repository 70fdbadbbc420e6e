/**
 * Who may use the switch: the subscriber directory (HA1 only), digest authentication of
 * REGISTER, INVITE, OPTIONS ... with answers that never tell a scanner whether a user exists,
 * and the per-source failure guard that slows down and then blocks password guessers.
 *
 * <p>Wiring: {@link io.sipfleet.switching.auth.AuthGuardFilter} in front of the transaction layer
 * (drops requests of blocked sources before they cost a transaction), and
 * {@link io.sipfleet.switching.auth.AuthGate} in the TU (challenge, 403, 400, delayed answers).
 */
package io.sipfleet.switching.auth;
