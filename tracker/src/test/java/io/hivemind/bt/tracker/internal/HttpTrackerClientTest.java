package io.hivemind.bt.tracker.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hivemind.bt.tracker.TrackerException;
import io.hivemind.bt.tracker.TrackerException.Reason;
import io.hivemind.bt.tracker.TrackerResolver;
import io.hivemind.bt.tracker.TrackerTransport;
import io.hivemind.bt.tracker.protocol.ResponseLimits;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP(S) client shell against a local HTTP server: gzip, the 1 MiB limit after decompression, redirects and
 * the public→private rule, error statuses (410 is permanent), time-outs (HARDENING.md "Trackers").
 */
class HttpTrackerClientTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private EventLoopGroup group;
    private HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void setUp() throws IOException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 16);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private HttpTrackerClient client(Duration timeout, Predicate<InetAddress> nonPublic) throws Exception {
        return new HttpTrackerClient(TrackerTransport.nio(group), TrackerResolver.jdk(Runnable::run),
                SslContextBuilder.forClient().sslProvider(SslProvider.JDK).build(),
                new HttpTrackerClient.Settings(timeout, Duration.ofSeconds(5), ResponseLimits.DEFAULT, 5, "test",
                        false, nonPublic));
    }

    private HttpTrackerClient client() throws Exception {
        return client(Duration.ofSeconds(20), a -> false);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private void route(String path, int status, byte[] body, String... headers) {
        server.createContext(path, ex -> reply(ex, status, body, headers));
    }

    private static void reply(HttpExchange ex, int status, byte[] body, String... headers) throws IOException {
        for (int i = 0; i < headers.length; i += 2) {
            ex.getResponseHeaders().add(headers[i], headers[i + 1]);
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(data);
        }
        return bos.toByteArray();
    }

    private static TrackerException failure(CompletableFuture<?> f) {
        CompletionException e = assertThrows(CompletionException.class, f::join);
        return assertInstanceOf(TrackerException.class, HttpTrackerClient.unwrap(e));
    }

    @Test
    void plainAndGzippedBodies() throws Exception {
        byte[] body = "d8:intervali60e5:peers0:e".getBytes(StandardCharsets.US_ASCII);
        route("/plain", 200, body);
        route("/gz", 200, gzip(body), "Content-Encoding", "gzip");
        server.createContext("/echo", ex -> reply(ex, 200, (ex.getRequestURI().getRawQuery() + "|"
                + ex.getRequestHeaders().getFirst("Accept-Encoding") + "|" + ex.getRequestHeaders().getFirst("Host"))
                .getBytes(StandardCharsets.US_ASCII)));
        HttpTrackerClient c = client();
        assertArrayEquals(body, c.get(url("/plain")).join());
        assertArrayEquals(body, c.get(url("/gz")).join());
        String echo = new String(c.get(url("/echo?info_hash=%00%FF")).join(), StandardCharsets.US_ASCII);
        assertEquals("info_hash=%00%FF|gzip|127.0.0.1:" + server.getAddress().getPort(), echo);
    }

    /** HARDENING.md: tracker HTTP response ≤ 1 MiB after gzip decompression. */
    @Test
    void bodiesOverOneMebibyteAreRefusedEvenWhenCompressed() throws Exception {
        byte[] bomb = gzip(new byte[8 << 20]); // 8 MiB of zeros in about 8 KiB
        assertTrue(bomb.length < 64 * 1024);
        route("/bomb", 200, bomb, "Content-Encoding", "gzip");
        route("/big", 200, new byte[(1 << 20) + 1]);
        route("/exact", 200, new byte[1 << 20]);
        HttpTrackerClient c = client();
        assertEquals(Reason.RESPONSE_TOO_LARGE, failure(c.get(url("/bomb"))).reason());
        assertEquals(Reason.RESPONSE_TOO_LARGE, failure(c.get(url("/big"))).reason());
        assertEquals(1 << 20, c.get(url("/exact")).join().length);
    }

    @Test
    void statusCodes() throws Exception {
        route("/gone", 410, "gone".getBytes());
        route("/busy", 503, new byte[0]);
        route("/banned", 403, "d14:failure reason6:bannede".getBytes(StandardCharsets.US_ASCII));
        HttpTrackerClient c = client();
        TrackerException gone = failure(c.get(url("/gone")));
        assertEquals(Reason.HTTP_STATUS, gone.reason());
        assertEquals(410, gone.httpStatus());
        assertTrue(gone.isPermanent(), "HARDENING.md: HTTP 410 stops announcing to that URL");
        TrackerException busy = failure(c.get(url("/busy")));
        assertEquals(503, busy.httpStatus());
        assertFalse(busy.isPermanent());
        TrackerException banned = failure(c.get(url("/banned")));
        assertEquals(Reason.TRACKER_FAILURE, banned.reason());
        assertEquals("banned", banned.getMessage());
    }

    @Test
    void redirectsAreFollowedWithinLimits() throws Exception {
        byte[] body = "ok".getBytes();
        route("/final", 200, body);
        route("/r1", 302, new byte[0], "Location", "/final");
        route("/loop", 302, new byte[0], "Location", "/loop");
        route("/to-udp", 301, new byte[0], "Location", "udp://127.0.0.1:1/announce");
        route("/to-file", 307, new byte[0], "Location", "file:///etc/passwd");
        HttpTrackerClient c = client();
        assertArrayEquals(body, c.get(url("/r1")).join());
        assertEquals(Reason.BAD_REDIRECT, failure(c.get(url("/loop"))).reason());
        assertEquals(Reason.BAD_REDIRECT, failure(c.get(url("/to-udp"))).reason());
        assertEquals(Reason.BAD_REDIRECT, failure(c.get(url("/to-file"))).reason());
    }

    /** HARDENING.md: no redirect from a public to a private address. 127.0.0.1 plays "public", 127.0.0.2 "private". */
    @Test
    void noRedirectFromPublicToPrivate() throws Exception {
        int port = server.getAddress().getPort();
        route("/final", 200, "ok".getBytes());
        route("/to-private", 302, new byte[0], "Location", "http://127.0.0.2:" + port + "/final");
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), port), 4);
        other.createContext("/final", ex -> reply(ex, 200, "private".getBytes()));
        other.start();
        try {
            Predicate<InetAddress> privateIs2 = a -> a.getAddress()[3] == 2;
            HttpTrackerClient strict = client(Duration.ofSeconds(20), privateIs2);
            TrackerException e = failure(strict.get(url("/to-private")));
            assertEquals(Reason.BAD_REDIRECT, e.reason());
            // A private tracker may redirect within private space.
            route("/back", 302, new byte[0], "Location", "http://127.0.0.2:" + port + "/final");
            HttpTrackerClient allPrivate = client(Duration.ofSeconds(20), a -> true);
            assertEquals("private", new String(allPrivate.get(url("/back")).join()));
        } finally {
            other.stop(0);
        }
    }

    @Test
    void timeoutsRefusalsAndResolverFailures() throws Exception {
        server.createContext("/hang", ex -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        HttpTrackerClient c = client(Duration.ofMillis(500), a -> false);
        assertEquals(Reason.TIMEOUT, failure(c.get(url("/hang"))).reason());
        int closedPort;
        try (ServerSocket ss = new ServerSocket(0, 1, LOOPBACK)) {
            closedPort = ss.getLocalPort();
        }
        assertEquals(Reason.NETWORK, failure(c.get(URI.create("http://127.0.0.1:" + closedPort + "/a"))).reason());
        HttpTrackerClient noDns = new HttpTrackerClient(TrackerTransport.nio(group),
                host -> CompletableFuture.failedFuture(new TrackerException(Reason.UNRESOLVED_HOST, "nx " + host)),
                SslContextBuilder.forClient().build(), new HttpTrackerClient.Settings(Duration.ofSeconds(1),
                Duration.ofSeconds(1), ResponseLimits.DEFAULT, 5, "t", false));
        assertEquals(Reason.UNRESOLVED_HOST, failure(noDns.get(URI.create("http://nowhere.invalid/a"))).reason());
        assertEquals(Reason.UNSUPPORTED_URL, failure(c.get(URI.create("udp://127.0.0.1:1/a"))).reason());
        c.close();
        assertEquals(Reason.CLOSED, failure(c.get(url("/hang"))).reason());
    }

    @Test
    void closeFailsExchangesInFlight() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        server.createContext("/hang", ex -> {
            arrived.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        HttpTrackerClient c = client();
        CompletableFuture<byte[]> f = c.get(url("/hang"));
        assertTrue(arrived.await(20, TimeUnit.SECONDS));
        c.close();
        assertEquals(Reason.CLOSED, failure(f).reason());
    }
}
