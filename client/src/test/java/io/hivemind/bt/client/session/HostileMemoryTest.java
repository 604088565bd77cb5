package io.hivemind.bt.client.session;

import static io.hivemind.bt.client.session.RawPeer.BITFIELD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.DisconnectReason;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HARDENING.md "Peers": heap growth under 200 hostile peers sending oversized messages stays under 50 MiB. Two hundred
 * attackers attach to a seeding session and start messages they never finish, in small writes: 80 the longest
 * extension message the decoder takes (64 KiB), 80 a 16 KiB block, 40 a 1 MiB message of an unknown id (which the old uniform 1 MiB
 * cap buffered: 200 MiB for 200 such peers; this test fails with it). While they hold their connections open, the session's heap
 * (after GC) plus Netty's direct memory grows by less than 50 MiB, the 1 MiB messages are refused at their header,
 * and an honest peer still downloads the torrent.
 */
class HostileMemoryTest {
    static final int PIECE_LENGTH = 64 * 1024;
    static final int SIZE = 4 * PIECE_LENGTH;

    @Test
    void twoHundredHostilePeersWithPartialMessages(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("seed/memory.bin");
        LoopbackSwarmTest.writeRandom(file, SIZE, 5);
        Metainfo mi = TorrentCreator.builder(file).version(TorrentVersion.V1).pieceLength(PIECE_LENGTH).build().create();
        byte[] infoHash = mi.infoHashes().v1();
        try (Session session = Session.builder().settings(LoopbackSwarmTest.settings()
                .connectionsLimit(500).maxConnectionsPerTorrent(500).build()).build()) {
            DefaultSession victim = (DefaultSession) session;
            TorrentHandle t = session.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("seed"))).get(10, TimeUnit.SECONDS);
            t.completion().get(30, TimeUnit.SECONDS);
            InetSocketAddress address = session.listenAddresses().get(0);
            long tooLongBefore = session.stats().disconnects().getOrDefault(DisconnectReason.MESSAGE_TOO_LONG, 0L);

            Memory before = Memory.measure();
            List<RawPeer> attackers = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    RawPeer a = RawPeer.connect(address);
                    attackers.add(a);
                    a.handshake(infoHash, RawPeer.peerId("-MM0001-" + i), true);
                    a.readUntil(BITFIELD);
                    int kind = i % 5;
                    if (kind < 2) {
                        dribble(a, header(64 * 1024, RawPeer.EXTENDED), 64 * 1024 - 1 - 100, 1000); // all but 100 bytes
                    } else if (kind < 4) {
                        dribble(a, header(9 + 16 * 1024, RawPeer.PIECE), 16 * 1024 - 100, 1000);
                    } else {
                        try { // refused at its header: the rest goes nowhere (or the write fails)
                            dribble(a, header(1 << 20, 77), (1 << 20) - 1024, 64 * 1024); // an unknown id
                        } catch (java.io.IOException e) {
                            // the session hung up
                        }
                    }
                }
                // every message is in (a probe round-trip per attacker would be slow: wait for the refusals instead)
                HostilePeerTest.awaitTrue(() -> session.stats().disconnects().getOrDefault(DisconnectReason.MESSAGE_TOO_LONG, 0L)
                        >= tooLongBefore + 40, Duration.ofSeconds(30), "the 1 MiB messages refused");
                int attached = t.peers().get(5, TimeUnit.SECONDS).size();
                assertEquals(160, attached, "the attackers holding partial messages are still connected");
                Memory during = Memory.measure();
                long growth = during.total() - before.total();
                System.out.printf("200 hostile peers (160 holding partial messages): heap %+.1f MiB, Netty direct %+.1f MiB "
                                + "(allocator %+.1f MiB), total %+.1f MiB; large-message budget in use: %s%n",
                        mib(during.heap - before.heap), mib(during.direct - before.direct),
                        mib(during.allocator - before.allocator), mib(growth), victim.messageBudget());
                assertTrue(growth < 50L << 20, "memory grew by " + mib(growth) + " MiB");

                try (HonestDownload honest = new HonestDownload(address, infoHash)) {
                    byte[] expected = Files.readAllBytes(file);
                    honest.downloadAndCheck(expected, PIECE_LENGTH);
                }
            } finally {
                for (RawPeer a : attackers) {
                    a.close();
                }
            }
        }
    }

    static byte[] header(int length, int id) {
        return ByteBuffer.allocate(5).putInt(length).put((byte) id).array();
    }

    /** Sends the header, then {@code bytes} of payload in writes of {@code chunkSize}. */
    static void dribble(RawPeer a, byte[] header, int bytes, int chunkSize) throws java.io.IOException {
        a.send(header);
        byte[] chunk = new byte[chunkSize];
        for (int sent = 0; sent < bytes; sent += chunk.length) {
            a.send(sent + chunk.length <= bytes ? chunk : java.util.Arrays.copyOf(chunk, bytes - sent));
        }
    }

    static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    /** Heap after GC, Netty's direct memory counter and the default allocator's own figure. */
    record Memory(long heap, long direct, long allocator) {
        static Memory measure() throws InterruptedException {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(50); // let the collector finish; not used for synchronisation
            }
            Runtime rt = Runtime.getRuntime();
            long heap = rt.totalMemory() - rt.freeMemory();
            long alloc = ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p
                    ? p.metric().usedDirectMemory() + p.metric().usedHeapMemory() : 0;
            alloc += PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
            long direct = PlatformDependent.usedDirectMemory(); // -1 when Netty does not count (then: the allocators)
            return new Memory(heap, direct < 0 ? alloc : direct, alloc);
        }

        /** Heap plus direct memory (the allocator's figure is part of the direct counter). */
        long total() {
            return heap + direct;
        }
    }

    /** An honest BEP 3 download on a raw socket, checked byte for byte. */
    static final class HonestDownload implements AutoCloseable {
        final RawPeer peer;

        HonestDownload(InetSocketAddress address, byte[] infoHash) throws java.io.IOException {
            peer = RawPeer.connect(address);
            peer.handshake(infoHash, RawPeer.peerId("-HN0001-"), false);
            peer.readUntil(BITFIELD);
            peer.message(RawPeer.INTERESTED, new byte[0]);
            peer.readUntil(RawPeer.UNCHOKE);
        }

        void downloadAndCheck(byte[] expected, int pieceLength) throws java.io.IOException {
            int blocks = expected.length / (16 * 1024);
            java.io.ByteArrayOutputStream reqs = new java.io.ByteArrayOutputStream();
            for (int b = 0; b < blocks; b++) {
                int offset = b * 16 * 1024;
                reqs.writeBytes(RawPeer.request(offset / pieceLength, offset % pieceLength, 16 * 1024));
            }
            peer.send(reqs.toByteArray());
            for (int b = 0; b < blocks; b++) {
                RawPeer.Msg m = peer.readUntil(RawPeer.PIECE);
                int offset = m.intAt(0) * pieceLength + m.intAt(4);
                assertTrue(java.util.Arrays.equals(expected, offset, offset + 16 * 1024, m.payload(), 8, m.payload().length),
                        "block at " + offset);
            }
        }

        @Override
        public void close() throws java.io.IOException {
            peer.close();
        }
    }
}
