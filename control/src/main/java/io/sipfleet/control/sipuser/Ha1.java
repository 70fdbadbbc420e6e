package io.sipfleet.control.sipuser;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** HA1 = H(username ":" realm ":" password), RFC 2617 (MD5) and RFC 8760 (SHA-256), lowercase hex. */
final class Ha1 {

    private Ha1() {
    }

    static String md5(String user, String realm, String password) {
        return hex("MD5", user + ":" + realm + ":" + password);
    }

    static String sha256(String user, String realm, String password) {
        return hex("SHA-256", user + ":" + realm + ":" + password);
    }

    private static String hex(String algorithm, String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " missing from the JDK", e);
        }
    }
}
