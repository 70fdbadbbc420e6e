package io.sipfleet.app.switching;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One SIPp process driven from a test: a scenario from {@code /sipp/switch/} on the class path,
 * bound to a loopback address and port, everything bounded ({@code -timeout}, {@code -m}, a
 * wait limit, destroyed in {@link Running#close()}). Each run gets its own working folder, so its
 * statistics ({@code -trace_stat}), message counts ({@code -trace_counts}) and errors
 * ({@code -trace_err}) can be read back and printed when an assertion fails.
 */
public final class Sipp {
    private final String scenario;
    private final List<String> args = new ArrayList<>();
    private String localIp = "127.0.0.1";
    private int localPort;
    private String remote;
    private String injection;
    private int timeoutSeconds = 30;
    private String transport = "u1";

    /** {@code -Dsipp.trace=true}: every run also writes its messages ({@code -trace_msg}), for debugging. */
    private static final boolean TRACE = Boolean.getBoolean("sipp.trace");
    /** {@code -Dsipp.dir=FOLDER}: runs keep their files there (label-named folders) instead of the test's temp dir. */
    private static final String KEEP = System.getProperty("sipp.dir");

    private Sipp(String scenario) { this.scenario = scenario; }

    /** The sipp binary on the PATH, or null (tests assume it is there, else they are skipped). */
    public static Path binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "sipp");
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** A run of {@code sipp/switch/<name>.xml}. */
    public static Sipp scenario(String name) { return new Sipp(name); }

    public Sipp local(String ip, int port) {
        this.localIp = ip;
        this.localPort = port;
        return this;
    }

    /** The switch (UAC scenarios): SIPp's remote host; a UAS scenario has none. */
    public Sipp remote(String ip, int port) {
        this.remote = ip + ":" + port;
        return this;
    }

    /** {@code -t}: "u1" (UDP, one socket; the default) or "t1" (TCP, one connection). */
    public Sipp transport(String t) {
        this.transport = t;
        return this;
    }

    /** {@code -m}: SIPp exits after this many calls. */
    public Sipp calls(int n) { return arg("-m", Integer.toString(n)); }

    /** {@code -r n -rp ms}: new calls per period. */
    public Sipp rate(int n, int periodMs) { return arg("-r", Integer.toString(n)).arg("-rp", Integer.toString(periodMs)); }

    /** {@code -l}: at most this many calls at once. */
    public Sipp limit(int n) { return arg("-l", Integer.toString(n)); }

    /** {@code -key name value}: the scenario's {@code [name]}. */
    public Sipp key(String name, String value) { return arg("-key", name, value); }

    /** {@code -inf}: an injection file with these lines (first line SEQUENTIAL, RANDOM ...). */
    public Sipp injection(String... lines) {
        this.injection = String.join("\n", lines) + "\n";
        return this;
    }

    /** Global {@code -timeout} (an error when reached: {@code -timeout_error}). */
    public Sipp timeout(int seconds) {
        this.timeoutSeconds = seconds;
        return this;
    }

    public Sipp arg(String... more) {
        args.addAll(Arrays.asList(more));
        return this;
    }

    /** Starts SIPp in {@code dir}/{@code label}; does not wait. */
    public Running start(Path dir, String label) {
        try {
            Path work = Files.createDirectories((KEEP != null ? Path.of(KEEP) : dir).resolve(label));
            Path xml = work.resolve(scenario + ".xml");
            copyScenario(scenario, xml);
            List<String> cmd = new ArrayList<>(List.of(binary().toString(), "-sf", xml.toString(),
                    "-i", localIp, "-p", Integer.toString(localPort), "-t", transport,
                    "-timeout", timeoutSeconds + "s", "-timeout_error", "-nostdin",
                    "-trace_stat", "-stf", work.resolve("stat.csv").toString(), "-fd", "1",
                    "-trace_counts", "-trace_err", "-error_file", work.resolve("errors.log").toString(),
                    "-max_socket", "64"));
            if (TRACE) cmd.add("-trace_msg");
            if (injection != null) {
                Path inf = work.resolve("injection.csv");
                Files.writeString(inf, injection, StandardCharsets.ISO_8859_1);
                cmd.add("-inf");
                cmd.add(inf.toString());
            }
            cmd.addAll(args);
            if (remote != null) cmd.add(remote);
            Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("sipp.out").toFile()).start();
            return new Running(label, cmd, work, p, localIp, localPort, timeoutSeconds);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies {@code sipp/switch/<name>.xml} from the class path to {@code to} (for -oocsf and the like). */
    static void copyScenario(String name, Path to) {
        try (InputStream in = Sipp.class.getResourceAsStream("/sipp/switch/" + name + ".xml")) {
            if (in == null) throw new IllegalArgumentException("no scenario /sipp/switch/" + name + ".xml");
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts SIPp and waits for it to end (at most its timeout plus 15 s). */
    public Result run(Path dir, String label) {
        try (Running r = start(dir, label)) {
            return r.await();
        }
    }

    /** A SIPp process; {@link #close()} kills it if it is still running. */
    public static final class Running implements AutoCloseable {
        final String label;
        final List<String> cmd;
        final Path work;
        final Process process;
        private final String ip;
        private final int port;
        private final int timeoutSeconds;

        Running(String label, List<String> cmd, Path work, Process process, String ip, int port, int timeoutSeconds) {
            this.label = label;
            this.cmd = cmd;
            this.work = work;
            this.process = process;
            this.ip = ip;
            this.port = port;
            this.timeoutSeconds = timeoutSeconds;
        }

        /** Waits until SIPp holds its UDP port (a UAS must listen before the UAC starts). */
        public Running awaitBound() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) throw new AssertionError(label + " exited early\n" + diagnostics());
                try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(address(ip), port))) {
                    // still free
                } catch (SocketException bound) {
                    return this;
                }
                sleep(20);
            }
            throw new AssertionError(label + " did not bind " + ip + ":" + port + "\n" + diagnostics());
        }

        /** Waits for the end (at most the SIPp timeout plus 15 s) and reads its statistics. */
        public Result await() {
            try {
                if (!process.waitFor(timeoutSeconds + 15L, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(label + " still running after " + (timeoutSeconds + 15) + " s\n"
                            + diagnostics());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            return new Result(this, process.exitValue());
        }

        public boolean isAlive() { return process.isAlive(); }

        /**
         * Ends a SIPp that has no call limit (a callee taking however many calls the switch
         * lets through): SIGUSR1 makes it stop taking calls, finish the ones in progress and exit
         * with its statistics written.
         */
        public Result stop() {
            try {
                new ProcessBuilder("kill", "-USR1", Long.toString(process.pid())).inheritIO().start()
                        .waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            return await();
        }

        private Path messages() {
            try (Stream<Path> files = Files.list(work)) {
                return files.filter(f -> f.getFileName().toString().endsWith("_messages.log")).findFirst()
                        .orElse(work.resolve("none"));
            } catch (IOException e) {
                return work.resolve("none");
            }
        }

        public String diagnostics() {
            return "SIPp " + label + ": " + String.join(" ", cmd) + "\n--- output (tail) ---\n"
                    + tail(work.resolve("sipp.out"), 2500) + "\n--- errors (tail) ---\n"
                    + tail(work.resolve("errors.log"), 4000) + (TRACE ? "\n--- messages (tail) ---\n" + tail(messages(), 12000) : "");
        }

        @Override public void close() {
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(3, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    process.destroyForcibly();
                }
            }
        }
    }

    /** Exit code, the final statistics and per-message counts of one run. */
    public static final class Result {
        final Running run;
        public final int exit;
        final Map<String, String> stats;
        final Map<String, Long> counts;

        Result(Running run, int exit) {
            this.run = run;
            this.exit = exit;
            this.stats = lastLine(run.work.resolve("stat.csv"));
            Path countsFile = null;
            try (Stream<Path> files = Files.list(run.work)) {
                countsFile = files.filter(f -> f.getFileName().toString().endsWith("_counts.csv")).findFirst().orElse(null);
            } catch (IOException e) {
                // no counts
            }
            Map<String, Long> c = new LinkedHashMap<>();
            if (countsFile != null) lastLine(countsFile).forEach((k, v) -> {
                try {
                    c.put(k, Long.parseLong(v.trim()));
                } catch (NumberFormatException notNumeric) {
                    // the date columns
                }
            });
            this.counts = c;
        }

        public long successful() { return stat("SuccessfulCall(C)"); }

        public long failed() { return stat("FailedCall(C)"); }

        public long stat(String column) {
            String v = stats.get(column);
            return v == null ? -1 : Long.parseLong(v.trim());
        }

        /**
         * The count of a scenario message, by the suffix of its column in the counts file:
         * {@code count("503", "Recv")} sums every {@code <n>_503_Recv} column.
         */
        public long count(String message, String what) {
            long sum = 0;
            for (var e : counts.entrySet()) {
                String k = e.getKey();
                if (k.endsWith("_" + message + "_" + what)) sum += e.getValue();
            }
            return sum;
        }

        /** Unexpected messages over the whole scenario (every {@code _Unexp} column). */
        public long unexpected() {
            long sum = 0;
            for (var e : counts.entrySet()) if (e.getKey().endsWith("_Unexp")) sum += e.getValue();
            return sum;
        }

        public String diagnostics() {
            return run.diagnostics() + "\n--- counts ---\n" + counts + "\n";
        }

        /** Exit 0, {@code calls} successful, none failed, no unexpected or stray message. */
        public Result assertClean(long calls) {
            assertThat(exit).as("exit code of %s\n%s", run.label, diagnostics()).isZero();
            assertThat(successful()).as("successful calls of %s\n%s", run.label, diagnostics()).isEqualTo(calls);
            assertThat(failed()).as("failed calls of %s\n%s", run.label, diagnostics()).isZero();
            assertThat(unexpected()).as("unexpected messages at %s\n%s", run.label, diagnostics()).isZero();
            assertNoStrayMessages();
            return this;
        }

        /** No message outside the scenario: none for an unknown call, none for a call already over. */
        public Result assertNoStrayMessages() {
            assertThat(stat("OutOfCallMsgs(C)")).as("out-of-call messages at %s\n%s", run.label, diagnostics())
                    .isZero();
            assertThat(stat("DeadCallMsgs(C)")).as("messages for ended calls at %s\n%s", run.label, diagnostics())
                    .isZero();
            return this;
        }
    }

    private static Map<String, String> lastLine(Path csv) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            if (!Files.exists(csv)) return out;
            List<String> lines = Files.readAllLines(csv, StandardCharsets.ISO_8859_1);
            if (lines.size() < 2) return out;
            String[] header = lines.get(0).split(";");
            String[] last = lines.get(lines.size() - 1).split(";");
            for (int i = 0; i < header.length && i < last.length; i++) out.put(header[i].trim(), last[i]);
        } catch (IOException e) {
            // reported as missing statistics
        }
        return out;
    }

    static String tail(Path f, int max) {
        try {
            if (!Files.exists(f)) return "(none)";
            String s = Files.readString(f, StandardCharsets.ISO_8859_1);
            return s.length() <= max ? s : "..." + s.substring(s.length() - max);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
