package io.sipfleet.control.agent;

import java.util.List;

/**
 * The wire contract between control and a host agent (JSON, camelCase). Control calls the agent:
 * actions are requests with a result (the audit log records it at once, the API answers with
 * it), and the agent stays a thin executor with no copy of control's state. The agent registers
 * itself (and heartbeats) by calling control, so control learns its URL without configuration.
 *
 * <pre>
 * agent -> control  POST /api/agents                        Register      (agent token)
 * control -> agent  GET  /nodes                             [NodeState]   (agent token)
 *                   PUT  /nodes/{name}                      Install       fresh install: config + image
 *                   PUT  /nodes/{name}/config               the snapshot JSON, written to the node's config file
 *                   POST /nodes/{name}/start|stop|restart|power-cycle
 *                   POST /nodes/{name}/os-cycle?drainSeconds=N
 *                   DELETE /nodes/{name}
 * </pre>
 */
public final class AgentProtocol {

    private AgentProtocol() {
    }

    /** Header carrying the shared agent token (both directions), as {@code Bearer TOKEN}. */
    public static final String AUTHORIZATION = "Authorization";

    /** An agent announcing itself: host name (unique), zone id, and the URL control reaches it on. */
    public record Register(String name, String zone, String url) {
    }

    /** Install a node: role "switch" or "dispatcher" and its first config snapshot (JSON text). */
    public record Install(String role, String config) {
    }

    /**
     * A node as its agent sees it.
     *
     * @param state   "running" (process alive), "stopped" (stopped by an action), "exited" (died by itself)
     * @param version build version of the image the node was started from
     * @param detail  exit code or the last action's note, for the audit log
     */
    public record NodeState(String name, String role, String state, Long pid, String version, String detail) {
        public static final String RUNNING = "running";
        public static final String STOPPED = "stopped";
        public static final String EXITED = "exited";
    }

    /** What {@code GET /nodes} answers. */
    public record Nodes(List<NodeState> nodes) {
    }

    /** An agent's error answer. */
    public record Error(String error) {
    }
}
