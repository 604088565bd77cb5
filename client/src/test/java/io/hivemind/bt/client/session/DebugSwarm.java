package io.hivemind.bt.client.session;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.EventFilter;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

public class DebugSwarm {
    public static void main(String[] a) throws Exception {
        Path tmp = Files.createTempDirectory("dbg");
        Path data = tmp.resolve("seed");
        LoopbackSwarmTest.writeRandom(data.resolve("set/a.bin"), 3 * 1024 * 1024 + 12345, 1);
        Metainfo mi = TorrentCreator.builder(data.resolve("set/a.bin")).pieceLength(64 * 1024).build().create();
        try (Session seeder = Session.builder().settings(LoopbackSwarmTest.settings().build()).build();
             Session dl = Session.builder().settings(LoopbackSwarmTest.settings().build()).build()) {
            seeder.events().subscribe(EventFilter.all(), e -> System.out.println("S " + e));
            dl.events().subscribe(EventFilter.all(), e -> System.out.println("D " + e));
            TorrentHandle seed = seeder.add(AddTorrent.metainfo(mi).saveTo(data.resolve("set"))).get();
            seed.completion().get();
            TorrentHandle h = dl.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("dl")).peers(List.of(seeder.listenAddresses().get(0)))).get();
            for (int i = 0; i < 8 && !h.completion().isDone(); i++) {
                Thread.sleep(1000);
                System.out.println(h.status());
                System.out.println(h.peers().get());
                System.out.println(seed.peers().get());
            }
        }
    }
}
