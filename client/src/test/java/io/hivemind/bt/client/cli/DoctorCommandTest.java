package io.hivemind.bt.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.nat.FakePmpGateway;
import io.hivemind.bt.client.nat.PortMapperTest;
import io.hivemind.bt.dht.DhtConfig;
import io.hivemind.bt.dht.DhtNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hivebt doctor} against loopback stand-ins: an HTTP tracker that reports our address (BEP 24), a UDP
 * tracker answering connect (BEP 15), a NAT-PMP gateway, a DHT node. Every check passes and the exit code is 0;
 * with a missing download directory, unreachable trackers and a taken port, each check fails with its fix and the
 * exit code is 1.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DoctorCommandTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    private record Result(int code, String out) {
    }

    private static synchronized Result hivebt(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Result(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    /** A one-connection-at-a-time HTTP tracker answering every request with {@code body}. */
    private static Thread httpTracker(ServerSocket server, byte[] body) {
        return Thread.ofPlatform().daemon().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    int matched = 0;
                    while (matched < 4) { // read up to the blank line
                        int b = in.read();
                        if (b < 0) {
                            break;
                        }
                        matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
                    }
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                } catch (IOException e) {
                    // next
                }
            }
        });
    }

    private static Thread udpTracker(DatagramSocket socket) {
        return Thread.ofPlatform().daemon().start(() -> {
            while (!socket.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(new byte[64], 64);
                    socket.receive(p);
                    ByteBuffer req = ByteBuffer.wrap(p.getData(), 0, p.getLength());
                    req.getLong();
                    req.getInt();
                    int tid = req.getInt();
                    byte[] reply = ByteBuffer.allocate(16).putInt(0).putInt(tid).putLong(42).array();
                    socket.send(new DatagramPacket(reply, 16, p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LO)) {
            return s.getLocalPort();
        }
    }

    @Test
    void everyCheckPassesAgainstHealthyServices(@TempDir Path downloads) throws Exception {
        byte[] announce = ByteBuffer.allocate(64).put("d11:external ip4:".getBytes(StandardCharsets.US_ASCII))
                .put(LO.getAddress()).put("8:intervali1800e5:peers0:e".getBytes(StandardCharsets.US_ASCII)).flip()
                .array();
        byte[] body = java.util.Arrays.copyOf(announce, "d11:external ip4:".length() + 4 + "8:intervali1800e5:peers0:e".length());
        DhtConfig cfg = DhtConfig.builder().restrictRoutingIps(false).build();
        try (ServerSocket http = new ServerSocket(0, 8, LO); DatagramSocket udp = new DatagramSocket(0, LO);
             FakePmpGateway gw = new FakePmpGateway(PortMapperTest.natPmpGateway(600));
             DhtNode dht = DhtNode.builder().bind(new InetSocketAddress(LO, 0)).config(cfg).build()) {
            httpTracker(http, body);
            udpTracker(udp);
            dht.start().get(10, TimeUnit.SECONDS);
            Result r = hivebt("doctor", "--listen", "127.0.0.1:" + freePort(), "--download-dir", downloads.toString(),
                    "--min-free", "1", "--transport", "NIO", "--storage", "POSITIONAL",
                    "--tracker", "http://127.0.0.1:" + http.getLocalPort() + "/announce",
                    "--tracker", "udp://127.0.0.1:" + udp.getLocalPort() + "/announce",
                    "--natpmp", "--gateway", "127.0.0.1", "--natpmp-port", Integer.toString(gw.port()),
                    "--bootstrap", "127.0.0.1:" + dht.localAddresses().getFirst().getPort(), "--timeout", "5");
            assertEquals(0, r.code(), r.out());
            assertTrue(r.out().contains("All checks passed."), r.out());
            assertTrue(r.out().contains("it sees us as 127.0.0.1"), r.out());
            assertTrue(r.out().contains("UDP connect answered"), r.out());
            assertTrue(r.out().contains("mapped by NATPMP to 11.0.0.1:40000"), r.out());
            assertTrue(r.out().contains("DHT nodes known"), r.out());
            assertTrue(r.out().matches("(?s).*\\[OK  ] transport +nio.*"), r.out());
            assertTrue(gw.requests.stream().anyMatch(q -> q.length == 12 && q[8] == 0 && q[9] == 0 && q[10] == 0
                    && q[11] == 0), "the test mapping was deleted again");
        }
    }

    @Test
    void brokenSetupFailsWithConcreteFixes(@TempDir Path tmp) throws Exception {
        Path missing = tmp.resolve("no-such-dir");
        try (ServerSocket taken = new ServerSocket(0, 1, LO); DatagramSocket silent = new DatagramSocket(0, LO)) {
            int closedPort = freePort();
            Result r = hivebt("doctor", "--listen", "127.0.0.1:" + taken.getLocalPort(), "--download-dir",
                    missing.toString(), "--transport", "NIO",
                    "--tracker", "http://127.0.0.1:" + closedPort + "/announce",
                    "--tracker", "udp://127.0.0.1:" + silent.getLocalPort() + "/announce",
                    "--tracker", "ftp://example.invalid/x", "--timeout", "1");
            assertEquals(1, r.code(), r.out());
            assertTrue(r.out().contains("[FAIL] download dir   " + missing + " does not exist"), r.out());
            assertTrue(r.out().contains("fix: mkdir -p " + missing), r.out());
            assertTrue(r.out().contains("[WARN] listen port    127.0.0.1:" + taken.getLocalPort() + " is already in use"),
                    r.out());
            assertTrue(r.out().contains("connection refused or unreachable"), r.out());
            assertTrue(r.out().contains("no UDP connect reply"), r.out());
            assertTrue(r.out().contains("outgoing UDP may be blocked"), r.out());
            assertTrue(r.out().contains("unsupported tracker scheme 'ftp'"), r.out());
            assertTrue(r.out().contains("[SKIP] port mapping"), r.out());
            assertTrue(r.out().matches("(?s).*\\d+ problems found.*"), r.out());
        }
    }

    @Test
    void lowDiskSpaceFails(@TempDir Path downloads) {
        Result r = hivebt("doctor", "--listen", "127.0.0.1:0", "--download-dir", downloads.toString(),
                "--min-free", "1000000TiB", "--transport", "NIO");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().contains("less than"), r.out());
        assertTrue(r.out().contains("free space on that filesystem"), r.out());
    }
}
