package io.sipfleet.sip.message;

/** A tel URI (RFC 3966): the number as written (visual separators kept) and its parameters. */
public record TelUri(String number, Params params) implements Uri {
    @Override public String scheme() { return "tel"; }

    /** The number without visual separators ("-", ".", "(", ")"), as routing compares it. */
    public String digits() {
        StringBuilder sb = new StringBuilder(number.length());
        for (int i = 0; i < number.length(); i++) {
            char c = number.charAt(i);
            if (c != '-' && c != '.' && c != '(' && c != ')') sb.append(c);
        }
        return sb.toString();
    }

    @Override public String toString() { return "tel:" + number + params; }
}
