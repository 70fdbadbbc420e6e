package io.sipfleet.sip.message;

import java.util.Arrays;

/**
 * Ordered {@code ;name[=value]} parameters of a URI or a header value. Names compare
 * case-insensitively. Values are kept as they were written (a quoted value keeps its quotes),
 * so rendering gives back the same text. One flat array, as OkHttp does for headers.
 */
public final class Params {
    public static final Params EMPTY = new Params(new String[0]);

    private final String[] nv; // name0, value0 (null: no value), name1, value1, ...

    private Params(String[] nv) { this.nv = nv; }

    public static Params of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) throw new IllegalArgumentException("name/value pairs expected");
        return new Params(namesAndValues.clone());
    }

    /** Builder used by the parsers: appends without copying the whole array each time. */
    public static final class Builder {
        // Two pairs cover most headers (a Via's branch and rport, a tag); build() hands over an
        // array that fits exactly instead of copying it. A builder is used once.
        private String[] nv = new String[4];
        private int n;

        public Builder add(String name, String value) {
            if (n + 2 > nv.length) nv = Arrays.copyOf(nv, nv.length * 2);
            nv[n++] = name;
            nv[n++] = value;
            return this;
        }

        public boolean has(String name) {
            for (int i = 0; i < n; i += 2) if (nv[i].equalsIgnoreCase(name)) return true;
            return false;
        }

        public Params build() {
            if (n == 0) return EMPTY;
            String[] exact = n == nv.length ? nv : Arrays.copyOf(nv, n);
            nv = null; // used once: the Params owns the array now
            return new Params(exact);
        }
    }

    public int size() { return nv.length / 2; }

    public boolean isEmpty() { return nv.length == 0; }

    public String name(int i) { return nv[2 * i]; }

    public String value(int i) { return nv[2 * i + 1]; }

    private int indexOf(String name) {
        for (int i = 0; i < nv.length; i += 2) if (nv[i].equalsIgnoreCase(name)) return i;
        return -1;
    }

    public boolean has(String name) { return indexOf(name) >= 0; }

    /** The value as written (quotes kept), "" for a parameter without value, null if absent. */
    public String get(String name) {
        int i = indexOf(name);
        if (i < 0) return null;
        return nv[i + 1] == null ? "" : nv[i + 1];
    }

    /** The value without surrounding quotes and escapes. */
    public String getUnquoted(String name) {
        String v = get(name);
        if (v == null || v.length() < 2 || v.charAt(0) != '"') return v;
        StringBuilder sb = new StringBuilder(v.length());
        for (int i = 1; i < v.length() - 1; i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length() - 1) c = v.charAt(++i);
            sb.append(c);
        }
        return sb.toString();
    }

    /** A copy with {@code name} set to {@code value} (null: no value), replacing in place or appending. */
    public Params with(String name, String value) {
        int i = indexOf(name);
        String[] copy;
        if (i >= 0) {
            copy = nv.clone();
        } else {
            copy = Arrays.copyOf(nv, nv.length + 2);
            i = nv.length;
            copy[i] = name;
        }
        copy[i + 1] = value;
        return new Params(copy);
    }

    public Params without(String name) {
        int i = indexOf(name);
        if (i < 0) return this;
        String[] copy = new String[nv.length - 2];
        System.arraycopy(nv, 0, copy, 0, i);
        System.arraycopy(nv, i + 2, copy, i, nv.length - i - 2);
        return new Params(copy);
    }

    void appendTo(StringBuilder sb) {
        for (int i = 0; i < nv.length; i += 2) {
            sb.append(';').append(nv[i]);
            if (nv[i + 1] != null) sb.append('=').append(nv[i + 1]);
        }
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder();
        appendTo(sb);
        return sb.toString();
    }

    /** Same names (case-insensitive) with the same values, in the same order. */
    @Override public boolean equals(Object o) {
        if (!(o instanceof Params p) || p.nv.length != nv.length) return false;
        for (int i = 0; i < nv.length; i += 2) {
            if (!nv[i].equalsIgnoreCase(p.nv[i]) || !java.util.Objects.equals(nv[i + 1], p.nv[i + 1])) return false;
        }
        return true;
    }

    @Override public int hashCode() {
        int h = 1;
        for (int i = 0; i < nv.length; i += 2) {
            h = 31 * h + nv[i].toLowerCase(java.util.Locale.ROOT).hashCode();
            h = 31 * h + java.util.Objects.hashCode(nv[i + 1]);
        }
        return h;
    }
}
