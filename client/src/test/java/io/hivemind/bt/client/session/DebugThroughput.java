package io.hivemind.bt.client.session;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

public class DebugThroughput {
    public static void main(String[] a) throws Exception {
        long size = Long.parseLong(a[0]) << 20;
        Path tmp = Files.createTempDirectory("thr");
        Path data = tmp.resolve("seed");
        LoopbackSwarmTest.writeRandom(data.resolve("big.bin"), size, 1);
        Metainfo mi = TorrentCreator.builder(data.resolve("big.bin")).pieceLength(1 << 20).build().create();
        try (Session seeder = Session.builder().settings(LoopbackSwarmTest.settings().build()).build();
             Session dl = Session.builder().settings(LoopbackSwarmTest.settings().build()).build()) {
            TorrentHandle seed = seeder.add(AddTorrent.metainfo(mi).saveTo(data).seedMode(true)).get();
            seed.completion().get();
            long t0 = System.nanoTime();
            TorrentHandle h = dl.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("dl")).peers(List.of(seeder.listenAddresses().get(0)))).get();
            while (!h.completion().isDone()) {
                Thread.sleep(500);
                var s = h.status();
                System.out.printf("%.1f%% %d MB/s%n", s.progress() * 100, s.downloadRate() >> 20);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%d MiB in %.2f s = %.1f MB/s%n", size >> 20, secs, size / secs / 1e6);
        }
    }
}
