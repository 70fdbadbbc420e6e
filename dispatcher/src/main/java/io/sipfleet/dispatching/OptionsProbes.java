package io.sipfleet.dispatching;

import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.parse.SipParseException;
import io.sipfleet.sip.parse.SipParser;
import io.sipfleet.sip.proxy.LocalIdentity;
import io.sipfleet.sip.transaction.Branches;
import io.sipfleet.sip.transaction.ClientTransaction;
import io.sipfleet.sip.transaction.Transaction;
import io.sipfleet.sip.transaction.TransactionKey;
import io.sipfleet.sip.transaction.TransactionLayer;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.Transport;
import io.netty.util.Timer;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OPTIONS health probes on the wire: one non-INVITE client transaction each (so they are
 * retransmitted over UDP like any request), their outcome reported to the {@link HealthProber}.
 * Any final response means alive, and its {@code X-Load} header is the switch's load
 * ({@link LoadReport}); no final response within the probe timeout means failed (Timer F, 32 s,
 * is far too long to notice a dead switch; the transaction runs on and a late answer is ignored).
 */
final class OptionsProbes implements HealthProber.ProbeSender {
    private record Pending(Destination destination, long seq) {}

    private final TransactionLayer layer;
    private final LocalIdentity self;
    private final String serverId;
    private final ConcurrentHashMap<TransactionKey, Pending> pending = new ConcurrentHashMap<>();
    private final Timer timer;
    private volatile HealthProber prober;
    private volatile int timeoutMillis;

    OptionsProbes(TransactionLayer layer, LocalIdentity self, String serverId, Timer timer, int timeoutMillis) {
        this.layer = layer;
        this.self = self;
        this.serverId = serverId;
        this.timer = timer;
        this.timeoutMillis = timeoutMillis;
    }

    void timeoutMillis(int millis) { this.timeoutMillis = millis; }

    void prober(HealthProber p) { this.prober = p; }

    @Override public void send(Destination d, long seq) {
        InetSocketAddress to = d.address();
        InetSocketAddress local = self.listenerFor(to);
        String host = to.getAddress().getHostAddress();
        String lhost = local.getAddress().getHostAddress();
        String branch = Branches.next();
        String text = "OPTIONS sip:" + host + ":" + to.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + lhost + ":" + local.getPort() + ";branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:" + serverId + "@" + lhost + ">;tag=" + Branches.tag() + "\r\n"
                + "To: <sip:" + host + ":" + to.getPort() + ">\r\n"
                + "Call-ID: probe-" + branch + "@" + lhost + "\r\n"
                + "CSeq: " + seq + " OPTIONS\r\n"
                + "User-Agent: sipfleet-dispatcher\r\nContent-Length: 0\r\n\r\n";
        SipRequest r;
        try {
            r = (SipRequest) SipParser.parse(text);
        } catch (SipParseException e) {
            throw new IllegalStateException("probe OPTIONS did not parse: " + e.getMessage(), e);
        }
        TransactionKey key = TransactionKey.forClient(branch, "OPTIONS");
        Pending p = new Pending(d, seq);
        pending.put(key, p);
        timer.newTimeout(t -> {
            if (pending.remove(key, p)) prober.failed(d, seq);
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        layer.sendRequest(r, new Peer(Transport.UDP, to, local, 0));
    }

    /** True when {@code tx} is a probe (then handled here). */
    boolean onResponse(ClientTransaction tx, SipResponse r) {
        Pending p = pending.get(tx.key());
        if (p == null) return false;
        if (r.statusCode() >= 200 && pending.remove(tx.key(), p)) {
            prober.answered(p.destination(), p.seq(), LoadReport.parse(r.header(LoadReport.HEADER)));
        }
        return true;
    }

    boolean onTimeout(ClientTransaction tx) {
        Pending p = pending.remove(tx.key());
        if (p == null) return false;
        prober.failed(p.destination(), p.seq());
        return true;
    }

    boolean onTerminated(Transaction tx) {
        return tx instanceof ClientTransaction c && pending.remove(c.key()) != null;
    }
}
