package io.sipfleet.sip.message;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A header field name. Known names (RFC 3261 section 20 and common extensions) are constants with
 * a small integer id, so the parser recognises them without allocating and a message indexes its
 * headers by id. Names compare case-insensitively; compact forms (RFC 3261 7.3.3) map to the
 * same constant as the long form.
 */
public final class HeaderName {
    private static final int TABLE_SIZE = 256; // power of two, > 3 x entries
    private static final HeaderName[] TABLE = new HeaderName[TABLE_SIZE];
    private static final byte[][] TABLE_KEYS = new byte[TABLE_SIZE][];
    private static int nextId;
    private static final HeaderName[] BY_ID = new HeaderName[64];

    public static final HeaderName VIA = known("Via", 'v');
    public static final HeaderName FROM = known("From", 'f');
    public static final HeaderName TO = known("To", 't');
    public static final HeaderName CALL_ID = known("Call-ID", 'i');
    public static final HeaderName CSEQ = known("CSeq", (char) 0);
    public static final HeaderName MAX_FORWARDS = known("Max-Forwards", (char) 0);
    public static final HeaderName CONTACT = known("Contact", 'm');
    public static final HeaderName CONTENT_LENGTH = known("Content-Length", 'l');
    public static final HeaderName ROUTE = known("Route", (char) 0);
    public static final HeaderName RECORD_ROUTE = known("Record-Route", (char) 0);
    public static final HeaderName CONTENT_TYPE = known("Content-Type", 'c');
    public static final HeaderName EXPIRES = known("Expires", (char) 0);
    public static final HeaderName MIN_EXPIRES = known("Min-Expires", (char) 0);
    public static final HeaderName SUBJECT = known("Subject", 's');
    public static final HeaderName SUPPORTED = known("Supported", 'k');
    public static final HeaderName REQUIRE = known("Require", (char) 0);
    public static final HeaderName PROXY_REQUIRE = known("Proxy-Require", (char) 0);
    public static final HeaderName UNSUPPORTED = known("Unsupported", (char) 0);
    public static final HeaderName ALLOW = known("Allow", (char) 0);
    public static final HeaderName ACCEPT = known("Accept", (char) 0);
    public static final HeaderName CONTENT_ENCODING = known("Content-Encoding", 'e');
    public static final HeaderName AUTHORIZATION = known("Authorization", (char) 0);
    public static final HeaderName PROXY_AUTHORIZATION = known("Proxy-Authorization", (char) 0);
    public static final HeaderName WWW_AUTHENTICATE = known("WWW-Authenticate", (char) 0);
    public static final HeaderName PROXY_AUTHENTICATE = known("Proxy-Authenticate", (char) 0);
    public static final HeaderName RETRY_AFTER = known("Retry-After", (char) 0);
    public static final HeaderName USER_AGENT = known("User-Agent", (char) 0);
    public static final HeaderName SERVER = known("Server", (char) 0);
    public static final HeaderName DATE = known("Date", (char) 0);
    public static final HeaderName TIMESTAMP = known("Timestamp", (char) 0);
    public static final HeaderName WARNING = known("Warning", (char) 0);
    public static final HeaderName EVENT = known("Event", 'o');
    public static final HeaderName ALLOW_EVENTS = known("Allow-Events", 'u');
    public static final HeaderName REFER_TO = known("Refer-To", 'r');
    public static final HeaderName REFERRED_BY = known("Referred-By", 'b');
    public static final HeaderName SESSION_EXPIRES = known("Session-Expires", 'x');
    public static final HeaderName PATH = known("Path", (char) 0);
    public static final HeaderName SERVICE_ROUTE = known("Service-Route", (char) 0);
    public static final HeaderName REASON = known("Reason", (char) 0);
    public static final HeaderName ORGANIZATION = known("Organization", (char) 0);
    public static final HeaderName CONTENT_DISPOSITION = known("Content-Disposition", (char) 0);
    public static final HeaderName MIME_VERSION = known("MIME-Version", (char) 0);

    /** Number of known names; ids of known names are 0 .. KNOWN_COUNT-1, unknown names have -1. */
    public static final int KNOWN_COUNT = nextId;

    private final String canonical;
    private final String lower;
    private final char compact;
    private final int id;
    private final byte[] bytes;

    private HeaderName(String canonical, char compact, int id) {
        this.canonical = canonical;
        this.lower = canonical.toLowerCase(Locale.ROOT);
        this.compact = compact;
        this.id = id;
        this.bytes = canonical.getBytes(StandardCharsets.US_ASCII);
    }

    private static HeaderName known(String canonical, char compact) {
        HeaderName h = new HeaderName(canonical, compact, nextId);
        BY_ID[nextId++] = h;
        put(canonical.getBytes(StandardCharsets.US_ASCII), h);
        if (compact != 0) put(new byte[] {(byte) compact}, h);
        return h;
    }

    private static void put(byte[] name, HeaderName h) {
        int slot = hash(name, 0, name.length) & (TABLE_SIZE - 1);
        while (TABLE[slot] != null) slot = (slot + 1) & (TABLE_SIZE - 1);
        TABLE[slot] = h;
        TABLE_KEYS[slot] = name;
    }

    /**
     * Length, first and last letter: constant time whatever the name's length, and distinct
     * enough for the ~40 known names that probing stays short. The full compare follows.
     */
    private static int hash(byte[] b, int s, int e) {
        int len = e - s;
        if (len == 0) return 0;
        int h = (len * 31 + (b[s] | 0x20)) * 31 + (b[e - 1] | 0x20);
        return h ^ (h >>> 5);
    }

    /** The known name spelled by {@code b[s..e)} in any case, or null. Allocation-free. */
    public static HeaderName lookup(byte[] b, int s, int e) {
        int slot = hash(b, s, e) & (TABLE_SIZE - 1);
        for (byte[] key; (key = TABLE_KEYS[slot]) != null; slot = (slot + 1) & (TABLE_SIZE - 1)) {
            if (key.length == e - s && equalsIgnoreCase(key, b, s)) return TABLE[slot];
        }
        return null;
    }

    private static boolean equalsIgnoreCase(byte[] key, byte[] b, int s) {
        for (int i = 0; i < key.length; i++) {
            int x = key[i], y = b[s + i];
            if (x != y && ((x | 0x20) != (y | 0x20) || !Character.isLetter(x))) return false;
        }
        return true;
    }

    /** The known constant for this name (long or compact form), else a new unknown name. */
    public static HeaderName of(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        HeaderName h = lookup(b, 0, b.length);
        return h != null ? h : new HeaderName(name, (char) 0, -1);
    }

    public static HeaderName byId(int id) { return BY_ID[id]; }

    public String canonical() { return canonical; }

    /** The compact form, or 0 when the name has none. */
    public char compact() { return compact; }

    /** Small id of a known name; -1 for names the stack does not know. */
    public int id() { return id; }

    public boolean isKnown() { return id >= 0; }

    byte[] bytes() { return bytes; }

    public boolean matches(String name) {
        return canonical.equalsIgnoreCase(name) || (compact != 0 && name.length() == 1
                && Character.toLowerCase(name.charAt(0)) == compact);
    }

    @Override public boolean equals(Object o) {
        return o instanceof HeaderName h && (id >= 0 ? id == h.id : lower.equals(h.lower));
    }

    @Override public int hashCode() { return id >= 0 ? id : lower.hashCode(); }

    @Override public String toString() { return canonical; }
}
