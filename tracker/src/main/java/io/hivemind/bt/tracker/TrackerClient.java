package io.hivemind.bt.tracker;

import io.hivemind.bt.tracker.TrackerException.Reason;
import io.hivemind.bt.tracker.internal.HttpTrackerClient;
import io.hivemind.bt.tracker.internal.UdpTrackerClient;
import io.hivemind.bt.tracker.protocol.HttpTrackerRequests;
import io.hivemind.bt.tracker.protocol.HttpTrackerResponses;
import io.hivemind.bt.tracker.protocol.ResponseLimits;
import io.hivemind.bt.tracker.protocol.TrackerUrls;
import io.hivemind.bt.tracker.protocol.UdpTrackerProtocol;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLException;

/**
 * Announces to and scrapes HTTP, HTTPS and UDP trackers (BEP 3, BEP 15, BEP 23, BEP 7, BEP 48). One client serves
 * a whole session; per-torrent scheduling is {@link TrackerSession}'s job.
 *
 * <pre>{@code
 * TrackerClient client = TrackerClient.builder(TrackerTransport.nio(group)).build();
 * AnnounceResponse r = client.announce(URI.create("udp://tracker.example:6969/announce"), request).join();
 * }</pre>
 *
 * <p>Every future completes exceptionally only with a {@link TrackerException} (typed {@link Reason}); no
 * response, however hostile, escapes as another exception. Thread-safe. The client uses the event loops of its
 * {@link TrackerTransport} and creates no threads, except that the default {@link TrackerResolver} runs blocking
 * JDK name lookups on virtual threads (give {@link Builder#resolver} your own to avoid that).
 */
public final class TrackerClient implements AutoCloseable {
    private final HttpTrackerClient http;
    private final UdpTrackerClient udp;
    private final ResponseLimits limits;

