package io.sipfleet.sip.transaction;

import java.time.Duration;
import java.util.Objects;

/**
 * The timer values of RFC 3261 17 (table 4 of appendix A) and RFC 6026. Only T1, T2 and T4 are
 * set; the others derive from them, and the transport decides which ones are zero: on a reliable
 * transport there is nothing to wait for after a final response (D, I, J, K = 0) and nothing to
 * retransmit (A, E, G are not started).
 *
 * @param t1     RTT estimate (default 500 ms): first retransmission interval.
 * @param t2     maximum retransmission interval for non-INVITE requests and INVITE responses (4 s).
 * @param t4     maximum time a message stays in the network (5 s).
 * @param trying how long an INVITE server transaction waits for the TU before it sends 100 Trying
 *               itself (17.2.1 says 200 ms); {@code null} turns the automatic 100 off (a proxy
 *               TU that always answers at once, or a test).
 * @param linger how long a transaction that has done its work stays only to absorb
 *               retransmissions: Timers J (non-INVITE server, Completed) and D (INVITE client,
 *               Completed) over UDP, L (INVITE server, Accepted) and M (INVITE client, Accepted)
 *               on any transport.
 *               {@code null}: the RFC's values (64*T1 = 32 s; D at least 32 s). A shorter linger
 *               is what Kamailio and OpenSIPS run by default (tm's wt_timer, 5 s): a request or
 *               final response retransmitted after it is treated as new (a BYE is forwarded
 *               again and the callee answers it from its own transaction), and in exchange a
 *               node at N calls/s keeps N*linger finished transactions instead of N*32 s of them,
 *               which the garbage collector traces and copies (see bench/RESULTS.md). Must be
 *               > 0 and at most 64*T1 when set.
 */
public record TimerConfig(Duration t1, Duration t2, Duration t4, Duration trying, Duration linger) {

    private static final Duration TIMER_D_MIN = Duration.ofSeconds(32);

    public TimerConfig {
        Objects.requireNonNull(t1, "t1");
        Objects.requireNonNull(t2, "t2");
        Objects.requireNonNull(t4, "t4");
        if (t1.isNegative() || t1.isZero()) throw new IllegalArgumentException("T1 must be > 0, was " + t1);
        if (t2.compareTo(t1) < 0) throw new IllegalArgumentException("T2 (" + t2 + ") must be >= T1 (" + t1 + ")");
        if (t4.isNegative()) throw new IllegalArgumentException("T4 must be >= 0, was " + t4);
        if (trying != null && trying.isNegative()) throw new IllegalArgumentException("trying must be >= 0");
        if (linger != null && (linger.isNegative() || linger.isZero() || linger.compareTo(times(t1, 64)) > 0)) {
            throw new IllegalArgumentException("linger must be > 0 and <= 64*T1 (" + times(t1, 64) + "), was " + linger);
        }
    }

    /** The RFC's lingering times (no {@code linger} override). */
    public TimerConfig(Duration t1, Duration t2, Duration t4, Duration trying) {
        this(t1, t2, t4, trying, null);
    }

    /** RFC 3261 defaults: T1 500 ms, T2 4 s, T4 5 s, automatic 100 Trying after 200 ms. */
    public static TimerConfig defaults() {
        return new TimerConfig(Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(5),
                Duration.ofMillis(200));
    }

    public TimerConfig withT1(Duration v) { return new TimerConfig(v, t2, t4, trying, linger); }

    public TimerConfig withT2(Duration v) { return new TimerConfig(t1, v, t4, trying, linger); }

    public TimerConfig withT4(Duration v) { return new TimerConfig(t1, t2, v, trying, linger); }

    /** {@code null}: never send 100 Trying automatically. */
    public TimerConfig withTrying(Duration v) { return new TimerConfig(t1, t2, t4, v, linger); }

    /** {@code null}: the RFC's lingering times; see the {@code linger} component. */
    public TimerConfig withLinger(Duration v) { return new TimerConfig(t1, t2, t4, trying, v); }

    /** 64*T1: the transaction timeout of B, F, H, and (without a {@code linger}) J over UDP, L and M. */
    public Duration timeout() { return times(t1, 64); }

    /** The RFC's {@code absorbing} time of a finished transaction, or {@code linger} when set. */
    private Duration lingerOr(Duration absorbing) { return linger != null ? linger : absorbing; }

    /**
     * {@code d * k}. Not {@link Duration#multipliedBy}: that goes through BigDecimal, and these
     * run for every transaction (a fifteenth of what a call allocated).
     */
    static Duration times(Duration d, int k) {
        long nanos = d.toNanos();
        return nanos <= Long.MAX_VALUE / k ? Duration.ofNanos(nanos * k) : d.multipliedBy(k);
    }

    /** Timer B: INVITE client transaction gives up waiting for any response. */
    public Duration timerB() { return timeout(); }

    /** Timer F: non-INVITE client transaction gives up waiting for a final response. */
    public Duration timerF() { return timeout(); }

    /** Timer H: INVITE server transaction gives up waiting for the ACK of a non-2xx final. */
    public Duration timerH() { return timeout(); }

    /** Timer L (RFC 6026 8.7): INVITE server transaction leaves Accepted. */
    public Duration timerL() { return lingerOr(timeout()); }

    /** Timer M (RFC 6026 8.4): INVITE client transaction leaves Accepted. */
    public Duration timerM() { return lingerOr(timeout()); }

    /**
     * Timer D: how long an INVITE client absorbs retransmitted finals. RFC 3261 asks for at least
     * 32 s over UDP; it must also outlast the server's Timer H (64*T1) when T1 is raised.
     */
    public Duration timerD(boolean reliable) {
        if (reliable) return Duration.ZERO;
        Duration h = timeout();
        return lingerOr(h.compareTo(TIMER_D_MIN) > 0 ? h : TIMER_D_MIN);
    }

    /** Timer I: INVITE server absorbs retransmitted ACKs (T4 over UDP). */
    public Duration timerI(boolean reliable) { return reliable ? Duration.ZERO : t4; }

    /** Timer J: non-INVITE server absorbs retransmitted requests (64*T1 over UDP). */
    public Duration timerJ(boolean reliable) { return reliable ? Duration.ZERO : lingerOr(timeout()); }

    /** Timer K: non-INVITE client absorbs retransmitted finals (T4 over UDP). */
    public Duration timerK(boolean reliable) { return reliable ? Duration.ZERO : t4; }

    /** The next retransmission interval: doubled, capped at T2 (timers E and G; 2xx of 13.3.1.4). */
    Duration doubledCapped(Duration interval) {
        Duration d = times(interval, 2);
        return d.compareTo(t2) > 0 ? t2 : d;
    }
}
