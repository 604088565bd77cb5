package io.hivemind.bt.wire.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.ext.ExtensionHandshake;
import io.hivemind.bt.wire.ext.UtMetadata;
import io.hivemind.bt.wire.internal.Hex;
import io.hivemind.bt.wire.peer.PeerHandshake.Feature;
import io.hivemind.bt.wire.peer.PeerMessage.Extended;
import io.hivemind.bt.wire.peer.PeerMessage.HaveAll;
import io.hivemind.bt.wire.peer.PeerMessage.Interested;
import io.hivemind.bt.wire.peer.PeerMessage.Piece;
import io.hivemind.bt.wire.peer.PeerMessage.Request;
import io.hivemind.bt.wire.peer.PeerMessage.Unchoke;
import io.hivemind.bt.wire.testing.ExternalPrograms;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The codecs against a real libtorrent 2.0 seed on loopback, both directions: BEP 3 handshake (outgoing and the
 * incoming "answer after the info-hash" pattern), BEP 6 {@code have all}, BEP 10 extension handshake, BEP 9 metadata
 * request, and a 16 KiB block compared with the file. Skips locally without {@code python3-libtorrent}; fails in CI.
 */
class LibtorrentInteropTest {
    private static final byte[] OUR_PEER_ID = "-HV0001-interoptest1".getBytes(StandardCharsets.US_ASCII);
    private static final int OUR_METADATA_ID = 3;
    private static final long TIMEOUT_SECONDS = 60;

    @TempDir
    Path dir;

    private Process python;
    private BufferedReader pythonOut;
    private Writer pythonIn;
    private EventLoopGroup group;
    private int ltPort;
    private byte[] infoHash;