    private TrackerClient(Builder b) {
        this.limits = b.limits;
        SslContext ssl = b.sslContext;
        if (ssl == null) {
            try {
                ssl = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).build();
            } catch (SSLException e) {
                throw new IllegalStateException("cannot build the default TLS client context", e);
            }
        }
        this.http = new HttpTrackerClient(b.transport, b.resolver, ssl, new HttpTrackerClient.Settings(
                b.httpTimeout, b.connectTimeout, b.limits, b.maxRedirects, b.userAgent, b.allowPrivateRedirects));
        this.udp = new UdpTrackerClient(b.transport, b.resolver, b.udpSchedule, b.random, b.ticker,
                b.limits.maxPeers());
    }

    /** A builder using {@code transport}'s event loops. */
    public static Builder builder(TrackerTransport transport) {
        return new Builder(transport);
    }

    /** Announces to {@code url} (http, https or udp). */
    public CompletableFuture<AnnounceResponse> announce(URI url, AnnounceRequest request) {
        Objects.requireNonNull(request, "request");
        TrackerUrls.Scheme scheme;
        try {
            scheme = TrackerUrls.scheme(url);
        } catch (TrackerException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (scheme == TrackerUrls.Scheme.UDP) {
            return map(udp.announce(url, request), Function.identity());
        }
        URI full = HttpTrackerRequests.announceUri(url, request);
        return map(http.get(full), body -> HttpTrackerResponses.parseAnnounce(body, limits));
    }

    /**
     * Scrapes the swarms of {@code infoHashes} at the scrape URL of the announce URL {@code url} (BEP 48 rule for
     * HTTP; the same address for UDP, at most 74 info-hashes).
     */
    public CompletableFuture<ScrapeResponse> scrape(URI url, List<byte[]> infoHashes) {
        if (infoHashes.isEmpty() || infoHashes.size() > UdpTrackerProtocol.MAX_SCRAPE_HASHES_PER_PACKET) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "scrape needs 1.." + UdpTrackerProtocol.MAX_SCRAPE_HASHES_PER_PACKET + " info-hashes"));
        }
        URI scrapeUrl;
        try {
            scrapeUrl = TrackerUrls.scrapeUrl(url);
        } catch (TrackerException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (TrackerUrls.scheme(url) == TrackerUrls.Scheme.UDP) {
            return map(udp.scrape(url, infoHashes), Function.identity());
        }
        URI full = HttpTrackerRequests.scrapeUri(scrapeUrl, infoHashes);
        return map(http.get(full), body -> HttpTrackerResponses.parseScrape(body, limits));
    }

    /** Applies {@code f} without wrapping failures in {@code CompletionException}: callers see the TrackerException. */
    static <A, B> CompletableFuture<B> map(CompletableFuture<A> in, Function<A, B> f) {
        CompletableFuture<B> out = new CompletableFuture<>();
        in.whenComplete((a, err) -> {
            if (err != null) {
                Throwable t = err;
                while (t instanceof CompletionException && t.getCause() != null) {
                    t = t.getCause();
                }
                out.completeExceptionally(t instanceof TrackerException ? t
                        : new TrackerException(Reason.NETWORK, String.valueOf(t.getMessage()), t));
                return;
            }
            try {
                out.complete(f.apply(a));
            } catch (TrackerException e) {
                out.completeExceptionally(e);
            } catch (RuntimeException e) {
                out.completeExceptionally(new TrackerException(Reason.MALFORMED_RESPONSE,
                        "cannot read the tracker response: " + e, e));
            }
        });
        return out;
    }

    /** Fails exchanges in flight with {@link Reason#CLOSED} and closes the UDP socket. The transport stays open. */
    @Override
    public void close() {
        http.close();
        udp.close().join();
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private final TrackerTransport transport;
        private TrackerResolver resolver;
        private SslContext sslContext;
        private ResponseLimits limits = ResponseLimits.DEFAULT;
        private Duration httpTimeout = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private int maxRedirects = 5;
        private String userAgent = "hivebt/0.1";
        private boolean allowPrivateRedirects;
        private UdpRetransmitSchedule udpSchedule = UdpRetransmitSchedule.DEFAULT;
        private RandomGenerator random = new SecureRandom();
        private LongSupplier ticker = System::nanoTime;

        private Builder(TrackerTransport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            this.resolver = TrackerResolver.jdk(Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name("hivebt-tracker-dns-", 0).factory()));
        }

        /** Host name resolution; default: the JDK resolver on virtual threads. */
        public Builder resolver(TrackerResolver v) {
            this.resolver = Objects.requireNonNull(v);
            return this;
        }

        /** TLS for https trackers; default: the JDK provider with the JDK's trust store. */
        public Builder sslContext(SslContext v) {
            if (!v.isClient()) {
                throw new IllegalArgumentException("a client SslContext is needed");
            }
            this.sslContext = v;
            return this;
        }

        /** Response limits; default {@link ResponseLimits#DEFAULT} (1 MiB, 2,000 peers). */
        public Builder limits(ResponseLimits v) {
            this.limits = Objects.requireNonNull(v);
            return this;
        }

        /** Deadline for a whole HTTP exchange including redirects' hops each; default 30 s. */
        public Builder httpTimeout(Duration v) {
            if (v.isNegative() || v.isZero()) {
                throw new IllegalArgumentException("httpTimeout must be positive");
            }
            this.httpTimeout = v;
            return this;
        }

        /** TCP connect timeout; default 10 s. */
        public Builder connectTimeout(Duration v) {
            if (v.isNegative() || v.isZero() || v.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("connectTimeout must be positive");
            }
            this.connectTimeout = v;
            return this;
        }

        /** Most HTTP redirects followed; default 5. */
        public Builder maxRedirects(int v) {
            if (v < 0 || v > 20) {
                throw new IllegalArgumentException("maxRedirects must be 0..20");
            }
            this.maxRedirects = v;
            return this;
        }

        public Builder userAgent(String v) {
            this.userAgent = Objects.requireNonNull(v);
            return this;
        }

        /**
         * Allows a tracker on a public address to redirect to a private one (off by default; HARDENING.md).
         */
        public Builder allowPrivateRedirects(boolean v) {
            this.allowPrivateRedirects = v;
            return this;
        }

        /** UDP retransmissions; default {@link UdpRetransmitSchedule#DEFAULT}. */
        public Builder udpSchedule(UdpRetransmitSchedule v) {
            this.udpSchedule = Objects.requireNonNull(v);
            return this;
        }

        /** Source of UDP transaction ids; default {@link SecureRandom}. Must be thread-safe if shared. */
        public Builder random(RandomGenerator v) {
            this.random = Objects.requireNonNull(v);
            return this;
        }

        /** Nanosecond ticker for the UDP connection-id cache and timeouts; default {@link System#nanoTime}. */
        public Builder ticker(LongSupplier v) {
            this.ticker = Objects.requireNonNull(v);
            return this;
        }

        public TrackerClient build() {
            return new TrackerClient(this);
        }
    }
}
