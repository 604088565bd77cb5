package io.hivemind.bt.client.session;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.EventFilter;
import io.hivemind.bt.client.Event;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import java.nio.file.Files;
import java.nio.file.Path;

public class DebugLt {
    public static void main(String[] a) throws Exception {
        Path tmp = Files.createTempDirectory("dlt");
        Path src = tmp.resolve("src/set");
        LoopbackSwarmTest.writeRandom(src.resolve("model.bin"), 5 * 1024 * 1024 + 777, 11);
        LoopbackSwarmTest.writeRandom(src.resolve("docs/readme.txt"), 30_000, 12);
        Metainfo mi = TorrentCreator.builder(src).version(TorrentVersion.valueOf(a[0])).pieceLength(256 * 1024).build().create();
        Path t = tmp.resolve("x.torrent");
        Files.write(t, mi.encode());
        try (Session seeder = Session.builder().settings(LoopbackSwarmTest.settings().build()).build()) {
            seeder.events().subscribe(EventFilter.of(Event.Category.PEER, Event.Category.ERROR), e -> System.out.println("S " + e));
            TorrentHandle h = seeder.add(io.hivemind.bt.client.AddTorrent.metainfo(mi).saveTo(src.getParent())).get();
            h.completion().get();
            Process p = new ProcessBuilder("/usr/bin/python3", "client/src/test/resources/io/hivemind/bt/client/interop/lt_node.py",
                    t.toString(), tmp.resolve("ltdl").toString(), "0", "25", "127.0.0.1:" + seeder.listenAddresses().get(0).getPort())
                    .inheritIO().start();
            p.waitFor();
        }
    }
}
