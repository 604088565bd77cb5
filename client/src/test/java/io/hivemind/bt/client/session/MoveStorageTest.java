package io.hivemind.bt.client.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.client.TorrentState;
import io.hivemind.bt.client.TorrentStatus;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code TorrentHandle.moveStorage} and {@code setQueuePosition} on the real session: a seeding torrent's files move
 * and it seeds on from the new place (resume data trusted); pointed without data at an empty directory it finds
 * nothing (a full recheck), pointed at a copy it finds everything; a second peer downloads from the moved data.
 */
class MoveStorageTest {

    private static TorrentStatus await(TorrentHandle h, Predicate<TorrentStatus> p, String what) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        TorrentStatus s = h.status();
        while (!p.test(s)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what + ": " + s);
            }
            Thread.sleep(20); // polling a status snapshot with a bounded deadline
            s = h.status();
        }
        return s;
    }

    @Test
    void moveWithDataThenRepointWithoutData(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("a");
        LoopbackSwarmTest.writeRandom(data.resolve("set/x.bin"), 700_000, 1);
        LoopbackSwarmTest.writeRandom(data.resolve("set/y/z.bin"), 90_000, 2);
        Metainfo mi = TorrentCreator.builder(data.resolve("set")).pieceLength(32 * 1024).threads(1).build().create();
        byte[] x = Files.readAllBytes(data.resolve("set/x.bin"));
        try (Session s = Session.builder().settings(LoopbackSwarmTest.settings().stateDirectory(tmp.resolve("state"))
                .build()).build();
             Session peer = Session.builder().settings(LoopbackSwarmTest.settings().build()).build()) {
            TorrentHandle h = s.add(AddTorrent.metainfo(mi).saveTo(data)).get(10, TimeUnit.SECONDS);
            h.completion().get(30, TimeUnit.SECONDS);

            Path b = tmp.resolve("b");
            h.moveStorage(b, true).get(30, TimeUnit.SECONDS);
            TorrentStatus st = await(h, t -> t.state() == TorrentState.SEEDING, "seeding after the move");
            assertEquals(b.toString(), st.savePath());
            assertArrayEquals(x, Files.readAllBytes(b.resolve("set/x.bin")));
            assertFalse(Files.exists(data.resolve("set")));

            // without data, at an empty place: a full recheck finds nothing
            Path empty = tmp.resolve("empty");
            Files.createDirectories(empty);
            h.moveStorage(empty, false).get(30, TimeUnit.SECONDS);
            st = await(h, t -> t.state() != TorrentState.CHECKING, "the recheck at the empty place");
            assertEquals(0, st.piecesHave(), st.toString());
            assertEquals(TorrentState.DOWNLOADING, st.state());
            assertArrayEquals(x, Files.readAllBytes(b.resolve("set/x.bin")), "the data was not touched");

            // without data, back where the data is: everything is there again
            h.moveStorage(b, false).get(30, TimeUnit.SECONDS);
            st = await(h, t -> t.state() == TorrentState.SEEDING, "seeding after pointing at the data");
            assertEquals(1.0, st.progress());

            // and a peer downloads it from there
            TorrentHandle p = peer.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("peer"))
                    .peers(java.util.List.of(s.listenAddresses().get(0)))).get(10, TimeUnit.SECONDS);
            p.completion().get(60, TimeUnit.SECONDS);
            assertArrayEquals(x, Files.readAllBytes(tmp.resolve("peer/set/x.bin")));

            // queue positions: the order torrents were added in, changed by setQueuePosition
            Path one = tmp.resolve("one.bin");
            LoopbackSwarmTest.writeRandom(one, 20_000, 3);
            Metainfo m2 = TorrentCreator.builder(one).threads(1).build().create();
            TorrentHandle h2 = s.add(AddTorrent.metainfo(m2).saveTo(tmp)).get(10, TimeUnit.SECONDS);
            assertEquals(0, h.status().queuePosition());
            assertEquals(1, h2.status().queuePosition());
            h2.setQueuePosition(0).get(10, TimeUnit.SECONDS);
            assertEquals(1, h.status().queuePosition());
            assertEquals(0, h2.status().queuePosition());
            s.remove(h2.infoHashes(), false).get(10, TimeUnit.SECONDS);
            assertEquals(0, h.status().queuePosition());
        }
    }
}
