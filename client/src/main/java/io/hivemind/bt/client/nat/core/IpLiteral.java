package io.hivemind.bt.client.nat.core;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Parses IPv4 and IPv6 literals without ever resolving a name. Pure; thread-safe. */
public final class IpLiteral {
    private IpLiteral() {
    }

    /** The address {@code s} spells, or null if it is not an IP literal (names are never looked up). */
    public static InetAddress parse(String s) {
        if (s == null || s.isEmpty() || s.length() > 45) {
            return null;
        }
        boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = !v4 && s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        if (v4) {
            for (String part : s.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
        }
        try {
            return InetAddress.getByName(s); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
