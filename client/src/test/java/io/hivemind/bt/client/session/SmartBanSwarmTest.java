package io.hivemind.bt.client.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.DisconnectReason;
import io.hivemind.bt.client.Event;
import io.hivemind.bt.client.EventFilter;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionStats;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smart ban in a running swarm (issue 9): a downloader fetches a torrent from two honest hivebt seeders (rate-limited,
 * so the poisoner gets its share) and from our own malicious BEP 3 seeder that corrupts the blocks it sends. The
 * poisoner is banned ({@link Event.PeerBanned}, {@link DisconnectReason#BANNED}), no honest seeder is, the
 * download completes and is byte-exact, and the poisoner is not dialled again after its ban.
 */
class SmartBanSwarmTest {
    static final int SIZE = 2 * 1024 * 1024 + 777;

    /**
     * @param corruptEvery the poisoner corrupts one block in this many (1: all of them; 3: a sneakier poisoner whose
     *                     pieces still mix good and bad blocks)
     * @param pieceLength  64 KiB pieces (4 blocks: often fetched whole from one peer) or 256 KiB (16 blocks: shared)
     */
    @ParameterizedTest
    @CsvSource({"1, 65536", "3, 262144"})
    void poisonerIsBannedAndTheDownloadCompletes(int corruptEvery, int pieceLength, @TempDir Path tmp) throws Exception {
        run(corruptEvery, pieceLength, tmp);
    }

    /** The other two combinations, for the slow suite. */
    @ParameterizedTest
    @Tag("slow")
    @CsvSource({"3, 65536", "1, 262144"})
    void poisonerIsBannedAndTheDownloadCompletesMoreCases(int corruptEvery, int pieceLength, @TempDir Path tmp) throws Exception {
        run(corruptEvery, pieceLength, tmp);
    }

    void run(int corruptEvery, int pieceLength, Path tmp) throws Exception {
        Path file = tmp.resolve("seed/poison.bin");
        LoopbackSwarmTest.writeRandom(file, SIZE, 9);
        byte[] data = Files.readAllBytes(file);
        Metainfo mi = TorrentCreator.builder(file).version(TorrentVersion.V1).pieceLength(pieceLength).build().create();
        List<Session> sessions = new ArrayList<>();
        try (PoisonSeeder poisoner = new PoisonSeeder(mi.infoHashes().v1(), data, pieceLength, corruptEvery)) {
            List<InetSocketAddress> seeds = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Session s = Session.builder().settings(LoopbackSwarmTest.settings().build()).build();
                sessions.add(s);
                TorrentHandle h = s.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("seed")).limits(512 * 1024, 0))
                        .get(10, TimeUnit.SECONDS);
                h.completion().get(30, TimeUnit.SECONDS);
                seeds.add(s.listenAddresses().get(0));
            }
            Session downloader = Session.builder().settings(LoopbackSwarmTest.settings().build()).build();
            sessions.add(downloader);
            List<Event.PeerBanned> bans = new CopyOnWriteArrayList<>();
            downloader.events().subscribe(EventFilter.all(), e -> {
                if (e instanceof Event.PeerBanned b) {
                    bans.add(b);
                }
            });
            List<InetSocketAddress> peers = new ArrayList<>(seeds);
            peers.add(poisoner.address());
            TorrentHandle dl = downloader.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("dl")).peers(peers))
                    .get(10, TimeUnit.SECONDS);
            dl.completion().get(60, TimeUnit.SECONDS);

            assertArrayEquals(data, Files.readAllBytes(tmp.resolve("dl/poison.bin")), "the download is byte-exact");
            SessionStats stats = downloader.stats();
            assertTrue(poisoner.blocksSent.get() > 0, "the poisoner took part: " + poisoner.connections.get() + " connections, "
                    + poisoner.plaintext.get() + " in plaintext; " + stats);
            assertTrue(stats.hashFailures() >= 1, "some piece failed: " + stats);
            assertTrue(bans.stream().anyMatch(b -> b.peer().equals(poisoner.address())), "poisoner banned: " + bans);
            for (Event.PeerBanned b : bans) {
                assertTrue(!seeds.contains(b.peer()), "an honest seeder was banned: " + b);
            }
            assertTrue(stats.disconnects().getOrDefault(DisconnectReason.BANNED, 0L) >= 1, "BANNED counted: " + stats);
            int connections = poisoner.connections.get();
            // banned: never dialled again (a new torrent-level dial would show up as another connection)
            dl.connectPeer(poisoner.address()).get(5, TimeUnit.SECONDS);
            dl.reannounce().get(5, TimeUnit.SECONDS);
            assertEquals(connections, poisoner.connections.get(), "the banned poisoner was dialled again");
            System.out.printf("smart ban (corrupt 1 in %d, pieces of %d KiB): %d hash failures, %d blocks from the poisoner (%d corrupt), bans %s%n",
                    corruptEvery, pieceLength / 1024, stats.hashFailures(), poisoner.blocksSent.get(), poisoner.corruptSent.get(), bans);
        } finally {
            for (Session s : sessions) {
                s.close();
            }
        }
    }

    /**
     * A plain BEP 3 seeder on a blocking socket that serves every piece but flips bits in some blocks. It speaks
     * plaintext only: an MSE handshake makes it hang up, so the session redials it in plaintext.
     */
    static final class PoisonSeeder implements Closeable {
        final ServerSocket server;
        final byte[] infoHash;
        final byte[] data;
        final int corruptEvery;
        final int pieceLength;
        final AtomicInteger connections = new AtomicInteger();
        final AtomicLong blocksSent = new AtomicLong();
        final AtomicLong corruptSent = new AtomicLong();
        final AtomicInteger plaintext = new AtomicInteger();
        final List<Socket> open = new CopyOnWriteArrayList<>();
        final byte[] peerId = RawPeer.peerId("-EV0001-");

        PoisonSeeder(byte[] infoHash, byte[] data, int pieceLength, int corruptEvery) throws IOException {
            this.pieceLength = pieceLength;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.infoHash = infoHash;
            this.data = data;
            this.corruptEvery = corruptEvery;
            Thread.ofVirtual().name("poison-accept").start(this::acceptLoop);
        }

        InetSocketAddress address() {
            return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    open.add(s);
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (RawPeer p = RawPeer.of(s)) {
                byte[] theirs = new byte[68];
                java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
                in.readFully(theirs, 0, 20);
                if (!Arrays.equals(Arrays.copyOf(theirs, 20), RawPeer.PROTOCOL)) {
                    return; // MSE: hang up, like a plaintext-only client
                }
                in.readFully(theirs, 20, 48);
                plaintext.incrementAndGet();
                p.sendHandshake(infoHash, peerId, false);
                int pieces = (data.length + pieceLength - 1) / pieceLength;
                byte[] bits = new byte[(pieces + 7) / 8];
                for (int i = 0; i < pieces; i++) {
                    bits[i >>> 3] |= (byte) (0x80 >>> (i & 7));
                }
                p.message(RawPeer.BITFIELD, bits);
                p.message(RawPeer.UNCHOKE, new byte[0]);
                while (true) {
                    RawPeer.Msg m = p.read();
                    if (m.id() != RawPeer.REQUEST) {
                        continue;
                    }
                    int piece = m.intAt(0);
                    int begin = m.intAt(4);
                    int length = m.intAt(8);
                    int offset = piece * pieceLength + begin;
                    byte[] block = Arrays.copyOfRange(data, offset, offset + length);
                    long n = blocksSent.incrementAndGet();
                    if (n % corruptEvery == 0) {
                        block[length / 2] ^= 0x5a;
                        corruptSent.incrementAndGet();
                    }
                    p.send(RawPeer.piece(piece, begin, block));
                }
            } catch (IOException e) {
                // closed by the session (banned) or by close()
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
