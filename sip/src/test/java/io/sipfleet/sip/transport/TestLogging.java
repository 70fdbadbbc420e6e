package io.sipfleet.sip.transport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Logback without a config file logs everything at DEBUG: keep the transport tests readable. */
final class TestLogging {
    private TestLogging() {}

    static void quiet() {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) root.setLevel(Level.INFO);
        if (LoggerFactory.getLogger("io.netty") instanceof Logger netty) netty.setLevel(Level.WARN);
    }
}
