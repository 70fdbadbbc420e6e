package io.sipfleet.sip.auth;

import java.nio.charset.StandardCharsets;

/**
 * Lowercase hexadecimal encoding through a lookup table.
 *
 * <p>Digest puts every hash on the wire as lowercase hex ("LHEX", RFC 7616 section 3.4.1), and
 * hashes are chained (HA1, HA2, response), so hex encoding sits on the hot path of every
 * REGISTER. {@code String.format("%02x")} parses a format string per byte; a table does not.
 */
final class Hex {

    private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private Hex() {}

    /** The lowercase hex digits of {@code bytes} as ASCII bytes (two per input byte). */
    static byte[] encodeAscii(byte[] bytes) {
        byte[] out = new byte[bytes.length * 2];
        for (int i = 0, j = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            out[j++] = DIGITS[b >>> 4];
            out[j++] = DIGITS[b & 0x0f];
        }
        return out;
    }

    /** The lowercase hex string of {@code bytes}; Latin-1 decoding keeps it a compact string. */
    static String encode(byte[] bytes) {
        return new String(encodeAscii(bytes), StandardCharsets.ISO_8859_1);
    }

    /**
     * {@code value} as exactly eight lowercase hex digits: the nonce-count format of RFC 7616
     * section 3.4 ("nc-value = 8LHEX").
     */
    static String eightDigits(long value) {
        byte[] out = new byte[8];
        for (int i = 7; i >= 0; i--) {
            out[i] = DIGITS[(int) (value & 0x0f)];
            value >>>= 4;
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    /** Whether {@code s} is non-empty and made only of hex digits (either case). */
    static boolean isHex(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
