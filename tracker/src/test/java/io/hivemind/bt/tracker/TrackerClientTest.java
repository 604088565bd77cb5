package io.hivemind.bt.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.tracker.TrackerException.Reason;
import io.hivemind.bt.tracker.server.TrackerServer;
import io.hivemind.bt.wire.testing.ExternalPrograms;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public client against our server: HTTPS (TLS via the JDK provider), UDP over IPv6 (BEP 15 "IPv6"), errors. */
class TrackerClientTest {
    private EventLoopGroup group;

    @BeforeEach
    void setUp() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterEach
    void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static AnnounceRequest req(int port) {
        byte[] h = new byte[20];
        h[0] = 42;
        byte[] id = ("-HV0001-" + String.format("%012d", port)).getBytes();
        return AnnounceRequest.builder().infoHash(h).peerId(id).port(port).left(1).build();
    }

    private static TrackerException failure(CompletableFuture<?> f) {
        CompletionException e = assertThrows(CompletionException.class, f::join);
        return assertInstanceOf(TrackerException.class, e.getCause());
    }

    private static void openssl(Path dir, String name, String host) throws Exception {
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", dir.resolve(name + ".key").toString(), "-out", dir.resolve(name + ".crt").toString(),
                "-days", "2", "-subj", "/CN=" + host, "-addext", "subjectAltName=DNS:" + host)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl finished");
        assertEquals(0, p.exitValue());
    }

    @Test
    void httpsWithHostNameVerification(@TempDir Path dir) throws Exception {
        ExternalPrograms.require("openssl", "openssl");
        openssl(dir, "good", "tracker.test");
        openssl(dir, "bad", "other.test");
        TrackerResolver toLoopback = host -> CompletableFuture.completedFuture(List.of(InetAddress.getLoopbackAddress()));
        for (String cert : new String[] {"good", "bad"}) {
            try (TrackerServer s = TrackerServer.builder().bindAddress(InetAddress.getLoopbackAddress()).httpPort(0)
                    .udpPort(-1).sslContext(SslContextBuilder.forServer(dir.resolve(cert + ".crt").toFile(),
                            dir.resolve(cert + ".key").toFile()).sslProvider(SslProvider.JDK).build())
                    .build().start();
                 TrackerClient c = TrackerClient.builder(TrackerTransport.nio(group)).resolver(toLoopback)
                         .sslContext(SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                                 .trustManager(dir.resolve(cert + ".crt").toFile()).build()).build()) {
                URI url = URI.create("https://tracker.test:" + s.httpAddress().getPort() + "/announce");
                if (cert.equals("good")) {
                    AnnounceResponse r = c.announce(url, req(1)).join();
                    assertEquals(30, r.intervalSeconds());
                    assertEquals(1, c.scrape(url, List.of(req(1).infoHash())).join().entries().getFirst().leechers());
                } else {
                    assertEquals(Reason.NETWORK, failure(c.announce(url, req(1))).reason(),
                            "a certificate for another host name is refused");
                }
            }
        }
    }

    @Test
    void udpOverIpv6() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (TrackerServer s = TrackerServer.builder().bindAddress(v6).httpPort(-1).udpPort(0).build().start();
             TrackerClient c = TrackerClient.builder(TrackerTransport.nio(group)).build()) {
            URI url = URI.create("udp://[::1]:" + s.udpAddress().getPort());
            c.announce(url, req(1000)).join();
            AnnounceResponse r = c.announce(url, req(1001)).join();
            assertEquals(List.of(new InetSocketAddress(v6, 1000)), r.peers(), "18-byte peers over IPv6");
            assertEquals(2, c.scrape(url, List.of(req(1).infoHash())).join().entries().getFirst().leechers());
        }
    }

    @Test
    void unansweredUdpTimesOutAndCloseFailsInFlight() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             TrackerClient c = TrackerClient.builder(TrackerTransport.nio(group))
                     .udpSchedule(new UdpRetransmitSchedule(Duration.ofMillis(100), 2)).build()) {
            URI url = URI.create("udp://127.0.0.1:" + silent.getLocalPort());
            assertEquals(Reason.TIMEOUT, failure(c.announce(url, req(1))).reason());
            try (TrackerClient c2 = TrackerClient.builder(TrackerTransport.nio(group)).build()) {
                CompletableFuture<AnnounceResponse> f = c2.announce(url, req(1));
                c2.close();
                assertEquals(Reason.CLOSED, failure(f).reason());
            }
        }
    }

    @Test
    void unsupportedUrlsFailWithoutIo() {
        try (TrackerClient c = TrackerClient.builder(TrackerTransport.nio(group)).build()) {
            assertEquals(Reason.UNSUPPORTED_URL, failure(c.announce(URI.create("ftp://x/announce"), req(1))).reason());
            assertEquals(Reason.UNSUPPORTED_URL, failure(c.announce(URI.create("udp://x/announce"), req(1))).reason());
            assertEquals(Reason.SCRAPE_UNSUPPORTED,
                    failure(c.scrape(URI.create("http://x/tracker"), List.of(new byte[20]))).reason());
        }
    }
}
