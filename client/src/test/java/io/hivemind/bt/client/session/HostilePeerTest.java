package io.hivemind.bt.client.session;

import static io.hivemind.bt.client.session.RawPeer.BITFIELD;
import static io.hivemind.bt.client.session.RawPeer.INTERESTED;
import static io.hivemind.bt.client.session.RawPeer.PIECE;
import static io.hivemind.bt.client.session.RawPeer.UNCHOKE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.DisconnectReason;
import io.hivemind.bt.client.Event;
import io.hivemind.bt.client.EventFilter;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HARDENING.md "Peers" and the hostile-peer list of issue 9, each attack scripted over a raw socket against a
 * running session that seeds a torrent: the attacker's connection is closed with the expected
 * {@link DisconnectReason}, the reason is counted in {@link io.hivemind.bt.client.SessionStats#disconnects()}, and an
 * honest peer connected to the same torrent before the attack stays connected and downloads the whole torrent,
 * byte-exact, after it. Timeouts are shortened through {@link PeerLimits} so the slow attacks take half a second.
 */
class HostilePeerTest {
    static final int PIECE_LENGTH = 32 * 1024;
    static final int PIECES = 33; // 33 pieces: the bitfield has 7 spare bits
    static final int SIZE = (PIECES - 1) * PIECE_LENGTH + 5000;
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofMillis(500);
    static final int MAX_PENDING = 8;

    @TempDir
    static Path tmp;
    static byte[] data;
    static byte[] infoHash;
    static Session session;
    static DefaultSession victim;
    static TorrentHandle torrent;
    static InetSocketAddress address;
    static final List<Event.PeerDisconnected> disconnects = new CopyOnWriteArrayList<>();
    static final AtomicInteger probes = new AtomicInteger();

    @BeforeAll
    static void seed() throws Exception {
        Path file = tmp.resolve("seed/hostile.bin");
        LoopbackSwarmTest.writeRandom(file, SIZE, 42);
        data = Files.readAllBytes(file);
        Metainfo mi = TorrentCreator.builder(file).version(TorrentVersion.V1).pieceLength(PIECE_LENGTH).build().create();
        assertEquals(PIECES, mi.info().pieceCount());
        infoHash = mi.infoHashes().v1();
        session = Session.builder().settings(LoopbackSwarmTest.settings().build()).build();
        victim = (DefaultSession) session;
        victim.peerLimits(PeerLimits.DEFAULT.withHandshakeTimeout(HANDSHAKE_TIMEOUT).withMaxPendingIncoming(MAX_PENDING));
        session.events().subscribe(EventFilter.all(), e -> {
            if (e instanceof Event.PeerDisconnected d) {
                disconnects.add(d);
            }
        });
        torrent = session.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("seed"))).get(10, TimeUnit.SECONDS);
        torrent.completion().get(30, TimeUnit.SECONDS);
        address = session.listenAddresses().get(0);
    }

    @AfterAll
    static void stop() {
        if (session != null) {
            session.close();
        }
    }

    // ---- the attacks ------------------------------------------------------------------------------------------

    /** HARDENING: a length prefix over 1 MiB is refused after reading the prefix. */
    @Test
    void oversizedLengthPrefix() throws Exception {
        expectClosed(DisconnectReason.MESSAGE_TOO_LONG, a -> {
            attach(a, false);
            a.send(RawPeer.ints(64 << 20, 0x07000000));
        });
    }

    /** A block message longer than 16 KiB (BEP 3 blocks) is refused from its header. */
    @Test
    void oversizedBlock() throws Exception {
        expectClosed(DisconnectReason.MESSAGE_TOO_LONG, a -> {
            attach(a, false);
            a.send(RawPeer.ints(9 + 16 * 1024 + 1));
            a.send(new byte[] {PIECE});
        });
    }

    /** BEP 3 "have" with an index past the last piece. */
    @Test
    void haveWithInvalidPieceIndex() throws Exception {
        expectClosed(DisconnectReason.PROTOCOL_ERROR, a -> {
            attach(a, false);
            a.send(RawPeer.have(PIECES));
        });
    }

    /** BEP 3 "request" for a piece that does not exist. */
    @Test
    void requestWithInvalidPieceIndex() throws Exception {
        expectClosed(DisconnectReason.BAD_REQUEST, a -> {
            attach(a, false);
            a.send(RawPeer.request(PIECES + 1000, 0, 16 * 1024));
        });
    }

    /** A request running past the end of the (short) last piece. */
    @Test
    void requestOutsideThePiece() throws Exception {
        expectClosed(DisconnectReason.BAD_REQUEST, a -> {
            attach(a, false);
            a.send(RawPeer.request(PIECES - 1, 0, 16 * 1024));
        });
    }

    /** HARDENING: block requests are at most 16 KiB. */
    @Test
    void requestLargerThan16KiB() throws Exception {
        expectClosed(DisconnectReason.BAD_REQUEST, a -> {
            attach(a, false);
            a.send(RawPeer.request(0, 0, 32 * 1024));
        });
    }

    /** HARDENING: many requests while choked disconnect. */
    @Test
    void requestFloodWhileChoked() throws Exception {
        expectClosed(DisconnectReason.REQUEST_FLOOD, a -> {
            attach(a, false);
            a.send(repeat(RawPeer.request(0, 0, 16 * 1024), 2100));
        });
    }

    /** HARDENING: at most 2,000 queued requests per peer (the attacker does not read what it asked for). */
    @Test
    void requestFloodWhileUnchoked() throws Exception {
        expectClosed(DisconnectReason.REQUEST_FLOOD, () -> RawPeer.connect(address, 4096), a -> {
            attach(a, false);
            a.message(INTERESTED, new byte[0]);
            a.readUntil(UNCHOKE);
            a.send(repeat(RawPeer.request(1, 16 * 1024, 16 * 1024), 6000));
        });
    }

    /** Thousands of "have" messages for the same piece. */
    @Test
    void haveFlood() throws Exception {
        expectClosed(DisconnectReason.MESSAGE_FLOOD, a -> {
            attach(a, false);
            a.send(repeat(RawPeer.have(3), 5000));
        });
    }

    /** BEP 3: "Spare bits at the end are set to zero. Clients ... should drop the connection" otherwise. */
    @Test
    void bitfieldWithSpareBitsSet() throws Exception {
        expectClosed(DisconnectReason.BAD_BITFIELD, a -> {
            attach(a, false);
            a.message(BITFIELD, new byte[] {0, 0, 0, 0, 0x7f});
        });
    }

    /** BEP 10: an extension handshake far bigger than any real one is refused at its header. */
    @Test
    void extensionMessageWithAHugeDictionary() throws Exception {
        expectClosed(DisconnectReason.MESSAGE_TOO_LONG, a -> {
            attach(a, true);
            StringBuilder d = new StringBuilder("d1:md");
            for (int i = 0; d.length() < 200_000; i++) {
                d.append("12:ext_").append(String.format("%05d", i)).append("i1e");
            }
            d.append("ee");
            a.send(RawPeer.extended(0, d.toString().getBytes(StandardCharsets.US_ASCII)));
        });
    }

    /** BEP 10: an extension handshake within the size cap but with too many entries or nesting. */
    @Test
    void extensionHandshakeWithTooManyEntries() throws Exception {
        expectClosed(DisconnectReason.PROTOCOL_ERROR, a -> {
            attach(a, true);
            StringBuilder d = new StringBuilder("d1:md");
            for (int i = 0; i < 1000; i++) {
                d.append("8:ext_").append(String.format("%04d", i)).append("i").append(i % 250 + 1).append("e");
            }
            d.append("ee");
            a.send(RawPeer.extended(0, d.toString().getBytes(StandardCharsets.US_ASCII)));
        });
        expectClosed(DisconnectReason.PROTOCOL_ERROR, a -> {
            attach(a, true);
            a.send(RawPeer.extended(0, ("d1:x" + "l".repeat(500) + "e".repeat(500) + "e").getBytes(StandardCharsets.US_ASCII)));
        });
    }

    /** A block we never asked for, at an offset that is not a block boundary. */
    @Test
    void unrequestedBlockAtABadOffset() throws Exception {
        expectClosed(DisconnectReason.UNWANTED_DATA, a -> {
            attach(a, false);
            a.send(RawPeer.piece(0, 100, new byte[16 * 1024]));
        });
    }

    /** Slowloris: a handshake that never finishes is closed by the handshake timeout. */
    @Test
    void slowHandshake() throws Exception {
        expectClosed(DisconnectReason.HANDSHAKE_TIMEOUT, a -> a.send(java.util.Arrays.copyOf(RawPeer.PROTOCOL, 12)));
    }

    /** Another connection claiming an attached peer's id (here the honest peer's) is refused; the first stays. */
    @Test
    void duplicatePeerId() throws Exception {
        expectClosed(DisconnectReason.DUPLICATE_PEER, (probe, a) -> a.handshake(infoHash, probe.peerId, false));
    }

    /**
     * We dial an address that leads back to ourselves (a hairpin: here a relay on loopback). The end that reads our
     * own peer id first closes with SELF_CONNECTION (the other end may see the close first: PEER_CLOSED), and neither
     * end stays attached. Dialling our own listen address directly is refused before any connection is made.
     */
    @Test
    void connectionToOurselves() throws Exception {
        long before = count(DisconnectReason.SELF_CONNECTION);
        try (Probe probe = new Probe(); ServerSocket relay = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            probe.download(0, 8);
            Thread t = Thread.ofVirtual().start(() -> relayOnce(relay, address));
            torrent.connectPeer(new InetSocketAddress(relay.getInetAddress(), relay.getLocalPort())).get(5, TimeUnit.SECONDS);
            awaitTrue(() -> count(DisconnectReason.SELF_CONNECTION) >= before + 1, Duration.ofSeconds(10),
                    "the self-connection counted");
            t.join(10_000);
            awaitTrue(() -> peerCount() == 1, Duration.ofSeconds(10), "only the honest peer attached");
            torrent.connectPeer(address).get(5, TimeUnit.SECONDS); // our own listen address: never dialled
            probe.downloadAllAndVerify();
            assertEquals(1, peerCount());
            probe.assertNeverDisconnected();
        }
    }

    /**
     * A half-open flood: more accepted connections than the limit that never say anything. The oldest beyond the
     * limit are closed at once (TOO_MANY_CONNECTIONS), the rest by the handshake timeout; an honest peer that
     * connects in the middle of the flood gets through and downloads.
     */
    @Test
    void halfOpenFlood() throws Exception {
        long evictedBefore = count(DisconnectReason.TOO_MANY_CONNECTIONS);
        long timedOutBefore = count(DisconnectReason.HANDSHAKE_TIMEOUT);
        int flood = 3 * MAX_PENDING;
        List<RawPeer> silent = new ArrayList<>();
        try {
            for (int i = 0; i < flood; i++) {
                silent.add(RawPeer.connect(address));
            }
            try (Probe probe = new Probe()) { // connects while the flood is pending
                probe.downloadAllAndVerify();
                for (int i = 0; i < flood; i++) {
                    assertTrue(silent.get(i).awaitClosed(Duration.ofSeconds(10)), "silent connection " + i + " still open");
                }
                awaitTrue(() -> count(DisconnectReason.TOO_MANY_CONNECTIONS) >= evictedBefore + flood - MAX_PENDING
                        && count(DisconnectReason.HANDSHAKE_TIMEOUT) >= timedOutBefore + 1, Duration.ofSeconds(10),
                        "evictions and timeouts counted");
                awaitTrue(() -> victim.incomingGate().pendingCount() == 0, Duration.ofSeconds(5), "no pending connection left");
                probe.downloadAllAndVerify();
                probe.assertNeverDisconnected();
            }
        } finally {
            for (RawPeer p : silent) {
                p.close();
            }
        }
    }

    // ---- the harness -------------------------------------------------------------------------------------------

    interface Attack {
        void run(RawPeer attacker) throws Exception;
    }

    interface AttackWithProbe {
        void run(Probe probe, RawPeer attacker) throws Exception;
    }

    interface Connector {
        RawPeer connect() throws IOException;
    }

    void expectClosed(DisconnectReason reason, Attack attack) throws Exception {
        expectClosed(reason, () -> RawPeer.connect(address), (probe, a) -> attack.run(a));
    }

    void expectClosed(DisconnectReason reason, Connector connector, Attack attack) throws Exception {
        expectClosed(reason, connector, (probe, a) -> attack.run(a));
    }

    void expectClosed(DisconnectReason reason, AttackWithProbe attack) throws Exception {
        expectClosed(reason, () -> RawPeer.connect(address), attack);
    }

    /**
     * Runs one attack with an honest peer attached to the same torrent: the attacker must be closed, the reason
     * counted, and the honest peer still connected and served, byte-exact, afterwards.
     */
    void expectClosed(DisconnectReason reason, Connector connector, AttackWithProbe attack) throws Exception {
        long before = count(reason);
        try (Probe probe = new Probe()) {
            probe.download(0, 8);
            try (RawPeer attacker = connector.connect()) {
                try {
                    attack.run(probe, attacker);
                } catch (IOException e) {
                    // the session may hang up while the attacker is still writing: that is the point
                }
                assertTrue(attacker.awaitClosed(Duration.ofSeconds(10)), "attacker still connected: expected " + reason);
            }
            awaitTrue(() -> count(reason) > before, Duration.ofSeconds(10), reason + " counted");
            probe.downloadAllAndVerify();
            probe.assertNeverDisconnected();
        }
    }

    /** Handshake for our torrent, and read what the seed says first (its bitfield). */
    static void attach(RawPeer a, boolean extensions) throws IOException {
        a.handshake(infoHash, RawPeer.peerId("-XX0001-" + probes.incrementAndGet()), extensions);
        a.readUntil(BITFIELD);
    }

    static int peerCount() {
        try {
            return torrent.peers().get(5, TimeUnit.SECONDS).size();
        } catch (Exception e) {
            throw new AssertionError("peer list", e);
        }
    }

    static long count(DisconnectReason reason) {
        return session.stats().disconnects().getOrDefault(reason, 0L);
    }

    static byte[] repeat(byte[] message, int times) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length * times);
        for (int i = 0; i < times; i++) {
            out.writeBytes(message);
        }
        return out.toByteArray();
    }

    /** Polls {@code condition} until it holds, at most {@code max}. */
    static void awaitTrue(BooleanSupplier condition, Duration max, String what) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what + "; disconnects " + session.stats().disconnects());
            }
            Thread.sleep(10);
        }
    }

    /** Accepts one connection and pipes it to {@code to} both ways until either side closes. */
    static void relayOnce(ServerSocket relay, InetSocketAddress to) {
        try (Socket in = relay.accept(); Socket out = new Socket()) {
            in.setSoTimeout(10_000);
            out.connect(to, 5_000);
            out.setSoTimeout(10_000);
            Thread back = Thread.ofVirtual().start(() -> pipe(out, in));
            pipe(in, out);
            back.join(10_000);
        } catch (IOException | InterruptedException e) {
            // the session closes both ends: done
        }
    }

    static void pipe(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream i = from.getInputStream();
            OutputStream o = to.getOutputStream();
            for (int n; (n = i.read(buf)) >= 0; ) {
                o.write(buf, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // closed
        }
    }

    /** An honest plain BEP 3 downloader: connected, interested and unchoked before the attack starts. */
    static final class Probe implements Closeable {
        final RawPeer peer;
        final byte[] peerId = RawPeer.peerId("-PR0001-" + probes.incrementAndGet());
        final InetSocketAddress local;

        Probe() throws IOException {
            peer = RawPeer.connect(address);
            local = (InetSocketAddress) peer.socket.getLocalSocketAddress();
            peer.handshake(infoHash, peerId, false);
            peer.readUntil(BITFIELD);
            peer.message(INTERESTED, new byte[0]);
            peer.readUntil(UNCHOKE);
        }

        /** Downloads blocks {@code [from, to)} (16 KiB each across the torrent) and checks them. */
        void download(int fromBlock, int toBlock) throws IOException {
            ByteArrayOutputStream requests = new ByteArrayOutputStream();
            int n = 0;
            for (int b = fromBlock; b < toBlock; b++) {
                long offset = (long) b * 16 * 1024;
                if (offset >= SIZE) {
                    break;
                }
                int piece = (int) (offset / PIECE_LENGTH);
                int begin = (int) (offset % PIECE_LENGTH);
                int pieceSize = piece == PIECES - 1 ? SIZE - piece * PIECE_LENGTH : PIECE_LENGTH;
                int len = Math.min(16 * 1024, pieceSize - begin);
                requests.writeBytes(RawPeer.request(piece, begin, len));
                n++;
            }
            peer.send(requests.toByteArray());
            for (int i = 0; i < n; i++) {
                RawPeer.Msg m = peer.readUntil(PIECE);
                int piece = m.intAt(0);
                int begin = m.intAt(4);
                int offset = piece * PIECE_LENGTH + begin;
                byte[] expected = java.util.Arrays.copyOfRange(data, offset, offset + m.payload().length - 8);
                assertArrayEquals(expected, java.util.Arrays.copyOfRange(m.payload(), 8, m.payload().length),
                        "block at " + offset);
            }
        }

        void downloadAllAndVerify() throws IOException {
            download(0, (SIZE + 16 * 1024 - 1) / (16 * 1024));
        }

        void assertNeverDisconnected() {
            for (Event.PeerDisconnected d : disconnects) {
                if (d.peer().equals(local)) {
                    fail("the honest peer was disconnected: " + d);
                }
            }
        }

        @Override
        public void close() throws IOException {
            peer.close();
        }
    }
}
