package io.sipfleet.switching.config;

/**
 * One upstream registration (the brief's "UAC auth"): this switch registers to a carrier's or
 * provider's registrar as a user agent, so the carrier sends calls for that account here.
 *
 * @param registrar      SIP URI of the registrar, without a user part, e.g.
 *                       {@code "sip:sip.carrier.example:5060"} or {@code "sip:198.51.100.7"}. It is
 *                       the REGISTER's Request-URI; its host is also the domain of the AoR
 *                       ({@code sip:username@host}). A host name is resolved off the event loops
 *                       before each registration. UDP only. Required.
 * @param username       user name at the registrar: the AoR's user part and the digest user name.
 *                       Unique per registrar. Required.
 * @param password       digest password. It travels in the snapshot because the switch must
 *                       answer the registrar's challenges; never logged. Required.
 * @param expiresSeconds registration lifetime asked for, >= 1. The registrar may grant less (the
 *                       switch refreshes at half of what it grants) or ask for more with 423
 *                       (the switch retries with its Min-Expires). Default 3600.
 * @param retrySeconds   wait after a failed registration (error response, no answer, bad
 *                       credentials) before the next try, >= 1; doubled after each further failure
 *                       up to 300 s (or this value when larger). Default 30.
 */
public record UpstreamRegistration(
        String registrar,
        String username,
        String password,
        @Default("3600") int expiresSeconds,
        @Default("30") int retrySeconds) {

    /** Identity of the registration across snapshots: the account at the registrar. */
    public String key() {
        return username + " at " + registrar;
    }

    /** Keeps the password out of logs and exception messages. */
    @Override
    public String toString() {
        return "UpstreamRegistration[" + key() + ", expiresSeconds=" + expiresSeconds
                + ", retrySeconds=" + retrySeconds + ", password=" + (password == null ? "none" : "***") + "]";
    }
}
