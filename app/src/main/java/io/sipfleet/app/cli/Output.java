package io.sipfleet.app.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Tables and JSON for the terminal. */
final class Output {

    private Output() {
    }

    static void json(PrintWriter out, JsonNode node) {
        out.println(ControlClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        out.flush();
    }

    /** Columns are {header, json field}; a null or missing value prints as "-". */
    static void table(PrintWriter out, JsonNode rows, String[][] columns) {
        List<String[]> lines = new ArrayList<>();
        String[] header = new String[columns.length];
        for (int i = 0; i < columns.length; i++) {
            header[i] = columns[i][0];
        }
        lines.add(header);
        for (JsonNode row : rows) {
            String[] line = new String[columns.length];
            for (int i = 0; i < columns.length; i++) {
                line[i] = cell(row, columns[i][1]);
            }
            lines.add(line);
        }
        int[] width = new int[columns.length];
        for (String[] l : lines) {
            for (int i = 0; i < l.length; i++) {
                width[i] = Math.max(width[i], l[i].length());
            }
        }
        for (String[] l : lines) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < l.length; i++) {
                b.append(i == 0 ? "" : "  ").append(i == l.length - 1 ? l[i] : String.format("%-" + width[i] + "s", l[i]));
            }
            out.println(b.toString().stripTrailing());
        }
        out.flush();
    }

    /**
     * "channels_in_use/channels_max" style fields join two values with '/';
     * "clustering.store_fail_mode" reads a field of a nested object.
     */
    static String cell(JsonNode row, String field) {
        if (field.contains("/")) {
            String[] parts = field.split("/");
            return cell(row, parts[0]) + "/" + cell(row, parts[1]);
        }
        int dot = field.indexOf('.');
        if (dot > 0) {
            JsonNode inner = row.get(field.substring(0, dot));
            return inner == null || !inner.isObject() ? "-" : cell(inner, field.substring(dot + 1));
        }
        JsonNode v = row.get(field);
        if (v == null || v.isNull()) {
            return "-";
        }
        return v.isString() ? v.asString() : v.toString();
    }

    /** Fields of one object, one "name: value" per line. */
    static void fields(PrintWriter out, JsonNode object) {
        int width = 0;
        for (String name : object.propertyNames()) {
            width = Math.max(width, name.length());
        }
        for (String name : object.propertyNames()) {
            out.println(String.format("%-" + (width + 1) + "s %s", name + ":", cell(object, name)));
        }
        out.flush();
    }
}
