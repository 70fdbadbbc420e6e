package io.sipfleet.app.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Nodes as child OS processes: {@code java -cp IMAGE io.sipfleet.app.Main node --role R --config FILE}. */
public final class ProcessRuntime implements NodeRuntime {
    /**
     * A SIP node's young generation and tenuring: state that outlives one young collection (a call
     * in progress, a transaction kept for 64*T1) is promoted at once instead of being copied again
     * at every collection, so each pause stays short (see the launcher's comment).
     */
    static final List<String> NODE_GC = nodeGc();

    private static final String G1 = "-XX:+UseG1GC";

    /**
     * {@code -Xmn60m -XX:MaxTenuringThreshold=0}, and an initial heap of 1 GB (an eighth of the
     * memory when less; none under 512 MB) so that what dies in the old generation starts G1's
     * concurrent marking rarely (the launcher's comment has the figures).
     */
    private static List<String> nodeGc() {
        // G1 by name: in a container of one CPU (a fractional quota counts as one) or under
        // 1792 MB the JVM would take the serial collector, which these settings were not made for.
        List<String> flags = new ArrayList<>(List.of(G1, "-Xmn60m", "-XX:MaxTenuringThreshold=0"));
        String xms = initialHeap(totalMemoryBytes());
        if (xms != null) flags.add(xms);
        return List.copyOf(flags);
    }

    /** The -Xms flag for a machine (or container) with {@code memoryBytes}, or null for none. */
    static String initialHeap(long memoryBytes) {
        long mb = Math.min(memoryBytes / (8L * 1024 * 1024), 1024);
        return mb >= 512 ? "-Xms" + mb + "m" : null;
    }

    /**
     * Whether the image's JVM arguments set what {@code flag} sets ({@link #setting}): theirs win,
     * and some pairs would stop the JVM starting (two collectors; an -Xmx below our -Xms).
     */
    static boolean ownedByImage(String flag, List<String> imageArgs) {
        String mine = setting(flag);
        return imageArgs.stream().anyMatch(a -> setting(a).equals(mine));
    }

    /**
     * What a JVM argument sets: "heap" for any heap size (-Xms, -Xmx, MaxRAM, InitialRAM),
     * "young" for -Xmn, "collector" for any -XX:±Use…GC, the option's name for other -XX options
     * (boolean or valued), else the argument itself.
     */
    static String setting(String arg) {
        if (arg.startsWith("-Xms") || arg.startsWith("-Xmx") || arg.startsWith("-XX:MaxRAM")
                || arg.startsWith("-XX:InitialRAM")) return "heap";
        if (arg.startsWith("-Xmn")) return "young";
        if (!arg.startsWith("-XX:")) return arg;
        String name = arg.substring(4);
        if (name.startsWith("+") || name.startsWith("-")) name = name.substring(1);
        int eq = name.indexOf('=');
        if (eq >= 0) name = name.substring(0, eq);
        return name.startsWith("Use") && name.endsWith("GC") ? "collector" : name;
    }

    /** Physical memory as the JVM sees it (the container's limit inside one), 0 when unknown. */
    private static long totalMemoryBytes() {
        try {
            return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getTotalMemorySize();
        } catch (RuntimeException | LinkageError e) {
            return 0;
        }
    }

    @Override
    public Running start(String name, String role, Path config, Image image, Path dir) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(image.java());
        cmd.addAll(image.jvmArgs());
        // The collector settings the launcher gives `sipfleet node` (see the launcher's comment):
        // the agent runs under other flags, so a node it starts gets them here unless its image
        // sets its own.
        for (String flag : NODE_GC) {
            if (!ownedByImage(flag, image.jvmArgs())) cmd.add(flag);
        }
        cmd.addAll(List.of("-cp", image.classPath(), "io.sipfleet.app.Main", "node", "--role", role,
                "--config", config.toAbsolutePath().toString()));
        Path log = dir.resolve("node.log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new Child(p, log);
    }

    private record Child(Process process, Path log) implements Running {
        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public boolean alive() {
            return process.isAlive();
        }

        @Override
        public void stop(Duration grace) {
            process.destroy();
            try {
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }

        @Override
        public void kill() {
            process.destroyForcibly(); // SIGKILL on Linux: no shutdown hook runs
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String exitDetail() {
            if (process.isAlive()) {
                return null;
            }
            return "exited with code " + process.exitValue() + lastLine();
        }

        private String lastLine() {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                for (int i = lines.size() - 1; i >= 0; i--) {
                    if (!lines.get(i).isBlank()) {
                        return "; last log line: " + lines.get(i).strip();
                    }
                }
            } catch (IOException ignored) {
                // no log: nothing to add
            }
            return "";
        }
    }
}
