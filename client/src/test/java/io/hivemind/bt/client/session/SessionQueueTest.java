package io.hivemind.bt.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.Event;
import io.hivemind.bt.client.EventFilter;
import io.hivemind.bt.client.EventStream;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.client.TorrentState;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.InfoHashes;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Priority queuing: active_downloads, queue order, and the share-ratio limit. */
class SessionQueueTest {

    private static List<Event.StateChanged> drain(EventStream.Subscription sub) throws InterruptedException {
        List<Event.StateChanged> out = new ArrayList<>();
        Event e;
        while ((e = sub.poll(0, TimeUnit.MILLISECONDS)) != null) {
            if (e instanceof Event.StateChanged sc) {
                out.add(sc);
            }
        }
        return out;
    }

    private static int indexOf(List<Event.StateChanged> events, InfoHashes ih, TorrentState to) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).infoHashes().equals(ih) && events.get(i).to() == to) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void oneActiveDownloadAtATimeInQueueOrder(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("seed");
        LoopbackSwarmTest.writeRandom(data.resolve("a.bin"), 2_000_000, 1);
        LoopbackSwarmTest.writeRandom(data.resolve("b.bin"), 2_000_000, 2);
        Metainfo a = TorrentCreator.builder(data.resolve("a.bin")).pieceLength(64 * 1024).build().create();
        Metainfo b = TorrentCreator.builder(data.resolve("b.bin")).pieceLength(64 * 1024).build().create();
        try (Session seeder = Session.builder().settings(LoopbackSwarmTest.settings().build()).build();
             Session dl = Session.builder().settings(LoopbackSwarmTest.settings().activeDownloads(1).build()).build()) {
            seeder.add(AddTorrent.metainfo(a).saveTo(data)).get(10, TimeUnit.SECONDS).completion().get(30, TimeUnit.SECONDS);
            seeder.add(AddTorrent.metainfo(b).saveTo(data)).get(10, TimeUnit.SECONDS).completion().get(30, TimeUnit.SECONDS);
            List<InetSocketAddress> peer = seeder.listenAddresses();
            EventStream.Subscription sub = dl.events().subscribe(EventFilter.of(Event.Category.TORRENT));
            TorrentHandle ha = dl.add(AddTorrent.metainfo(a).saveTo(tmp.resolve("dl")).peers(peer)).get(10, TimeUnit.SECONDS);
            TorrentHandle hb = dl.add(AddTorrent.metainfo(b).saveTo(tmp.resolve("dl")).peers(peer)).get(10, TimeUnit.SECONDS);
            ha.completion().get(60, TimeUnit.SECONDS);
            hb.completion().get(60, TimeUnit.SECONDS);
            List<Event.StateChanged> events = drain(sub);
            int aDownloading = indexOf(events, a.infoHashes(), TorrentState.DOWNLOADING);
            int aSeeding = indexOf(events, a.infoHashes(), TorrentState.SEEDING);
            int bDownloading = indexOf(events, b.infoHashes(), TorrentState.DOWNLOADING);
            assertTrue(aDownloading >= 0 && aSeeding > aDownloading, events.toString());
            assertTrue(bDownloading > aSeeding, "b started before a finished: " + events);
            assertEquals(0, ha.status().queuePosition());
            assertEquals(1, hb.status().queuePosition());
        }
    }

    @Test
    void seedPausesAtItsShareRatio(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("seed");
        LoopbackSwarmTest.writeRandom(data.resolve("a.bin"), 1_500_000, 3);
        Metainfo a = TorrentCreator.builder(data.resolve("a.bin")).pieceLength(64 * 1024).build().create();
        try (Session seeder = Session.builder().settings(LoopbackSwarmTest.settings().shareRatioLimit(1.0).build()).build();
             Session dl = Session.builder().settings(LoopbackSwarmTest.settings().build()).build()) {
            TorrentHandle s = seeder.add(AddTorrent.metainfo(a).saveTo(data)).get(10, TimeUnit.SECONDS);
            s.completion().get(30, TimeUnit.SECONDS);
            TorrentHandle d = dl.add(AddTorrent.metainfo(a).saveTo(tmp.resolve("dl")).peers(seeder.listenAddresses()))
                    .get(10, TimeUnit.SECONDS);
            d.completion().get(60, TimeUnit.SECONDS);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (s.status().state() != TorrentState.PAUSED && System.nanoTime() < end) {
                Thread.sleep(50); // polling a status snapshot; bounded
            }
            assertEquals(TorrentState.PAUSED, s.status().state(), "uploaded " + s.status().totalUploaded());
            assertTrue(s.status().totalUploaded() >= 1_500_000);
        }
    }
}
