package io.sipfleet.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sipfleet.sip.auth.DigestAlgorithm;
import io.sipfleet.sip.auth.DigestAuthenticator;
import io.sipfleet.sip.auth.DigestChallenge;
import io.sipfleet.sip.auth.DigestConfig;
import io.sipfleet.sip.auth.DigestCredentials;
import io.sipfleet.sip.auth.DigestResponse;
import io.sipfleet.sip.auth.Ha1;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.parse.SipParser;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.switching.auth.RequestAuthenticator;
import io.sipfleet.switching.auth.SipUser;
import io.sipfleet.switching.auth.StaticUserDirectory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The registrar's share of a digest REGISTER pair, as the switch runs it per datagram (transport,
 * location store and the 200 left out): the first REGISTER parsed, checked and answered with a
 * 401 written to the outbound buffer; the second, with credentials as SIPp sends them
 * (bench/sipp/switch/register.xml, qop=auth, MD5), parsed and checked to "authenticated".
 *
 * <p>Nonce-count replay tracking refuses an nc seen before, so every credentialed REGISTER must
 * carry a higher nc than the last: {@link #ROUND} of them are built up front (nc 1..ROUND for one
 * nonce) and, when a round is used up, the authenticator is rebuilt with the same secret (its
 * tracker empty, the nonce still valid), as a restarted node sharing the secret would be. The
 * rebuild (a few microseconds) is spread over {@link #ROUND} operations.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseCompactObjectHeaders"})
public class DigestBenchmark {
    static final int ROUND = 4096;
    static final String REALM = "sipfleet.local";
    static final byte[] SECRET = "bench-secret-bench-secret-bench!".getBytes(StandardCharsets.US_ASCII);

    private DigestConfig config;
    private StaticUserDirectory users;
    private RequestAuthenticator auth;
    private byte[] first;
    private byte[][] credentialed;
    private String[] credentialValues;
    private int next;
    private final Peer peer = Peer.udp(new InetSocketAddress("127.0.0.10", 5060), new InetSocketAddress("127.0.0.1", 5060));
    private final ByteBuf out = Unpooled.buffer(2048);

    @Setup(Level.Trial)
    public void build() {
        config = DigestConfig.defaults(REALM).withAlgorithms(List.of(DigestAlgorithm.MD5)).withMaxTrackedNonces(64);
        String ha1 = Ha1.compute(DigestAlgorithm.MD5, "1000", REALM, "secret1000");
        users = new StaticUserDirectory(List.of(new SipUser("sip:1000@" + REALM, "1000", ha1, null)));
        DigestAuthenticator digest = new DigestAuthenticator(config, Clock.systemUTC(), SECRET);
        auth = new RequestAuthenticator(digest, users);
        DigestChallenge challenge = digest.challenge(false).get(0);
        first = register(1, null).getBytes(StandardCharsets.US_ASCII);
        credentialed = new byte[ROUND][];
        credentialValues = new String[ROUND];
        for (int i = 0; i < ROUND; i++) {
            long nc = i + 1;
            String cnonce = Integer.toHexString(0x6b8b4567 + i);
            String response = DigestResponse.compute(DigestAlgorithm.MD5, ha1, challenge.nonce(), cnonce, nc, "auth",
                    "REGISTER", "sip:" + REALM);
            // SIPp's spelling of the header (order and no spaces after commas), as the switch sees it.
            String value = "Digest username=\"1000\",realm=\"" + REALM + "\",cnonce=\"" + cnonce + "\",nc="
                    + String.format("%08x", nc) + ",qop=auth,uri=\"sip:" + REALM + "\",nonce=\"" + challenge.nonce()
                    + "\",response=\"" + response + "\",algorithm=MD5,opaque=\"" + challenge.opaque() + "\"";
            credentialValues[i] = value;
            credentialed[i] = register(2, value).getBytes(StandardCharsets.US_ASCII);
        }
    }

    private static String register(int cseq, String authorization) {
        return "REGISTER sip:" + REALM + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.10:5060;branch=z9hG4bK-4242-1-" + cseq + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:1000@" + REALM + ">;tag=4242R1\r\n"
                + "To: <sip:1000@" + REALM + ">\r\n"
                + "Call-ID: 1-4242@127.0.0.10\r\n"
                + "CSeq: " + cseq + " REGISTER\r\n"
                + "Contact: <sip:1000@127.0.0.10:5060>\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Expires: 3600\r\n"
                + "User-Agent: sipfleet-bench\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /** The next credentialed REGISTER's index; a fresh tracker (same secret) when a round is used up. */
    private int nextIndex() {
        if (next == ROUND) {
            next = 0;
            auth = new RequestAuthenticator(new DigestAuthenticator(config, Clock.systemUTC(), SECRET), users);
        }
        return next++;
    }

    /** First REGISTER: parse, find no credentials, answer 401 with a fresh nonce, write it. */
    @Benchmark
    public ByteBuf challenge() throws Exception {
        SipRequest request = (SipRequest) SipParser.parse(first);
        RequestAuthenticator.Outcome outcome = auth.check(request, peer, false);
        out.clear();
        auth.reject(outcome, request, "bench-tag", false).writeTo(out);
        return out;
    }

    /** Second REGISTER: parse, check its credentials (nonce MAC, response hash, nc) to "authenticated". */
    @Benchmark
    public RequestAuthenticator.Outcome authenticate() throws Exception {
        SipRequest request = (SipRequest) SipParser.parse(credentialed[nextIndex()]);
        RequestAuthenticator.Outcome outcome = auth.check(request, peer, false);
        if (!(outcome instanceof RequestAuthenticator.Outcome.Authenticated)) {
            throw new IllegalStateException("not authenticated: " + outcome);
        }
        return outcome;
    }

    /** Only the Authorization value parsed into credentials: no SIP parse, no check. */
    @Benchmark
    public DigestCredentials credentialsParse() throws Exception {
        return DigestCredentials.parse(credentialValues[nextIndex()]);
    }
}
