package io.sipfleet.switching.config;

/**
 * An outbound route to a carrier gateway, chosen by the longest prefix of the dialled number
 * (see {@link CarrierRoutes}).
 *
 * @param prefix   leading digits of the dialled number this route takes, without '+';
 *                 {@code ""} is the default route. Unique. Required, so a default route is never
 *                 created by leaving the field out.
 * @param gateway  SIP URI the calls are sent to, e.g. {@code "sip:127.0.0.30:5060"}. Required.
 * @param cpsLimit new calls per second this route accepts, >= 0; 0 = unlimited. Default 0.
 * @param name     route name as it appears in CDRs, metrics and logs. Unique. Required.
 */
public record CarrierRoute(
        String prefix,
        String gateway,
        @Default("0") int cpsLimit,
        String name) {
}
