package io.hivemind.bt.wire.mse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import io.hivemind.bt.wire.bencode.BencodeLimits;
import io.hivemind.bt.wire.testing.ExternalPrograms;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * MSE/PE against Transmission 3.00 with {@code "encryption": 2} (encryption required): our RC4-only initiator
 * dials transmission-daemon, completes MSE and the BitTorrent handshake, and reads Transmission's handshake and
 * piece announcement through the RC4 stream. (Transmission never dials 127.0.0.1 peers, so there is no reverse
 * direction to test: see INTEROP.md.)
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class MseTransmissionInteropTest {

    @Test
    void rc4InitiatorCompletesHandshakeWithEncryptionRequiredTransmission(@TempDir Path dir) throws Exception {
        Path daemon = ExternalPrograms.require("transmission-daemon", "transmission-daemon");
        Path remote = ExternalPrograms.require("transmission-remote", "transmission-cli");
        Path mktorrent = ExternalPrograms.require("mktorrent", "mktorrent");

        Path data = dir.resolve("data");
        Files.createDirectories(data);
        byte[] content = new byte[200_000];
        new Random(4).nextBytes(content);
        Files.write(data.resolve("payload.bin"), content);
        Path torrent = dir.resolve("t.torrent");
        run(List.of(mktorrent.toString(), "-l", "15", "-o", torrent.toString(), data.resolve("payload.bin").toString()),
                dir);
        byte[] infoHash = infoHash(Files.readAllBytes(torrent));

        int rpcPort = freePort();
        int peerPort = freePort();
        Path config = dir.resolve("config");
        Files.createDirectories(config);
        Files.writeString(config.resolve("settings.json"), """
                {
                  "encryption": 2,
                  "rpc-port": %d,
                  "rpc-bind-address": "127.0.0.1",
                  "rpc-authentication-required": false,
                  "rpc-whitelist-enabled": false,
                  "rpc-host-whitelist-enabled": false,
                  "peer-port": %d,
                  "peer-port-random-on-start": false,
                  "bind-address-ipv4": "127.0.0.1",
                  "bind-address-ipv6": "::1",
                  "dht-enabled": false,
                  "lpd-enabled": false,
                  "pex-enabled": false,
                  "utp-enabled": false,
                  "port-forwarding-enabled": false,
                  "download-dir": "%s",
                  "message-level": 2
                }
                """.formatted(rpcPort, peerPort, data.toString()));
        Process tr = new ProcessBuilder(daemon.toString(), "-f", "-g", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("transmission.log").toFile()).start();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            String rpc = "127.0.0.1:" + rpcPort;
            awaitTrue(() -> run(List.of(remote.toString(), rpc, "-l"), dir).exitValue() == 0, 30, "RPC up");
            Process add = run(List.of(remote.toString(), rpc, "-a", torrent.toString(), "-w", data.toString()), dir);
            assertEquals(0, add.exitValue(), "transmission-remote -a");
            awaitTrue(() -> new String(run(List.of(remote.toString(), rpc, "-t", "all", "-i"), dir).getInputStream()
                    .readAllBytes(), StandardCharsets.UTF_8).contains("Percent Done: 100%"), 60, "seeding");

            BtProbe probe = new BtProbe(infoHash, true);
            MseConfig cfg = MseConfig.builder().policy(MsePolicy.FORCED).allowedMethods(EnumSet.of(CryptoMethod.RC4))
                    .build();
            Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(MseHandler.initiator(cfg, infoHash), probe);
                        }
                    })
                    .connect(new InetSocketAddress("127.0.0.1", peerPort)).sync().channel();
            try {
                BtProbe.Seen seen = probe.seen.get(30, TimeUnit.SECONDS);
                byte[] h = seen.handshake();
                assertEquals("\u0013BitTorrent protocol", new String(h, 0, 20, StandardCharsets.ISO_8859_1));
                assertArrayEquals(infoHash, Arrays.copyOfRange(h, 28, 48));
                assertEquals("-TR", new String(h, 48, 3, StandardCharsets.ISO_8859_1), "Transmission's peer id");
                assertTrue(seen.announcementId() == 5 || seen.announcementId() == 14);
                assertEquals(CryptoMethod.RC4, seen.mse().result().method());
            } finally {
                ch.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            tr.destroy();
            if (!tr.waitFor(10, TimeUnit.SECONDS)) {
                tr.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void awaitTrue(Check check, int seconds, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not " + what + " within " + seconds + " s");
            }
            TimeUnit.MILLISECONDS.sleep(200); // polling interval of a bounded wait, not synchronisation
        }
    }

    static Process run(List<String> cmd, Path dir) {
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            return p;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static byte[] infoHash(byte[] torrent) throws Exception {
        BDict root = (BDict) BencodeDecoder.decode(torrent, BencodeLimits.DEFAULT);
        BValue info = root.get("info");
        BDict d = (BDict) info;
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        sha1.update(torrent, d.sourceStart(), d.sourceEnd() - d.sourceStart());
        return sha1.digest();
    }
}
