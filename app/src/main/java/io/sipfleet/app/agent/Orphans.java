package io.sipfleet.app.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node processes left behind by an agent that died without stopping them (kill -9, a crash):
 * they still hold their addresses, so the next agent could start nothing there. Each node's pid
 * and start time are kept in its folder; at start the agent stops any process that still has both
 * (the start time tells the node from an unrelated process that got the pid later).
 */
final class Orphans {

    private static final Logger LOG = LoggerFactory.getLogger(Orphans.class);
    static final String PID_FILE = "pid";

    private Orphans() {
    }

    static void remember(Path nodeDir, long pid) {
        if (pid == ProcessHandle.current().pid()) {
            // A node inside the agent's own JVM: never an orphan (and another agent must not stop
            // this JVM because it finds its pid in the folder).
            try {
                Files.deleteIfExists(nodeDir.resolve(PID_FILE));
            } catch (IOException ignored) {
                // nothing recorded, nothing to clean
            }
            return;
        }
        String started = ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).map(Object::toString).orElse("");
        try {
            Files.writeString(nodeDir.resolve(PID_FILE), pid + " " + started, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("cannot record pid {} in {}: {}", pid, nodeDir, e.toString());
        }
    }

    static void stop(Path agentDir) {
        if (!Files.isDirectory(agentDir)) {
            return;
        }
        try (DirectoryStream<Path> nodes = Files.newDirectoryStream(agentDir, Files::isDirectory)) {
            for (Path dir : nodes) {
                Path pidFile = dir.resolve(PID_FILE);
                if (!Files.isRegularFile(pidFile)) {
                    continue;
                }
                String[] recorded = (Files.readString(pidFile).strip() + " ").split(" ", 2);
                Files.deleteIfExists(pidFile);
                long pid;
                try {
                    pid = Long.parseLong(recorded[0]);
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid == ProcessHandle.current().pid() || recorded[1].isBlank()) {
                    continue; // an in-process node of this very JVM, or a start time we never learnt
                }
                String started = recorded[1].strip();
                Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                        .filter(h -> h.info().startInstant().map(i -> i.toString().equals(started)).orElse(false));
                if (p.isPresent()) {
                    LOG.warn("node {} (pid {}) still runs from an earlier agent: stopping it", dir.getFileName(), pid);
                    p.get().destroy();
                    try {
                        p.get().onExit().get(15, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        p.get().destroyForcibly();
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot look for orphan nodes in {}: {}", agentDir, e.toString());
        }
    }
}
