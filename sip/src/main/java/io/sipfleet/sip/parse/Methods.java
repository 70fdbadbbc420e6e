package io.sipfleet.sip.parse;

import java.nio.charset.StandardCharsets;

/** Method names: the known ones as shared String constants (so == works), others as new text. */
public final class Methods {
    private Methods() {}

    public static final String INVITE = "INVITE", ACK = "ACK", BYE = "BYE", CANCEL = "CANCEL",
            OPTIONS = "OPTIONS", REGISTER = "REGISTER", PRACK = "PRACK", SUBSCRIBE = "SUBSCRIBE",
            NOTIFY = "NOTIFY", PUBLISH = "PUBLISH", INFO = "INFO", REFER = "REFER",
            MESSAGE = "MESSAGE", UPDATE = "UPDATE";

    private static final String[] KNOWN = {INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER, PRACK,
            SUBSCRIBE, NOTIFY, PUBLISH, INFO, REFER, MESSAGE, UPDATE};

    /** Method names are case-sensitive (RFC 3261 7.1). */
    public static String intern(byte[] b, int s, int e) {
        int len = e - s;
        for (String m : KNOWN) {
            if (m.length() == len && matches(m, b, s)) return m;
        }
        return new String(b, s, len, StandardCharsets.UTF_8);
    }

    public static boolean isKnown(String method) {
        for (String m : KNOWN) if (m.equals(method)) return true;
        return false;
    }

    private static boolean matches(String m, byte[] b, int s) {
        for (int i = 0; i < m.length(); i++) if (b[s + i] != m.charAt(i)) return false;
        return true;
    }
}
