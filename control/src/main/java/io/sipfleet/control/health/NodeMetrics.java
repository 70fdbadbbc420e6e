package io.sipfleet.control.health;

/** Reads one gauge from a node's Prometheus text ({@code name{labels} value}). */
final class NodeMetrics {

    private NodeMetrics() {
    }

    /** The first sample of {@code name} as an integer, or null if the text has none. */
    static Integer gauge(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name) && line.length() > name.length()
                    && (line.charAt(name.length()) == '{' || line.charAt(name.length()) == ' ')) {
                String value = line.substring(line.lastIndexOf(' ') + 1).strip();
                try {
                    return (int) Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
