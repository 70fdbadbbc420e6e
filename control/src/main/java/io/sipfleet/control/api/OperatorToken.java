package io.sipfleet.control.api;

import io.sipfleet.control.RefusedException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The platform operator's bearer token: records payments (top-ups) and registers media servers.
 * Set at start ({@code sipfleet control --operator-token-file}); an account token is refused 403.
 */
final class OperatorToken {

    private OperatorToken() {
    }

    static void require(String expected, String presented) {
        if (expected == null) {
            throw new RefusedException(RefusedException.FORBIDDEN,
                    "operator endpoints are off: this control plane was started without an operator token");
        }
        // Constant time: the comparison must not tell an attacker how many leading characters match.
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8))) {
            throw new RefusedException(RefusedException.FORBIDDEN,
                    "this endpoint needs the operator token, not an account's");
        }
    }
}
