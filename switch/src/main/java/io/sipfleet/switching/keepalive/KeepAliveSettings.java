package io.sipfleet.switching.keepalive;

import io.sipfleet.switching.config.KeepAlive;
import io.sipfleet.switching.config.KeepAliveMode;
import io.sipfleet.switching.config.SwitchConfig;
import java.util.Objects;

/**
 * What the {@link KeepAliveScheduler} does, taken from one config snapshot ({@link #from}) and
 * replaced whole on reload ({@link KeepAliveScheduler#apply}).
 *
 * @param mode            {@link KeepAliveMode#CRLF}: a 4-byte CRLFCRLF datagram/segment, keeps the
 *                        NAT pinhole open but nothing answers it over UDP, so no RTT and no loss
 *                        detection; {@link KeepAliveMode#OPTIONS}: an OPTIONS request, whose answer
 *                        (any status) proves the UA and its pinhole alive
 * @param intervalSeconds seconds between two pings to one binding, >= 1 (default 30)
 * @param lostPingLimit   unanswered OPTIONS in a row after which the binding is removed, >= 1 (default 3)
 * @param disabled        "Disable UAC Ping": nothing is sent, bindings stay tracked for when it is re-enabled
 * @param localMemberId   this switch's member id: only bindings with {@link
 *                        io.sipfleet.cluster.location.Binding#memberId()} equal to it are pinged, so
 *                        each binding of a cluster is pinged by exactly one member
 * @param fromDomain      host of the OPTIONS From URI ({@code sip:ping@<fromDomain>}), usually the
 *                        realm; null = the local listener address the binding registered through
 */
public record KeepAliveSettings(KeepAliveMode mode, int intervalSeconds, int lostPingLimit, boolean disabled,
                                String localMemberId, String fromDomain) {

    public static final int DEFAULT_INTERVAL_SECONDS = 30;
    public static final int DEFAULT_LOST_PING_LIMIT = 3;

    public KeepAliveSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(localMemberId, "localMemberId");
        if (localMemberId.isEmpty()) throw new IllegalArgumentException("localMemberId is empty");
        if (intervalSeconds < 1) throw new IllegalArgumentException("intervalSeconds must be >= 1, was " + intervalSeconds);
        if (lostPingLimit < 1) throw new IllegalArgumentException("lostPingLimit must be >= 1, was " + lostPingLimit);
        if (fromDomain != null && fromDomain.isBlank()) fromDomain = null;
    }

    /** OPTIONS every 30 s, removed after 3 unanswered, enabled, From host = local address. */
    public static KeepAliveSettings defaults(String localMemberId) {
        return new KeepAliveSettings(KeepAliveMode.OPTIONS, DEFAULT_INTERVAL_SECONDS, DEFAULT_LOST_PING_LIMIT,
                false, localMemberId, null);
    }

    /** The switch's snapshot: {@code keepAlive.*}, member id = {@code serverId}, From host = {@code realm}. */
    public static KeepAliveSettings from(SwitchConfig config) {
        KeepAlive k = config.keepAlive();
        return new KeepAliveSettings(k.mode(), k.intervalSeconds(), k.lostPingLimit(), k.disabled(),
                config.serverId(), config.realm());
    }

    public KeepAliveSettings withMode(KeepAliveMode m) {
        return new KeepAliveSettings(m, intervalSeconds, lostPingLimit, disabled, localMemberId, fromDomain);
    }

    public KeepAliveSettings withIntervalSeconds(int s) {
        return new KeepAliveSettings(mode, s, lostPingLimit, disabled, localMemberId, fromDomain);
    }

    public KeepAliveSettings withLostPingLimit(int k) {
        return new KeepAliveSettings(mode, intervalSeconds, k, disabled, localMemberId, fromDomain);
    }

    public KeepAliveSettings withDisabled(boolean d) {
        return new KeepAliveSettings(mode, intervalSeconds, lostPingLimit, d, localMemberId, fromDomain);
    }

    public KeepAliveSettings withFromDomain(String d) {
        return new KeepAliveSettings(mode, intervalSeconds, lostPingLimit, disabled, localMemberId, d);
    }

    @Override public String toString() {
        return (disabled ? "disabled" : mode.wire() + " every " + intervalSeconds + " s")
                + (mode == KeepAliveMode.OPTIONS ? ", lost after " + lostPingLimit + " unanswered" : "")
                + ", member " + localMemberId;
    }
}