    @BeforeEach
    void startLibtorrent() throws Exception {
        ExternalPrograms.requireLibtorrent();
        Path script = dir.resolve("lt_peer.py");
        try (InputStream in = LibtorrentInteropTest.class.getResourceAsStream("lt_peer.py")) {
            Files.copy(in, script);
        }
        python = new ProcessBuilder(ExternalPrograms.SYSTEM_PYTHON.toString(), script.toString(), dir.toString())
                .redirectError(dir.resolve("python.err").toFile()).start();
        pythonOut = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
        pythonIn = new OutputStreamWriter(python.getOutputStream(), StandardCharsets.UTF_8);
        String ready = CompletableFuture.supplyAsync(this::readLine).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(ready, () -> "libtorrent script ended: " + stderr());
        String[] words = ready.split(" ");
        assertEquals("READY", words[0], () -> ready + " " + stderr());
        ltPort = Integer.parseInt(words[1]);
        infoHash = Hex.decode(words[2]);
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterEach
    void stop() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (python != null) {
            try {
                pythonIn.write("quit\n");
                pythonIn.flush();
            } catch (IOException ignored) {
                // already gone
            }
            if (!python.waitFor(10, TimeUnit.SECONDS)) {
                python.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private String readLine() {
        try {
            return pythonOut.readLine();
        } catch (IOException e) {
            return null;
        }
    }

    private String stderr() {
        try {
            return Files.readString(dir.resolve("python.err"));
        } catch (IOException e) {
            return "(no stderr)";
        }
    }

    /** What a test peer saw; each future completes once. */
    static final class Seen {
        final CompletableFuture<PeerHandshakePrefix> prefix = new CompletableFuture<>();
        final CompletableFuture<PeerHandshake> handshake = new CompletableFuture<>();
        final CompletableFuture<ExtensionHandshake> extensions = new CompletableFuture<>();
        final CompletableFuture<PeerMessage> haves = new CompletableFuture<>();
        final CompletableFuture<UtMetadata> metadata = new CompletableFuture<>();
        final CompletableFuture<byte[]> block = new CompletableFuture<>();
        final CompletableFuture<Throwable> error = new CompletableFuture<>();
    }

    /** A minimal session: handshake, extension handshake, interested, one metadata request and one block request. */
    final class TestPeer extends ChannelInboundHandlerAdapter {
        final Seen seen;
        final boolean outgoing;

        TestPeer(Seen seen, boolean outgoing) {
            this.seen = seen;
            this.outgoing = outgoing;
        }

        private PeerHandshake ours() {
            return PeerHandshake.of(EnumSet.of(Feature.EXTENSION_PROTOCOL, Feature.FAST), infoHash, OUR_PEER_ID);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (outgoing) {
                ctx.writeAndFlush(ours());
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                switch (msg) {
                    case PeerHandshakePrefix p -> {
                        seen.prefix.complete(p);
                        ctx.writeAndFlush(ours()); // BEP 3: answer as soon as the info-hash is known
                    }
                    case PeerHandshake h -> {
                        seen.handshake.complete(h);
                        ExtensionHandshake ext = ExtensionHandshake.builder().message(UtMetadata.NAME, OUR_METADATA_ID)
                                .client("hivebt-test").requestQueue(100).build();
                        ctx.write(ext.toMessage());
                        ctx.writeAndFlush(Interested.INSTANCE);
                    }
                    case Extended e when e.extendedId() == Extended.HANDSHAKE_ID -> {
                        ExtensionHandshake ext = ExtensionHandshake.decode(e.payload());
                        seen.extensions.complete(ext);
                        int theirs = ext.messageId(UtMetadata.NAME);
                        if (theirs > 0) {
                            ctx.writeAndFlush(new UtMetadata.Request(0).toMessage(theirs));
                        }
                    }
                    case Extended e when e.extendedId() == OUR_METADATA_ID -> seen.metadata.complete(UtMetadata.decode(e.payload()));
                    case HaveAll h -> seen.haves.complete(h);
                    case PeerMessage.Bitfield b -> seen.haves.complete(new PeerMessage.Bitfield(b.payload().copy()));
                    case Unchoke u -> ctx.writeAndFlush(new Request(0, 0, 16 * 1024));
                    case Piece p -> seen.block.complete(ByteBufUtil.getBytes(p.payload()));
                    default -> {
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            seen.error.complete(cause);
            ctx.close();
        }
    }

    private void pipeline(Channel ch, PeerHandshakeDecoder handshakeDecoder, TestPeer peer) {
        ch.pipeline().addLast(handshakeDecoder, new PeerIdleHandler(), PeerHandshakeEncoder.INSTANCE,
                new PeerMessageDecoder(), PeerMessageEncoder.INSTANCE, peer);
    }

    private <T> T await(CompletableFuture<T> f, Seen seen, String what) throws Exception {
        CompletableFuture<Object> any = CompletableFuture.anyOf(f, seen.error);
        Object r = any.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (seen.error.isDone() && !f.isDone()) {
            throw new AssertionError("connection failed while waiting for " + what, seen.error.get());
        }
        return f.get();
    }

    @Test
    void outgoingConnectionToALibtorrentSeed() throws Exception {
        Seen seen = new Seen();
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
                pipeline(c, PeerHandshakeDecoder.outgoing(infoHash), new TestPeer(seen, true));
            }
        }).connect(new InetSocketAddress("127.0.0.1", ltPort)).sync().channel();
        try {
            checkSession(seen);
        } finally {
            ch.close().sync();
        }
    }

    @Test
    void incomingConnectionFromLibtorrent() throws Exception {
        Seen seen = new Seen();
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        pipeline(c, PeerHandshakeDecoder.incoming(h -> Arrays.equals(h, infoHash)), new TestPeer(seen, false));
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try {
            pythonIn.write("connect " + ((InetSocketAddress) server.localAddress()).getPort() + "\n");
            pythonIn.flush();
            PeerHandshakePrefix prefix = await(seen.prefix, seen, "the handshake prefix");
            assertArrayEquals(infoHash, prefix.infoHash());
            checkSession(seen);
        } finally {
            server.close().sync();
        }
    }

    private void checkSession(Seen seen) throws Exception {
        PeerHandshake h = await(seen.handshake, seen, "the handshake");
        assertArrayEquals(infoHash, h.infoHash());
        assertTrue(new String(h.peerId(), StandardCharsets.ISO_8859_1).startsWith("-LT"), h.toString());
        assertTrue(h.has(Feature.EXTENSION_PROTOCOL), "libtorrent speaks BEP 10");
        assertTrue(h.has(Feature.FAST), "libtorrent speaks BEP 6");

        ExtensionHandshake ext = await(seen.extensions, seen, "the extension handshake");
        assertTrue(ext.messageId(UtMetadata.NAME) > 0, ext.toString());
        assertNotNull(ext.metadataSize(), ext.toString());
        assertTrue(ext.client().startsWith("libtorrent") || ext.client().contains("torrent"), ext.client());

        // BEP 6: a seed that negotiated the fast extension says "have all" instead of a full bitfield
        assertEquals(HaveAll.INSTANCE, await(seen.haves, seen, "have all"));

        UtMetadata.Data meta = (UtMetadata.Data) await(seen.metadata, seen, "metadata piece 0");
        assertEquals(ext.metadataSize().intValue(), meta.totalSize());
        assertTrue(meta.totalSize() <= UtMetadata.PIECE_SIZE, "one metadata piece for this small torrent");
        assertArrayEquals(infoHash, MessageDigest.getInstance("SHA-1").digest(meta.data()), "metadata hashes to the info-hash");

        byte[] block = await(seen.block, seen, "block 0 of piece 0");
        byte[] file = Files.readAllBytes(dir.resolve("data.bin"));
        assertArrayEquals(Arrays.copyOf(file, 16 * 1024), block);
        assertTrue(!seen.error.isDone(), () -> "error: " + seen.error.getNow(null));
    }
}
