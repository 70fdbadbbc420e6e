/**
 * SIP transports (RFC 3261 section 18) on Netty: UDP and TCP listeners that parse what arrives
 * and hand it to a {@link io.sipfleet.sip.transport.SipHandler}, and the
 * {@link io.sipfleet.sip.transport.SipSender} everything leaves through.
 *
 * <p>Start a listener:
 * <pre>{@code
 * ListenerConfig config = ListenerConfig.of(InetAddress.getByName("127.0.0.2"), 5060)
 *         .withAllowList(AllowList.parse("127.0.0.0/8"));
 * SipTransportServer server = new SipTransportServer(config);   // a SipSender already
 * server.start(handler);            // e.g. new TransactionLayer(tu, server), or new EchoHandler()
 * ...
 * TransportStats stats = server.stats();
 * server.close();
 * }</pre>
 *
 * <p>Inbound, each a small handler with one concern:
 * <ul>
 *   <li>UDP: {@code DatagramSizeLimit} (maxMessageBytes) &rarr; {@code DatagramKeepAlive} (CRLF
 *       datagrams) &rarr; {@code DatagramParser} (which writes received/rport into a request's
 *       top Via, 18.2.1 and RFC 3581, before parsing the rest: {@code ViaStamping}) &rarr;
 *       {@code InboundDispatcher} (the SipHandler; exceptions stop here);</li>
 *   <li>TCP: {@code IdleStateHandler} &rarr; {@code ConnectionLifecycle} (connection table, idle
 *       close) &rarr; {@code SipStreamFramer} (CRLF ping/pong, Content-Length framing, limits)
 *       &rarr; {@code StreamParser} (stamps the same way) &rarr; {@code InboundDispatcher}.</li>
 * </ul>
 * A request that fails to parse is answered by {@code ParseFailures} (400/505/501 with the
 * parser's reason, to the 18.2.2 destination) unless it is an ACK; responses and non-SIP bytes
 * are dropped. Everything dropped is counted by {@link io.sipfleet.sip.transport.DropReason}.
 *
 * <p>Outbound ({@code OutboundSender}): every send passes the
 * {@link io.sipfleet.sip.transport.AllowList}; responses are routed by their top Via
 * ({@link io.sipfleet.sip.transport.ResponseRouting}); UDP leaves from the listener's socket,
 * TCP reuses the request's connection, else one to the peer, else connects without blocking.
 */
package io.sipfleet.sip.transport;
