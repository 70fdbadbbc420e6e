package io.sipfleet.control.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test engine: remembers what it installed and reports each server running immediately. */
public final class InMemoryProvisioner implements Provisioner {

    private final List<Server> installed = new CopyOnWriteArrayList<>();

    @Override
    public void install(Server server, StatusSink sink) {
        installed.add(server);
        sink.status(server.id(), Server.RUNNING);
    }

    public List<Server> installed() {
        return List.copyOf(installed);
    }
}
