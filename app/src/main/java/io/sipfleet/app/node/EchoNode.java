package io.sipfleet.app.node;

import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.transaction.ClientTransaction;
import io.sipfleet.sip.transaction.InviteServerTransaction;
import io.sipfleet.sip.transaction.ServerTransaction;
import io.sipfleet.sip.transaction.TransactionLayer;
import io.sipfleet.sip.transaction.TransactionUser;
import io.sipfleet.sip.transport.EchoHandler;
import io.sipfleet.sip.transport.ListenerConfig;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.SipTransportServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The echo role as a running node: a {@link SipTransportServer} and, unless stateless, a
 * {@link TransactionLayer} whose transaction user is {@link EchoHandler#answer}. Behind the
 * transaction layer a retransmitted request is absorbed: the TU answers once and the transaction
 * re-sends its cached response (RFC 3261 17.2.2), with the same To tag. Stateless, each copy is
 * answered anew (what Kamailio's sl_send_reply does), which the benchmarks may compare.
 */
public final class EchoNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EchoNode.class);

    private final SipTransportServer server;
    private final TransactionLayer transactions; // null when stateless

    private EchoNode(SipTransportServer server, TransactionLayer transactions) {
        this.server = server;
        this.transactions = transactions;
    }

    /** Binds and starts an echo node; stateful (behind the transaction layer) unless {@code stateless}. */
    public static EchoNode start(ListenerConfig config, boolean stateless) {
        SipTransportServer server = new SipTransportServer(config);
        if (stateless) {
            server.start(new EchoHandler());
            return new EchoNode(server, null);
        }
        TransactionLayer layer = new TransactionLayer(new EchoUser(), server);
        try {
            server.start(layer);
        } catch (RuntimeException e) {
            layer.close();
            throw e;
        }
        return new EchoNode(server, layer);
    }

    public SipTransportServer server() { return server; }

    /** The transaction layer, or null for a stateless node. */
    public TransactionLayer transactions() { return transactions; }

    public boolean isStateless() { return transactions == null; }

    /** Stops listening first (no new transactions), then the transaction timers. */
    @Override public void close() {
        server.close();
        if (transactions != null) transactions.close();
    }

    /** The echo logic as a transaction user: it never sends requests, so client callbacks are no-ops. */
    static final class EchoUser implements TransactionUser {
        @Override public void onRequest(ServerTransaction tx, SipRequest request) {
            SipResponse response = EchoHandler.answer(request);
            if (response != null) tx.respond(response);
        }

        @Override public void onAck(SipRequest ack, Peer from) {
            // ACK of a 2xx or a stray one: an echo has no dialog to confirm.
        }

        @Override public void onCancel(InviteServerTransaction tx, SipRequest cancel) {
            tx.respond(487, "Request Terminated");
        }

        @Override public void onResponse(ClientTransaction tx, SipResponse response) {}

        @Override public void onTimeout(ClientTransaction tx) {}

        @Override public void onStrayResponse(SipResponse response, Peer from) {
            log.debug("{} {}: ignoring a stray {} {} from {}", from.transport(), from.local(), response.statusCode(),
                    response.reason(), from.remote());
        }
    }
}
