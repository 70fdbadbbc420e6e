package io.sipfleet.app.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sipfleet.control.agent.AgentProtocol;
import io.sipfleet.control.agent.AgentProtocol.NodeState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The host agent: runs this host's nodes on control's command (see {@link AgentProtocol}), one
 * directory per node under {@code dir} (config.json, image.json, node.log). It registers with
 * control at start and every 10 s after (the heartbeat), so a restarted control finds it again.
 * The agent keeps no state control needs: nodes it does not know are simply installed again.
 */
public final class Agent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    /**
     * Where and as whom the agent runs.
     *
     * @param advertise the URL control calls the agent on; null: http://LISTEN_IP:PORT (which must
     *                  then be a concrete address, not a wildcard)
     */
    public record Settings(String name, String zone, URI control, String token, InetSocketAddress listen, Path dir,
                           URI advertise) {
        public Settings(String name, String zone, URI control, String token, InetSocketAddress listen, Path dir) {
            this(name, zone, control, token, listen, dir, null);
        }
    }

    private final Settings settings;
    private final NodeRuntime runtime;
    private final Map<String, Node> nodes = new ConcurrentHashMap<>();
    private final HttpServer http;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService heartbeat;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private volatile Image image;

    private Agent(Settings settings, NodeRuntime runtime, Image image) throws IOException {
        this.settings = settings;
        this.runtime = runtime;
        this.image = image;
        Files.createDirectories(settings.dir());
        this.http = HttpServer.create(settings.listen(), 32);
        http.createContext("/", this::handle);
        http.setExecutor(executor);
        http.start();
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("agent-heartbeat").unstarted(r));
    }

    /** Starts the agent's API and registers with control (retrying every 10 s until control answers). */
    public static Agent start(Settings settings, NodeRuntime runtime, Image image) throws IOException {
        if (settings.advertise() == null && settings.listen().getAddress().isAnyLocalAddress()) {
            throw new IllegalArgumentException("the agent listens on a wildcard address: say how control reaches it (--url)");
        }
        Orphans.stop(settings.dir());
        Agent agent = new Agent(settings, runtime, image);
        boolean registered = agent.register();
        agent.heartbeat.scheduleWithFixedDelay(agent::register, 10, 10, TimeUnit.SECONDS);
        LOG.info("agent {} (zone {}) on {}; nodes under {}; control {}{}", settings.name(), settings.zone(), agent.url(),
                settings.dir().toAbsolutePath(), settings.control(), registered ? "" : " (not reachable yet: retrying)");
        return agent;
    }

    public URI url() {
        if (settings.advertise() != null) {
            return settings.advertise();
        }
        InetSocketAddress a = http.getAddress();
        return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort());
    }

    /** The image new installs get: an upgraded host swaps it, nodes keep theirs until updated. */
    public void image(Image next) {
        this.image = next;
    }

    private boolean register() {
        String body = JSON.writeValueAsString(new AgentProtocol.Register(settings.name(), settings.zone(), url().toString()));
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(settings.control().resolve("/api/agents"))
                    .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + settings.token())
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                LOG.warn("control {} refused the registration of agent {}: {} {}", settings.control(), settings.name(),
                        r.statusCode(), r.body());
                return false;
            }
            return true;
        } catch (IOException e) {
            LOG.warn("control {} unreachable for agent {}: {}", settings.control(), settings.name(), e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- the node lifecycle ------------------------------------------------------------------------------

    /** One installed node. All changes to it hold its monitor: one action at a time per node. */
    private final class Node {
        final String name;
        final String role;
        final Path dir;
        final Image image;
        NodeRuntime.Running running;
        boolean stoppedByAction = true;
        String lastNote;

        Node(String name, String role, Path dir, Image image) {
            this.name = name;
            this.role = role;
            this.dir = dir;
            this.image = image;
        }

        Path config() {
            return dir.resolve("config.json");
        }

        synchronized NodeState state() {
            boolean alive = running != null && running.alive();
            String st = alive ? NodeState.RUNNING : stoppedByAction ? NodeState.STOPPED : NodeState.EXITED;
            String detail = alive ? lastNote : running == null ? lastNote : running.exitDetail();
            return new NodeState(name, role, st, alive ? running.pid() : null, image.version(), detail);
        }

        synchronized void start() throws Exception {
            if (running != null && running.alive()) {
                return;
            }
            running = runtime.start(name, role, config(), image, dir);
            Orphans.remember(dir, running.pid());
            stoppedByAction = false;
            lastNote = "started";
            LOG.info("node {} ({}) started, pid {}, build {}", name, role, running.pid(), image.version());
        }

        synchronized void stop() {
            stoppedByAction = true;
            if (running != null && running.alive()) {
                running.stop(STOP_GRACE);
                LOG.info("node {} stopped", name);
            }
            lastNote = "stopped";
        }

        synchronized void powerCycle() throws Exception {
            String note = "was not running";
            if (running != null && running.alive()) {
                long pid = running.pid();
                running.kill();
                LOG.info("node {} power cycle: pid {} killed", name, pid);
                note = "killed pid " + pid;
            }
            start();
            lastNote = note + ", started pid " + running.pid();
        }

        /**
         * OS cycle: stop taking new calls (the channel limit is set to the calls in progress, so new
         * INVITEs get 503 and a dispatcher moves them to another switch), wait for the calls to end
         * up to {@code drain}, then a graceful restart on the original config.
         */
        synchronized void osCycle(Duration drain) throws Exception {
            String note = "no calls to drain";
            Integer inUse = role.equals("switch") ? NodeProbe.channelsInUse(config()) : null;
            if (inUse != null && inUse > 0) {
                byte[] original = Files.readAllBytes(config());
                writeAtomically(config(), NodeProbe.drainConfig(original, inUse));
                long deadline = System.nanoTime() + drain.toNanos();
                Integer left = inUse;
                while (left != null && left > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    left = NodeProbe.channelsInUse(config());
                }
                note = left != null && left > 0 ? "drain timeout with " + left + " of " + inUse + " calls left"
                        : "drained " + inUse + " calls";
                running.stop(STOP_GRACE);
                writeAtomically(config(), original);
            } else if (running != null) {
                running.stop(STOP_GRACE);
            }
            running = null;
            start();
            lastNote = note + "; restarted, pid " + running.pid();
        }
    }

    NodeState install(String name, AgentProtocol.Install req) throws Exception {
        if (req.role() == null || !(req.role().equals("switch") || req.role().equals("dispatcher"))) {
            throw new AgentError(400, "role: must be switch or dispatcher");
        }
        if (req.config() == null || req.config().isBlank()) {
            throw new AgentError(400, "config: the node's snapshot JSON is required");
        }
        Node old = nodes.get(name);
        if (old != null && NodeState.RUNNING.equals(old.state().state())) {
            throw new AgentError(409, "node " + name + " is running: stop it before installing again");
        }
        Path dir = settings.dir().resolve(name);
        Files.createDirectories(dir);
        Image img = image;
        writeAtomically(dir.resolve("config.json"), req.config().getBytes(StandardCharsets.UTF_8));
        writeAtomically(dir.resolve("image.json"), JSON.writeValueAsBytes(img));
        Node node = new Node(name, req.role(), dir, img);
        node.lastNote = "installed build " + img.version();
        nodes.put(name, node);
        LOG.info("node {} ({}) installed from build {} in {}", name, req.role(), img.version(), dir);
        return node.state();
    }

    private Node node(String name) {
        Node n = nodes.get(name);
        if (n == null) {
            throw new AgentError(404, "no node " + name + " on host " + settings.name() + ": install it first");
        }
        return n;
    }

    /** Stops every node (agent shutdown: the nodes are this agent's children). */
    public void stopAll() {
        List<Node> all = new ArrayList<>(nodes.values());
        all.sort(Comparator.comparing((Node n) -> n.role.equals("dispatcher") ? 0 : 1));
        for (Node n : all) {
            try {
                n.stop();
            } catch (RuntimeException e) {
                LOG.warn("stopping node {} failed: {}", n.name, e.toString());
            }
        }
    }

    public List<NodeState> states() {
        return nodes.values().stream().map(Node::state).sorted(Comparator.comparing(NodeState::name)).toList();
    }

    static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        // Owner-only: a switch's snapshot holds HA1s, the nonce key and the clear passwords of
        // its upstream registrations.
        Files.deleteIfExists(tmp);
        if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        }
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    // ---- HTTP --------------------------------------------------------------------------------------------

    private static final class AgentError extends RuntimeException {
        final int status;

        AgentError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            try {
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                if (auth == null || !auth.startsWith("Bearer ") || !MessageDigest.isEqual(
                        auth.substring(7).strip().getBytes(StandardCharsets.UTF_8),
                        settings.token().getBytes(StandardCharsets.UTF_8))) {
                    throw new AgentError(401, "missing or wrong agent token");
                }
                Object result = route(ex.getRequestMethod(), ex.getRequestURI(), ex.getRequestBody());
                reply(ex, 200, JSON.writeValueAsBytes(result));
            } catch (AgentError e) {
                reply(ex, e.status, JSON.writeValueAsBytes(new AgentProtocol.Error(e.getMessage())));
            } catch (Exception e) {
                LOG.warn("agent request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
                reply(ex, 500, JSON.writeValueAsBytes(new AgentProtocol.Error(e.toString())));
            }
        }
    }

    private Object route(String method, URI uri, InputStream body) throws Exception {
        String[] p = uri.getPath().split("/");
        // "", "nodes", name, verb
        if (p.length < 2 || !p[1].equals("nodes")) {
            throw new AgentError(404, "no endpoint " + uri.getPath());
        }
        if (p.length == 2 && method.equals("GET")) {
            return new AgentProtocol.Nodes(states());
        }
        String name = p.length > 2 ? p[2] : "";
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new AgentError(400, "node name must be 1-64 letters, digits, '.', '_' or '-'");
        }
        String verb = p.length > 3 ? p[3] : "";
        switch (method + " " + verb) {
            case "GET " -> {
                return node(name).state();
            }
            case "PUT " -> {
                return install(name, JSON.readValue(body.readAllBytes(), AgentProtocol.Install.class));
            }
            case "PUT config" -> {
                Node n = node(name);
                byte[] config = body.readAllBytes();
                synchronized (n) {
                    writeAtomically(n.config(), config);
                }
                return n.state();
            }
            case "DELETE " -> {
                Node n = node(name);
                n.stop();
                nodes.remove(name);
                return n.state();
            }
            case "POST start" -> {
                Node n = node(name);
                n.start();
                return n.state();
            }
            case "POST stop" -> {
                Node n = node(name);
                n.stop();
                return n.state();
            }
            case "POST restart" -> {
                Node n = node(name);
                synchronized (n) {
                    n.stop();
                    n.start();
                    n.lastNote = "restarted";
                }
                return n.state();
            }
            case "POST power-cycle" -> {
                Node n = node(name);
                n.powerCycle();
                return n.state();
            }
            case "POST os-cycle" -> {
                Node n = node(name);
                n.osCycle(Duration.ofSeconds(queryLong(uri, "drainSeconds", 30)));
                return n.state();
            }
            default -> throw new AgentError(404, "no endpoint " + method + " " + uri.getPath());
        }
    }

    private static long queryLong(URI uri, String key, long dflt) {
        if (uri.getQuery() == null) {
            return dflt;
        }
        for (String kv : uri.getQuery().split("&")) {
            if (kv.startsWith(key + "=")) {
                try {
                    return Long.parseLong(kv.substring(key.length() + 1));
                } catch (NumberFormatException e) {
                    throw new AgentError(400, key + ": must be a number of seconds");
                }
            }
        }
        return dflt;
    }

    private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        stopAll();
        http.stop(0);
        executor.shutdownNow();
        runtime.close();
    }
}
