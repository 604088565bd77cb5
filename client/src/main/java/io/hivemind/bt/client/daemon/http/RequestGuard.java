package io.hivemind.bt.client.daemon.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Decides, from a request's head alone and before any body byte is read or any state is touched, whether the
 * request may proceed (HARDENING.md "Web UI, REST and RPC"). Checks, in this order:
 * <ol>
 *   <li>{@code Host} in the {@link HostAllowlist} (DNS rebinding) — else 421, for every path;</li>
 *   <li>the client address is not throttled after failed logins — else 429 with {@code Retry-After};</li>
 *   <li>credentials, when configured — else 401 with a Basic challenge (a wrong password counts as a failure);</li>
 *   <li>Transmission RPC: the {@code X-Transmission-Session-Id} handshake — else 409 carrying the id;</li>
 *   <li>state-changing REST calls from anything but a bearer-token client: the {@code X-CSRF-Token} header —
 *       else 403 carrying the token — and an {@code Origin}, when sent, equal to the Host.</li>
 * </ol>
 * The 409 and 403 answers reveal their token only to a page that can read the response, which the same-origin
 * policy limits to our own UI (no CORS headers are ever sent). Thread-safe.
 */
public final class RequestGuard {
    public static final String RPC_PATH = "/transmission/rpc";
    public static final String SESSION_ID_HEADER = "X-Transmission-Session-Id";
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private final HostAllowlist hosts;
    private final Credentials credentials;
    private final LoginThrottle throttle;
    private final String rpcSessionId;
    private final String csrfToken;
    private final LongSupplier nanoClock;

    /** The outcome: {@code reject} is the reply to send, or null to go on; {@code bearer} tells how it authenticated. */
    public record Verdict(HttpReply reject, boolean bearer) {
        static final Verdict PASS = new Verdict(null, false);
        static final Verdict PASS_BEARER = new Verdict(null, true);

        public boolean passed() {
            return reject == null;
        }
    }

    public RequestGuard(HostAllowlist hosts, Credentials credentials, LoginThrottle throttle, String rpcSessionId,
                        String csrfToken, LongSupplier nanoClock) {
        this.hosts = hosts;
        this.credentials = credentials;
        this.throttle = throttle;
        this.rpcSessionId = rpcSessionId;
        this.csrfToken = csrfToken;
        this.nanoClock = nanoClock;
    }

    /** Forgets every failed login. */
    public void resetThrottle() {
        throttle.clear();
    }

    public String rpcSessionId() {
        return rpcSessionId;
    }

    public String csrfToken() {
        return csrfToken;
    }

    public Verdict check(String method, String path, HttpHeaders headers, InetAddress remote) {
        String host = headers.get(HttpHeaderNames.HOST);
        if (!hosts.allows(host)) {
            return new Verdict(HttpReply.error(421, "unknown Host header; add the name to the daemon's allowed hosts"),
                    false);
        }
        boolean bearer = false;
        if (credentials.required()) {
            long wait = throttle.blockedFor(remote, nanoClock.getAsLong());
            if (wait > 0) {
                long seconds = Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
                return new Verdict(HttpReply.error(429, "too many failed logins; try again later")
                        .withHeader("Retry-After", Long.toString(seconds)), false);
            }
            String auth = headers.get(HttpHeaderNames.AUTHORIZATION);
            if (auth == null) {
                return new Verdict(challenge("authentication required"), false);
            }
            int ok = authenticate(auth);
            if (ok == 0) {
                throttle.failure(remote, nanoClock.getAsLong());
                return new Verdict(challenge("wrong credentials"), false);
            }
            throttle.success(remote);
            bearer = ok == 2;
        }
        boolean mutating = !(method.equals("GET") || method.equals("HEAD"));
        if (path.equals(RPC_PATH)) {
            if (!sameOrigin(headers, host)) {
                return new Verdict(HttpReply.error(403, "cross-origin request refused"), false);
            }
            String sid = headers.get(SESSION_ID_HEADER);
            if (sid == null || !constantTimeEquals(sid, rpcSessionId)) {
                return new Verdict(HttpReply.text(409, "text/html; charset=utf-8",
                        "<h1>409: Conflict</h1><p>Your request had an invalid session-id header.</p><p><code>"
                                + SESSION_ID_HEADER + ": " + rpcSessionId + "</code></p>")
                        .withHeader(SESSION_ID_HEADER, rpcSessionId), false);
            }
        } else if (mutating && path.startsWith("/api/")) {
            if (!sameOrigin(headers, host)) {
                return new Verdict(HttpReply.error(403, "cross-origin request refused"), false);
            }
            if (!bearer) {
                String t = headers.get(CSRF_HEADER);
                if (t == null || !constantTimeEquals(t, csrfToken)) {
                    return new Verdict(HttpReply.error(403, "missing or wrong " + CSRF_HEADER
                            + " header; repeat the request with the token this response carries")
                            .withHeader(CSRF_HEADER, csrfToken), false);
                }
            }
        }
        return bearer ? Verdict.PASS_BEARER : Verdict.PASS;
    }

    /** 0 = wrong, 1 = good Basic credentials, 2 = good bearer token. */
    private int authenticate(String header) {
        int sp = header.indexOf(' ');
        if (sp <= 0 || header.length() > 4096) {
            return 0;
        }
        String scheme = header.substring(0, sp).toLowerCase(Locale.ROOT);
        String value = header.substring(sp + 1).trim();
        if (scheme.equals("bearer")) {
            return credentials.token() != null && constantTimeEquals(value, credentials.token()) ? 2 : 0;
        }
        if (!scheme.equals("basic")) {
            return 0;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return 0;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return 0;
        }
        String user = decoded.substring(0, colon);
        String pass = decoded.substring(colon + 1);
        boolean ok = false;
        if (credentials.password() != null) {
            boolean userOk = credentials.username() == null || constantTimeEquals(user, credentials.username());
            ok = userOk & constantTimeEquals(pass, credentials.password());
        }
        if (!ok && credentials.token() != null) {
            ok = constantTimeEquals(pass, credentials.token());
        }
        return ok ? 1 : 0;
    }

    private static HttpReply challenge(String message) {
        return HttpReply.error(401, message).withHeader("WWW-Authenticate", "Basic realm=\"hivebt\", charset=\"UTF-8\"");
    }

    /** True when there is no Origin header, or it names the same host and port as the Host header. */
    static boolean sameOrigin(HttpHeaders headers, String host) {
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin == null) {
            return true;
        }
        try {
            URI u = new URI(origin);
            if (u.getHost() == null || u.getScheme() == null) {
                return false;
            }
            String h = u.getHost();
            String authority = (h.indexOf(':') >= 0 && !h.startsWith("[") ? "[" + h + "]" : h)
                    + (u.getPort() >= 0 ? ":" + u.getPort() : "");
            String expectedHost = host.toLowerCase(Locale.ROOT);
            String a = authority.toLowerCase(Locale.ROOT);
            if (a.equals(expectedHost)) {
                return true;
            }
            int defaultPort = "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
            return u.getPort() < 0 && expectedHost.equals(a + ":" + defaultPort)
                    || u.getPort() == defaultPort && expectedHost.equals(a.substring(0, a.lastIndexOf(':')));
        } catch (Exception e) {
            return false;
        }
    }

    static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
