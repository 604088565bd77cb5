package io.hivemind.bt.client.daemon.http;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Decides whether a request's {@code Host} header names this daemon: the defence against DNS rebinding
 * (CVE-2018-5702, fixed in Transmission 2.93 the same way). After a rebinding attack the browser still sends the
 * attacker's host name, so refusing unknown names with 421 makes every response useless to the attacker's page.
 * IP literals and {@code localhost} are always allowed; other names must be configured. Immutable and thread-safe.
 */
public final class HostAllowlist {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}(%[0-9A-Za-z]{1,16})?");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");

    private final Set<String> names;
    private final boolean anyHost;

    /**
     * @param names extra host names to accept (case-insensitive); {@code "*"} disables the check (only sensible
     *              behind a trusted reverse proxy that checks the host itself)
     */
    public HostAllowlist(Set<String> names) {
        TreeSet<String> n = new TreeSet<>();
        boolean any = false;
        for (String s : names) {
            if ("*".equals(s)) {
                any = true;
            } else {
                n.add(normalise(s));
            }
        }
        this.names = Set.copyOf(n);
        this.anyHost = any;
    }

    /** True if the {@code Host} header value (may be null) is acceptable. */
    public boolean allows(String hostHeader) {
        if (hostHeader == null || hostHeader.isEmpty() || hostHeader.length() > 255) {
            return false;
        }
        String host = hostOnly(hostHeader.trim());
        if (host == null) {
            return false;
        }
        if (anyHost) {
            return true;
        }
        if (host.startsWith("[")) {
            return IPV6.matcher(host.substring(1, host.length() - 1)).matches()
                    && host.indexOf(':') > 0;
        }
        String n = normalise(host);
        return IPV4.matcher(n).matches() || "localhost".equals(n) || names.contains(n);
    }

    /** The host part of a Host header ({@code [v6]} kept in brackets), or null when the syntax is wrong. */
    static String hostOnly(String h) {
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0) {
                return null;
            }
            String rest = h.substring(close + 1);
            if (!rest.isEmpty() && !(rest.startsWith(":") && validPort(rest.substring(1)))) {
                return null;
            }
            return h.substring(0, close + 1);
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            if (h.indexOf(':', colon + 1) >= 0 || !validPort(h.substring(colon + 1))) {
                return null;
            }
            h = h.substring(0, colon);
        }
        if (h.isEmpty()) {
            return null;
        }
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_')) {
                return null;
            }
        }
        return h;
    }

    private static boolean validPort(String p) {
        return PORT.matcher(p).matches() && Integer.parseInt(p) <= 65535;
    }

    private static String normalise(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
