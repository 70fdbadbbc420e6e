package io.sipfleet.switching.cdr;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.StringJoiner;
import tools.jackson.core.JacksonException;

/**
 * CSV (RFC 4180) export of a CDR file, for billing tools and spreadsheets that do not read JSON
 * lines. Columns are the {@link Cdr} fields in order, with a header row; times stay ISO-8601,
 * a missing value is an empty cell.
 */
public final class CdrCsv {

    private CdrCsv() {}

    /** The header row, without the line break. */
    public static String header() {
        StringJoiner row = new StringJoiner(",");
        for (RecordComponent c : Cdr.class.getRecordComponents()) {
            row.add(c.getName());
        }
        return row.toString();
    }

    /** {@code cdr} as one CSV row, without the line break. */
    public static String row(Cdr cdr) {
        StringJoiner row = new StringJoiner(",");
        for (RecordComponent c : Cdr.class.getRecordComponents()) {
            try {
                Object v = c.getAccessor().invoke(cdr);
                row.add(v == null ? "" : v instanceof Number ? v.toString() : quote(defuse(v.toString())));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return row.toString();
    }

    /**
     * Writes the header and one row per line of the JSON-lines file {@code cdrFile}; blank
     * lines are skipped. Returns the number of CDRs. A line that is not a CDR fails the export
     * with its line number: silently skipping billing records would be worse.
     */
    public static long export(Path cdrFile, Writer out) throws IOException {
        out.write(header());
        out.write("\r\n");
        long rows = 0;
        long lineNo = 0;
        try (BufferedReader in = Files.newBufferedReader(cdrFile, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                Cdr cdr;
                try {
                    cdr = CdrJson.parse(line);
                } catch (JacksonException | NullPointerException e) {
                    throw new IOException(cdrFile + " line " + lineNo + " is not a CDR: " + e.getMessage(), e);
                }
                out.write(row(cdr));
                out.write("\r\n");
                rows++;
            }
        }
        out.flush();
        return rows;
    }

    /**
     * Callers choose their Call-ID and URIs: a cell starting with '=', '+', '-', '@' would be run
     * as a formula by a spreadsheet (CSV injection), so such text gets a leading apostrophe.
     */
    static String defuse(String s) {
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
            return "'" + s;
        }
        return s;
    }

    /** Quotes a cell when it holds a comma, quote or line break (RFC 4180 section 2). */
    static String quote(String s) {
        boolean plain = s.chars().noneMatch(ch -> ch == ',' || ch == '"' || ch == '\n' || ch == '\r');
        if (plain) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
