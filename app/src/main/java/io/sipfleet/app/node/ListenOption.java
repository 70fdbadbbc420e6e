package io.sipfleet.app.node;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import picocli.CommandLine;

/** {@code --listen host[:port]}: "127.0.0.2:5060", "[::1]:5060", "127.0.0.2" (port 5060). */
final class ListenOption implements CommandLine.ITypeConverter<InetSocketAddress> {
    @Override public InetSocketAddress convert(String value) throws Exception {
        return parse(value);
    }

    static InetSocketAddress parse(String value) {
        String host = value, port = "5060";
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) throw bad(value, "IPv6 address without ']'");
            host = value.substring(1, close);
            if (close + 1 < value.length()) {
                if (value.charAt(close + 1) != ':') throw bad(value, "expected ':' after ']'");
                port = value.substring(close + 2);
            }
        } else if (value.indexOf(':') >= 0) {
            if (value.indexOf(':') != value.lastIndexOf(':')) throw bad(value, "write IPv6 addresses as [addr]:port");
            host = value.substring(0, value.indexOf(':'));
            port = value.substring(value.indexOf(':') + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw bad(value, "port '" + port + "' is not a number");
        }
        if (p < 0 || p > 65_535) throw bad(value, "port must be 0..65535");
        try {
            return new InetSocketAddress(InetAddress.getByName(host), p); // at startup: a lookup may block here
        } catch (UnknownHostException e) {
            throw bad(value, "unknown host '" + host + "'");
        }
    }

    private static CommandLine.TypeConversionException bad(String value, String why) {
        return new CommandLine.TypeConversionException("'" + value + "': " + why);
    }
}
