package io.sipfleet.switching.config;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one SIGHUP handler of the process, fanned out to everything that reacts to it: config
 * reload, CDR file reopen after logrotate. A JVM has one handler per signal, so components
 * register here instead of calling {@code Signal.handle} and replacing each other.
 *
 * <p>Once installed, SIGHUP no longer terminates the JVM (its default): like any daemon, the
 * switch reloads on it. Where the signal is not available (Windows, {@code -Xrs}, a runtime
 * without the jdk.unsupported module) installing logs a warning and does nothing: file polling
 * and explicit calls still work.
 */
public final class HangupSignal {

    private static final Logger log = LoggerFactory.getLogger(HangupSignal.class);
    private static final List<Action> actions = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    private record Action(String name, Runnable run) {}

    private HangupSignal() {}

    /**
     * Runs {@code action} on every SIGHUP until the handle is closed, installing the handler on
     * first use. Actions run one after the other on the JVM's signal thread.
     */
    public static Subscription onHangup(String name, Runnable action) {
        Action a = new Action(Objects.requireNonNull(name), Objects.requireNonNull(action));
        actions.add(a);
        install();
        return () -> actions.remove(a);
    }

    /** Installs the handler if the platform allows; true when SIGHUP is now handled here. */
    public static synchronized boolean install() {
        if (installed) {
            return true;
        }
        try {
            handleHup();
            installed = true;
            log.info("SIGHUP handler installed: kill -HUP {} reloads config and reopens CDR files",
                    ProcessHandle.current().pid());
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // IllegalArgumentException: no such signal here, or the JVM reserves it (-Xrs);
            // ClassNotFoundException: a runtime without jdk.unsupported.
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            log.warn("SIGHUP not available on this platform ({}); reload by file change only", cause.toString());
        }
        return installed;
    }

    /**
     * {@code sun.misc.Signal.handle(new Signal("HUP"), sig -> dispatch())}, called reflectively:
     * the direct call compiles only with a "proprietary API" warning that cannot be suppressed,
     * and a missing class then surfaces here as an exception instead of a link error elsewhere.
     */
    private static void handleHup() throws ReflectiveOperationException {
        Class<?> signal = Class.forName("sun.misc.Signal");
        Class<?> handler = Class.forName("sun.misc.SignalHandler");
        Object hup = signal.getConstructor(String.class).newInstance("HUP");
        Object onHup = Proxy.newProxyInstance(HangupSignal.class.getClassLoader(), new Class<?>[] {handler},
                (proxy, method, args) -> switch (method.getName()) {
                    case "handle" -> {
                        dispatch();
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "HangupSignal handler";
                });
        Method handle = signal.getMethod("handle", signal, handler);
        handle.invoke(null, hup, onHup);
    }

    /** Whether SIGHUP is handled by this class. */
    public static boolean installed() {
        return installed;
    }

    /** Runs every registered action as a SIGHUP would; one failing does not stop the rest. */
    static void dispatch() {
        log.info("SIGHUP received: running {} action(s)", actions.size());
        for (Action a : actions) {
            try {
                a.run().run();
            } catch (RuntimeException e) {
                log.error("SIGHUP action '{}' failed", a.name(), e);
            }
        }
    }
}
