package io.hivemind.bt.client.cli;

import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import io.hivemind.bt.wire.bencode.BencodeException;
import io.hivemind.bt.wire.bencode.BencodeLimits;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;

/**
 * The reachability probes {@code hivebt doctor} runs against a tracker: an HTTP(S) announce for a random info-hash
 * with {@code numwant=0} (the HTTP status, a {@code failure reason}, and the {@code external ip} the tracker saw,
 * BEP 24), or a UDP {@code connect} (BEP 15). Deliberately small and blocking, with a hard timeout: the session's
 * tracker client does the real announcing. Thread-safe (no shared state).
 */
final class TrackerProbe {
    private static final int MAX_BODY = 64 * 1024;
    private static final long UDP_PROTOCOL_ID = 0x41727101980L;

    /** The outcome: reachable or not, what was seen, and the external address the tracker reported, if any. */
    record Outcome(boolean reachable, boolean healthy, String detail, InetAddress externalIp) {
    }

    private TrackerProbe() {
    }

    static Outcome probe(URI url, int listenPort, Duration timeout) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "http", "https" -> http(url, listenPort, timeout);
            case "udp" -> udp(url, timeout);
            default -> new Outcome(false, false, "unsupported tracker scheme '" + scheme + "' (http, https, udp)", null);
        };
    }

    private static Outcome http(URI url, int listenPort, Duration timeout) {
        SecureRandom r = new SecureRandom();
        byte[] infoHash = new byte[20];
        r.nextBytes(infoHash);
        byte[] peerId = ("-HV0100-doctor" + String.format("%06d", r.nextInt(1_000_000))).getBytes(StandardCharsets.US_ASCII);
        String q = "info_hash=" + encode(infoHash) + "&peer_id=" + encode(peerId) + "&port=" + listenPort
                + "&uploaded=0&downloaded=0&left=0&compact=1&numwant=0";
        String base = url.toString();
        URI full = URI.create(base + (base.contains("?") ? "&" : "?") + q);
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build()) {
            HttpResponse<InputStream> resp = client.send(HttpRequest.newBuilder(full).timeout(timeout)
                    .header("User-Agent", "hivebt/0.1 doctor").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = resp.body()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            int status = resp.statusCode();
            if (status != 200) {
                return new Outcome(true, false, "HTTP " + status, null);
            }
            if (body.length > MAX_BODY) {
                return new Outcome(true, false, "HTTP 200 with a reply over " + MAX_BODY + " bytes", null);
            }
            BValue v = BencodeDecoder.decode(body, BencodeLimits.TRACKER);
            if (!(v instanceof BDict d)) {
                return new Outcome(true, false, "HTTP 200 but the reply is not a bencoded dictionary", null);
            }
            InetAddress ext = d.get("external ip") instanceof BBytes b && (b.length() == 4 || b.length() == 16)
                    ? InetAddress.getByAddress(b.bytes()) : null;
            if (d.get("failure reason") instanceof BBytes f) {
                // a tracker that does not know the random torrent still proved it is up
                return new Outcome(true, true, "HTTP 200, tracker answered: " + clip(f.asString()), ext);
            }
            return new Outcome(true, true, "HTTP 200, announce accepted", ext);
        } catch (BencodeException e) {
            return new Outcome(true, false, "HTTP 200 but the reply is not bencode: " + e.getMessage(), null);
        } catch (IOException e) {
            return new Outcome(false, false, describe(e), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, false, "interrupted", null);
        } catch (IllegalArgumentException e) {
            return new Outcome(false, false, "bad URL: " + e.getMessage(), null);
        }
    }

    private static Outcome udp(URI url, Duration timeout) {
        if (url.getHost() == null || url.getPort() < 1) {
            return new Outcome(false, false, "a UDP tracker URL needs a host and a port", null);
        }
        InetSocketAddress to;
        try {
            to = new InetSocketAddress(InetAddress.getByName(url.getHost()), url.getPort());
        } catch (UnknownHostException e) {
            return new Outcome(false, false, "cannot resolve " + url.getHost(), null);
        }
        int tid = new SecureRandom().nextInt();
        ByteBuffer req = ByteBuffer.allocate(16).putLong(UDP_PROTOCOL_ID).putInt(0).putInt(tid);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (DatagramSocket s = new DatagramSocket()) {
            for (int attempt = 0; System.nanoTime() < deadline && attempt < 3; attempt++) {
                s.send(new DatagramPacket(req.array(), 16, to));
                long wait = Math.max(1, Math.min((deadline - System.nanoTime()) / 1_000_000, 1000L << attempt));
                s.setSoTimeout((int) wait);
                try {
                    DatagramPacket p = new DatagramPacket(new byte[64], 64);
                    s.receive(p);
                    ByteBuffer b = ByteBuffer.wrap(p.getData(), 0, p.getLength());
                    if (p.getLength() >= 16 && b.getInt() == 0 && b.getInt() == tid) {
                        return new Outcome(true, true, "UDP connect answered (BEP 15)", null);
                    }
                } catch (SocketTimeoutException e) {
                    // retransmit
                }
            }
            return new Outcome(false, false, "no UDP connect reply within " + timeout.toMillis() + " ms", null);
        } catch (IOException e) {
            return new Outcome(false, false, e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        }
    }

    /** An I/O failure in words: JDK connect errors often have no message. */
    static String describe(IOException e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        String name = e.getClass().getSimpleName();
        if (e instanceof java.net.ConnectException) {
            return "connection refused or unreachable (" + name + (t.getMessage() == null ? "" : ": " + t.getMessage()) + ")";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no HTTP reply in time (" + name + ")";
        }
        return name + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static String encode(byte[] b) {
        return URLEncoder.encode(new String(b, StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1);
    }

    private static String clip(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "…";
    }
}
