package io.sipfleet.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** The build's version (from a resource Maven filters), and the JVM's. */
public final class Version {
    private Version() {}

    private static final String VERSION = load();

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                if (!v.isBlank() && !v.startsWith("${")) return v;
            }
        } catch (IOException ignored) {
            // fall through
        }
        String v = Version.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    public static String sipfleet() { return VERSION; }

    /** "Java 25.0.1 (Eclipse Adoptium OpenJDK 64-Bit Server VM 25.0.1+8-LTS)". */
    public static String java() {
        return "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + " "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version") + ")";
    }

    public static String[] lines() { return new String[] {"sipfleet " + sipfleet(), java()}; }

    /** For {@code sipfleet --version}. */
    public static final class Provider implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() { return lines(); }
    }
}
