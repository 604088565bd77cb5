package io.hivemind.bt.client;

import java.net.InetSocketAddress;

/** A {@code host:port} pair as written in settings and on the command line ({@code [v6]:port} for IPv6). */
public record HostPort(String host, int port) {

    public HostPort {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
    }

    /** Parses {@code host:port}, {@code [v6addr]:port} or {@code :port} (all interfaces). */
    public static HostPort parse(String s) {
        if (s == null) {
            throw new IllegalArgumentException("null address");
        }
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected host:port, got '" + s + "'");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("IPv6 addresses are written [addr]:port, got '" + s + "'");
        }
        if (host.isEmpty()) {
            host = "0.0.0.0";
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in '" + s + "'");
        }
        return new HostPort(host, port);
    }

    /** An unresolved-if-needed socket address; literal IPs never touch DNS. */
    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
