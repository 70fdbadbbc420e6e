package io.sipfleet.sip.transaction;

import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.transport.Peer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** A TU that records every callback; {@link #onRequest} can be given behaviour (answer at once ...). */
class RecordingUser implements TransactionUser {
    final List<SipRequest> requests = new ArrayList<>();
    final List<ServerTransaction> serverTxs = new ArrayList<>();
    final List<SipRequest> acks = new ArrayList<>();
    final List<SipRequest> cancels = new ArrayList<>();
    final List<InviteServerTransaction> cancelled = new ArrayList<>();
    final List<SipResponse> responses = new ArrayList<>();
    final List<ClientTransaction> responseTxs = new ArrayList<>();
    final List<ClientTransaction> timeouts = new ArrayList<>();
    final List<SipResponse> strays = new ArrayList<>();
    final List<InviteServerTransaction> serverTimeouts = new ArrayList<>();
    final List<SipResponse> ackTimeouts = new ArrayList<>();
    final List<Transaction> terminated = new ArrayList<>();
    final List<RuntimeException> transportErrors = new ArrayList<>();

    /** Runs inside onRequest; default: do nothing (the test answers later). */
    BiConsumer<ServerTransaction, SipRequest> onRequest = (tx, r) -> { };
    /** Runs inside onCancel; default: answer the INVITE 487 as 9.2 says. */
    BiConsumer<InviteServerTransaction, SipRequest> onCancel = (tx, c) -> tx.respond(487, "Request Terminated");

    @Override public synchronized void onRequest(ServerTransaction tx, SipRequest request) {
        requests.add(request);
        serverTxs.add(tx);
        onRequest.accept(tx, request);
    }

    @Override public synchronized void onAck(SipRequest ack, Peer from) { acks.add(ack); }

    @Override public synchronized void onCancel(InviteServerTransaction tx, SipRequest cancel) {
        cancels.add(cancel);
        cancelled.add(tx);
        onCancel.accept(tx, cancel);
    }

    @Override public synchronized void onResponse(ClientTransaction tx, SipResponse response) {
        responses.add(response);
        responseTxs.add(tx);
    }

    @Override public synchronized void onTimeout(ClientTransaction tx) { timeouts.add(tx); }

    @Override public synchronized void onStrayResponse(SipResponse response, Peer from) { strays.add(response); }

    @Override public synchronized void onTransportError(Transaction tx, RuntimeException cause) {
        transportErrors.add(cause);
    }

    @Override public synchronized void onServerTimeout(InviteServerTransaction tx) { serverTimeouts.add(tx); }

    @Override public synchronized void onAckTimeout(SipResponse response, Peer to) { ackTimeouts.add(response); }

    @Override public synchronized void onTerminated(Transaction tx) { terminated.add(tx); }

    synchronized List<Integer> statuses() { return responses.stream().map(SipResponse::statusCode).toList(); }
}
