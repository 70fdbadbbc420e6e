package io.sipfleet.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sipfleet.cluster.location.InMemoryLocationStore;
import io.sipfleet.sip.auth.DigestAlgorithm;
import io.sipfleet.sip.auth.DigestAuthenticator;
import io.sipfleet.sip.auth.DigestChallenge;
import io.sipfleet.sip.auth.DigestConfig;
import io.sipfleet.sip.auth.DigestResponse;
import io.sipfleet.sip.auth.Ha1;
import io.sipfleet.sip.message.SipMessage;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.parse.SipParser;
import io.sipfleet.sip.timer.LaneTimer;
import io.sipfleet.sip.transaction.ClientTransaction;
import io.sipfleet.sip.transaction.InviteServerTransaction;
import io.sipfleet.sip.transaction.ServerTransaction;
import io.sipfleet.sip.transaction.TimerConfig;
import io.sipfleet.sip.transaction.TransactionLayer;
import io.sipfleet.sip.transaction.TransactionUser;
import io.sipfleet.sip.transport.Inbound;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.SipSender;
import io.sipfleet.sip.transport.ViaStamping;
import io.sipfleet.switching.auth.AuthFailureGuard;
import io.sipfleet.switching.auth.AuthGate;
import io.sipfleet.switching.auth.AuthGuardFilter;
import io.sipfleet.switching.auth.AuthGuardSettings;
import io.sipfleet.switching.auth.RequestAuthenticator;
import io.sipfleet.switching.auth.SipUser;
import io.sipfleet.switching.auth.StaticUserDirectory;
import io.sipfleet.switching.registrar.Registrar;
import io.sipfleet.switching.registrar.RegistrarEvents;
import io.sipfleet.switching.registrar.RegistrarSettings;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One digest REGISTER pair through the switch's registrar path in-process, as the UDP transport
 * hands it over: datagram bytes copied and parsed with the top Via stamped, the auth guard filter,
 * the transaction layer, the registrar with the real authenticator and the in-memory location
 * store of {@code users} AoRs, each response written to an outbound buffer. Users are cycled in
 * order as SIPp's injection file cycles them (bench/sipp/switch/register.xml), each pair with a
 * new Call-ID, so every second REGISTER refreshes its AoR's binding. Left out: the socket
 * (recvmmsg/sendto), Netty's pipeline and the keep-alive tracking of the binding.
 *
 * <p>Measures what the switch's user code costs per pair with the cache warm (one thread, no
 * other process): set against bench/sipp/compare-switch.sh's user CPU per pair, the difference is
 * what the real run adds (transport, cache and TLB misses, collector threads).
 *
 * <p>Difference from SIPp: credentials without qop (RFC 2069 form), since with qop=auth every
 * nonce-count must be new and so every credentialed REGISTER built anew; without qop a nonce is
 * reusable until it expires, and the clock here is fixed. The verification is otherwise the same
 * (nonce MAC, response hash); only the nonce-count check is skipped.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseCompactObjectHeaders", "-XX:+UseG1GC", "-Xmn60m",
        "-XX:MaxTenuringThreshold=0", "-Xms1g"})
public class RegisterBenchmark {
    static final String REALM = "sipfleet.local";
    /** Where the Call-ID's counter goes: 8 hex digits at the start of each Call-ID. */
    static final String COUNTER = "00000000";

    @Param({"10000"})
    int users;

    private final Peer peer = Peer.udp(new InetSocketAddress("127.0.0.10", 5060), new InetSocketAddress("127.0.0.1", 5060));
    private final ByteBuf out = Unpooled.directBuffer(2048);
    private byte[][] first;
    private byte[][] second;
    private int firstAt;
    private int secondAt;
    private int next;
    private int counter;
    private AuthGuardFilter frontDoor;
    private LaneTimer timer;
    private final int[] lastStatus = new int[1];
    private final SipSender sender = (m, to) -> {
        out.clear();
        m.writeTo(out);
        lastStatus[0] = ((SipResponse) m).statusCode();
    };

