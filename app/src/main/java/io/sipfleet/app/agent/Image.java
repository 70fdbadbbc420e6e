package io.sipfleet.app.agent;

import io.sipfleet.app.Version;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;

/**
 * The "standard image" a node is installed from: the build this agent runs (its version, the
 * JVM, the class path, and the JVM flags the launcher chose). Written next to the node's config
 * at install, so a node keeps the build it was installed with until an update re-installs it.
 */
public record Image(String version, String java, String classPath, List<String> jvmArgs) {

    /** The build of this JVM. */
    public static Image current() {
        List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")
                        || a.equals("-XX:+UseCompactObjectHeaders") || a.startsWith("-XX:MaxGCPauseMillis")
                        || a.startsWith("-Dio.netty"))
                .toList();
        return new Image(Version.sipfleet(), Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("java.class.path"), flags);
    }

    public Image withVersion(String v) {
        return new Image(v, java, classPath, jvmArgs);
    }
}
