package io.sipfleet.control.action;

import io.sipfleet.control.server.Provisioner;
import io.sipfleet.control.server.Server;

/**
 * The deploy's engine when hosts run agents: after the deploy committed, a virtual thread asks the
 * host's agent to install and start the node and waits for it to answer OPTIONS (running) or
 * gives up with the reason (failed). The API answers the deploy at once with "deploying".
 */
public final class AgentProvisioner implements Provisioner {

    private final ActionService actions;

    public AgentProvisioner(ActionService actions) {
        this.actions = actions;
    }

    @Override
    public void install(Server server, StatusSink sink) {
        Thread.ofVirtual().name("deploy-" + server.serverId()).start(() -> actions.deploy(server));
    }
}