    @Setup(Level.Trial)
    public void build() {
        Clock clock = Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC);
        DigestConfig config = DigestConfig.defaults(REALM).withAlgorithms(List.of(DigestAlgorithm.MD5)).withQopAuth(false);
        DigestAuthenticator digest = new DigestAuthenticator(config, clock,
                "bench-secret-bench-secret-bench!".getBytes(StandardCharsets.US_ASCII));
        String nonce = digest.challenge(false).get(0).nonce();
        String opaque = digest.challenge(false).get(0).opaque();
        List<SipUser> list = new ArrayList<>(users);
        first = new byte[users][];
        second = new byte[users][];
        for (int i = 0; i < users; i++) {
            String user = Integer.toString(100000 + i);
            String ha1 = Ha1.compute(DigestAlgorithm.MD5, user, REALM, "secret" + user);
            list.add(new SipUser("sip:" + user + "@" + REALM, user, ha1, null));
            String response = DigestResponse.compute(DigestAlgorithm.MD5, ha1, nonce, null, 0, null, "REGISTER",
                    "sip:" + REALM);
            first[i] = register(user, 1, null);
            second[i] = register(user, 2, "Digest username=\"" + user + "\",realm=\"" + REALM + "\",uri=\"sip:" + REALM
                    + "\",nonce=\"" + nonce + "\",response=\"" + response + "\",algorithm=MD5,opaque=\"" + opaque + "\"");
        }
        firstAt = indexOf(first[0], COUNTER);
        secondAt = indexOf(second[0], COUNTER);
        AuthFailureGuard guard = new AuthFailureGuard(AuthGuardSettings.defaults(), clock);
        timer = new LaneTimer("bench-timer", 10, TimeUnit.MILLISECONDS);
        AuthGate gate = new AuthGate(new RequestAuthenticator(digest, new StaticUserDirectory(list)), guard, timer);
        Registrar registrar = new Registrar(RegistrarSettings.defaults(REALM, "bench-switch"),
                new InMemoryLocationStore(clock), gate, RegistrarEvents.NONE, clock);
        TransactionLayer layer = new TransactionLayer(new TransactionUser() {
            @Override public void onRequest(ServerTransaction tx, SipRequest request) {
                registrar.onRegister(tx, request, tx.peer());
            }
            @Override public void onAck(SipRequest ack, Peer from) {}
            @Override public void onCancel(InviteServerTransaction tx, SipRequest cancel) {}
            @Override public void onResponse(ClientTransaction tx, SipResponse response) {}
            @Override public void onTimeout(ClientTransaction tx) {}
        }, sender, timer, TimerConfig.defaults(), false);
        frontDoor = new AuthGuardFilter(guard, layer);
        // Every AoR registered once, so the measured pairs are refreshes, as in SIPp's steady state.
        for (int i = 0; i < users; i++) pair();
    }

    @TearDown(Level.Trial)
    public void stop() {
        timer.stop();
        out.release();
    }

    private static byte[] register(String user, int cseq, String authorization) {
        return ("REGISTER sip:" + REALM + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.10:5060;branch=z9hG4bK-" + user + "-" + cseq + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:" + user + "@" + REALM + ">;tag=4242R" + user + "\r\n"
                + "To: <sip:" + user + "@" + REALM + ">\r\n"
                + "Call-ID: " + COUNTER + "-" + user + "@127.0.0.10\r\n"
                + "CSeq: " + cseq + " REGISTER\r\n"
                + "Contact: <sip:" + user + "@127.0.0.10:5060>\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Expires: 3600\r\n"
                + "User-Agent: sipfleet-bench\r\n"
                + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static int indexOf(byte[] b, String s) {
        outer:
        for (int i = 0; i + s.length() <= b.length; i++) {
            for (int j = 0; j < s.length(); j++) if (b[i + j] != s.charAt(j)) continue outer;
            return i;
        }
        throw new IllegalStateException(s + " not in the template");
    }

    /** As the transport: the datagram copied into its own array (with room for the Via stamp), parsed, handed on. */
    private void deliver(byte[] template, int counterAt, int expectStatus) throws Exception {
        byte[] bytes = new byte[template.length + 64];
        System.arraycopy(template, 0, bytes, 0, template.length);
        int c = counter;
        for (int i = 7; i >= 0; i--, c >>>= 4) bytes[counterAt + i] = (byte) "0123456789abcdef".charAt(c & 0xf);
        InetSocketAddress source = peer.remote();
        SipMessage m = SipParser.parseReceived(bytes, template.length, true, top -> ViaStamping.stamp(top, source));
        lastStatus[0] = 0;
        frontDoor.onMessage(new Inbound(m, peer, System.nanoTime()), sender);
        if (lastStatus[0] != expectStatus) {
            throw new IllegalStateException("expected " + expectStatus + ", answered " + lastStatus[0]);
        }
    }

    private void pair() {
        try {
            int u = next;
            next = u + 1 == users ? 0 : u + 1;
            counter++;
            deliver(first[u], firstAt, 401);
            deliver(second[u], secondAt, 200);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A REGISTER answered 401, then its retry with credentials answered 200 (a refresh of the AoR's binding). */
    @Benchmark
    public ByteBuf registerPair() {
        pair();
        return out;
    }
}
