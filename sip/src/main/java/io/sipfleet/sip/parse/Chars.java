package io.sipfleet.sip.parse;

/** Byte classes of RFC 3261 section 25.1, as lookup tables (no regex, no branches per class). */
public final class Chars {
    private Chars() {}

    private static final boolean[] TOKEN = new boolean[256];
    private static final boolean[] WORD = new boolean[256];
    private static final boolean[] HOST = new boolean[256];
    private static final boolean[] URI_CHAR = new boolean[256];

    static {
        for (int c = 'a'; c <= 'z'; c++) { TOKEN[c] = true; TOKEN[c - 32] = true; }
        for (int c = '0'; c <= '9'; c++) TOKEN[c] = true;
        for (char c : "-.!%*_+`'~".toCharArray()) TOKEN[c] = true;
        System.arraycopy(TOKEN, 0, WORD, 0, 256);
        for (char c : "()<>:\\\"/[]?{}".toCharArray()) WORD[c] = true;
        for (int c = 'a'; c <= 'z'; c++) { HOST[c] = true; HOST[c - 32] = true; }
        for (int c = '0'; c <= '9'; c++) HOST[c] = true;
        // '_' is not legal in hostnames, but real deployments use it; accepting costs nothing.
        for (char c : "-._".toCharArray()) HOST[c] = true;
        // Anything printable that is not a delimiter of the surrounding header grammar.
        for (int c = 0x21; c < 0x7f; c++) URI_CHAR[c] = true;
        for (char c : "<>\"".toCharArray()) URI_CHAR[c] = false;
    }

    public static boolean isToken(int b) { return TOKEN[b & 0xff]; }

    /** Call-ID "word" characters. */
    public static boolean isWord(int b) { return WORD[b & 0xff]; }

    public static boolean isHost(int b) { return HOST[b & 0xff]; }

    public static boolean isUriChar(int b) { return URI_CHAR[b & 0xff]; }

    public static boolean isDigit(int b) { return b >= '0' && b <= '9'; }

    public static boolean isHex(int b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    /** Linear white space inside a header value: SP, HTAB, and the CR LF of a folded line. */
    public static boolean isLws(int b) { return b == ' ' || b == '\t' || b == '\r' || b == '\n'; }

    public static String describe(int b) {
        b &= 0xff;
        return b >= 0x21 && b < 0x7f ? "'" + (char) b + "'" : String.format("0x%02x", b);
    }
}
