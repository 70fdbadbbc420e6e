package io.sipfleet.app.node;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node running until SIGTERM or SIGINT: the JVM runs shutdown hooks on both, and the
 * hook closes the node (a bounded, graceful stop) before the JVM exits.
 */
final class UntilSignalled {
    private static final Logger log = LoggerFactory.getLogger("sipfleet");

    private UntilSignalled() {}

    static int run(AutoCloseable node, String what) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping {}", what);
            try {
                node.close();
            } catch (Exception e) {
                log.warn("error while stopping {}", what, e);
            }
            log.info("stopped");
            stopped.countDown();
        }, "sipfleet-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
