package io.sipfleet.sip.message;

import java.util.List;

/**
 * The headers a proxy reads for every message, parsed once when the message is parsed (the rest
 * stay bytes). {@code maxForwards} and {@code contentLength} are -1 when absent.
 */
public record CoreHeaders(List<Via> vias, NameAddr from, NameAddr to, String callId, CSeq cseq,
                          int maxForwards, int contentLength, List<NameAddr> contacts, boolean contactStar,
                          List<NameAddr> routes, List<NameAddr> recordRoutes) {}
