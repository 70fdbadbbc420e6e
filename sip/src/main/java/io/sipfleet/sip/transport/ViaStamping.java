package io.sipfleet.sip.transport;

import io.sipfleet.sip.message.Via;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * What a server writes into the top Via of a request it receives, so that the response finds its
 * way back through NAT:
 * <ul>
 *   <li>RFC 3261 18.2.1: {@code received=<source IP>} when the sent-by host is a name, or an
 *       address other than the packet's source;</li>
 *   <li>RFC 3581 4: when the Via has {@code rport} without a value, {@code rport=<source port>},
 *       and then {@code received} always, even when the sent-by host equals the source;</li>
 *   <li>a {@code received} the sender wrote itself is replaced by the real source: whoever reads
 *       this Via later (a switch behind a dispatcher, attributing a request to its client)
 *       must be able to trust it.</li>
 * </ul>
 */
public final class ViaStamping {
    private ViaStamping() {}

    /** The stamped Via, or {@code via} itself when nothing needs to change. */
    public static Via stamp(Via via, InetSocketAddress source) {
        InetAddress src = source.getAddress();
        if (src == null) return via;
        boolean valuelessRport = via.hasRport() && via.params().get("rport").isEmpty();
        Via out = via;
        String ip = IpLiterals.text(src);
        boolean forged = via.received() != null && !IpLiterals.same(IpLiterals.parse(via.received()), src);
        if (valuelessRport || forged || !IpLiterals.same(IpLiterals.parse(via.host()), src)) {
            if (!ip.equals(via.received())) out = out.withParam("received", ip);
        }
        if (valuelessRport) out = out.withParam("rport", Integer.toString(source.getPort()));
        return out;
    }
}
