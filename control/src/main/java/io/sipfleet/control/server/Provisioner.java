package io.sipfleet.control.server;

/**
 * What turns a deployed server row into a running node. The deploy calls {@link #install} after
 * its transaction committed; the engine reports progress through the {@link StatusSink}.
 *
 * <p>Engines: {@link InMemoryProvisioner} (tests: marks the server running at once), and
 * {@link #NONE} (servers stay {@code deploying}). The host agent (install the current build, start
 * the node, wait for it to answer OPTIONS, then report running) is a later step behind this same
 * interface, as are systemd-over-SSH or container engines.
 */
public interface Provisioner {

    /** Installs and starts {@code server}; must not block for long (hand slow work to a thread). */
    void install(Server server, StatusSink sink);

    /** Where an engine reports a server's new status ({@code running}, {@code failed}, ...). */
    @FunctionalInterface
    interface StatusSink {
        void status(long serverId, String status);
    }

    /** No engine yet: the server is recorded and stays {@code deploying}. */
    Provisioner NONE = (server, sink) -> { };
}
