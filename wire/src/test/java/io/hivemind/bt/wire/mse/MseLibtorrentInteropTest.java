package io.hivemind.bt.wire.mse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.internal.Hex;
import io.hivemind.bt.wire.testing.ExternalPrograms;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MSE/PE against libtorrent 2.0 with encryption forced in both directions ({@code out_enc_policy} and
 * {@code in_enc_policy} = {@code pe_forced}), once with {@code allowed_enc_level = pe_rc4} and once with
 * {@code pe_plaintext}: our initiator dials libtorrent over a real socket, completes MSE and the BitTorrent
 * handshake and reads libtorrent's handshake and piece announcement through the negotiated stream; and
 * libtorrent dials our responder ({@code connect_peer}), which must find the torrent from the hashed SKEY.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MseLibtorrentInteropTest {

    static EventLoopGroup group;

    @BeforeAll
    static void loop() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static LinedProcess startLibtorrent(Path dir, String level) throws Exception {
        ExternalPrograms.requireLibtorrent();
        Path script = dir.resolve("lt_mse_peer.py");
        try (InputStream in = MseLibtorrentInteropTest.class.getResourceAsStream("lt_mse_peer.py")) {
            Files.copy(in, script);
        }
        return new LinedProcess(List.of(ExternalPrograms.SYSTEM_PYTHON.toString(), script.toString(), dir.toString(),
                level), dir.resolve("libtorrent.stderr"));
    }

    static MseConfig ours(MsePolicy policy) {
        return MseConfig.builder().policy(policy).allowedMethods(EnumSet.allOf(CryptoMethod.class)).preferRc4(true)
                .build();
    }

    @ParameterizedTest(name = "libtorrent allowed_enc_level={0}")
    @ValueSource(strings = {"rc4", "plaintext"})
    void initiatorCompletesHandshakeWithForcedLibtorrent(String level, @TempDir Path dir) throws Exception {
        try (LinedProcess lt = startLibtorrent(dir, level)) {
            String[] ready = lt.awaitLine("READY", 60).split(" ");
            int port = Integer.parseInt(ready[1]);
            byte[] infoHash = Hex.decode(ready[2]);
            BtProbe probe = new BtProbe(infoHash, true);
            Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(MseHandler.initiator(ours(MsePolicy.FORCED), infoHash), probe);
                        }
                    })
                    .connect(new InetSocketAddress("127.0.0.1", port)).sync().channel();
            try {
                BtProbe.Seen seen = probe.seen.get(30, TimeUnit.SECONDS);
                checkLibtorrentHandshake(seen, infoHash);
                MseResult r = seen.mse().result();
                assertTrue(r.mseHandshake());
                assertEquals(level.equals("rc4") ? CryptoMethod.RC4 : CryptoMethod.PLAINTEXT, r.method());
                assertEquals(68, r.initialPayloadBytes(), "our handshake rode as IA");
            } finally {
                ch.close().sync();
            }
        }
    }

    @ParameterizedTest(name = "libtorrent allowed_enc_level={0}")
    @ValueSource(strings = {"rc4", "plaintext"})
    void responderAcceptsForcedLibtorrent(String level, @TempDir Path dir) throws Exception {
        try (LinedProcess lt = startLibtorrent(dir, level)) {
            String[] ready = lt.awaitLine("READY", 60).split(" ");
            byte[] infoHash = Hex.decode(ready[2]);
            MseSkeyIndex index = new MseSkeyIndex();
            index.add(new byte[20]); // another torrent, to show the lookup picks the right one
            index.add(infoHash);
            CompletableFuture<BtProbe> accepted = new CompletableFuture<>();
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            BtProbe probe = new BtProbe(infoHash, false);
                            c.pipeline().addLast(MseHandler.responder(ours(MsePolicy.FORCED), index), probe);
                            accepted.complete(probe);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            try {
                int ourPort = ((InetSocketAddress) server.localAddress()).getPort();
                lt.send("connect " + ourPort);
                BtProbe probe = accepted.get(30, TimeUnit.SECONDS);
                BtProbe.Seen seen = probe.seen.get(30, TimeUnit.SECONDS);
                checkLibtorrentHandshake(seen, infoHash);
                MseResult r = seen.mse().result();
                assertTrue(r.mseHandshake());
                assertArrayEquals(infoHash, r.skey(), "found the torrent from HASH('req2', SKEY)");
                assertEquals(level.equals("rc4") ? CryptoMethod.RC4 : CryptoMethod.PLAINTEXT, r.method());
            } finally {
                server.close().sync();
            }
        }
    }

    static void checkLibtorrentHandshake(BtProbe.Seen seen, byte[] infoHash) {
        byte[] h = seen.handshake();
        assertEquals("\u0013BitTorrent protocol", new String(h, 0, 20, StandardCharsets.ISO_8859_1));
        assertArrayEquals(infoHash, Arrays.copyOfRange(h, 28, 48));
        assertEquals("-LT", new String(h, 48, 3, StandardCharsets.ISO_8859_1), "libtorrent's peer id");
        assertTrue((h[27] & 0x04) != 0, "libtorrent offers the fast extension");
        assertEquals(14, seen.announcementId(), "a seed with the fast extension sends have-all");
    }
}
