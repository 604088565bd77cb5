package io.hivemind.bt.client.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.client.TorrentState;
import io.hivemind.bt.client.TorrentStatus;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** hivebt ↔ hivebt on loopback: one seeder, several downloaders, every copy verified byte for byte (BEP 3). */
class LoopbackSwarmTest {

    static SessionSettings.Builder settings() {
        return SessionSettings.builder().listen("127.0.0.1:0").dht(false).lsd(false).pex(false).networkThreads(2);
    }

    static void writeRandom(Path file, long size, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        SplittableRandom r = new SplittableRandom(seed);
        byte[] buf = new byte[64 * 1024];
        try (var out = Files.newOutputStream(file)) {
            long left = size;
            while (left > 0) {
                for (int i = 0; i < buf.length; i += 8) {
                    long v = r.nextLong();
                    for (int j = 0; j < 8 && i + j < buf.length; j++) {
                        buf[i + j] = (byte) (v >>> (8 * j));
                    }
                }
                int n = (int) Math.min(left, buf.length);
                out.write(buf, 0, n);
                left -= n;
            }
        }
    }

    /** The same swarm over each network transport (issue 5: the same tests pass on io_uring, epoll and NIO). */
    @ParameterizedTest
    @EnumSource(value = SessionSettings.TransportKind.class, names = {"IO_URING", "EPOLL", "NIO"})
    void everyTransportCarriesTheSwarm(SessionSettings.TransportKind transport, @TempDir Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.hivemind.bt.client.net.Transport.isAvailable(transport),
                transport + " is not available on this kernel");
        Path data = tmp.resolve("seed");
        writeRandom(data.resolve("x.bin"), 2 * 1024 * 1024 + 99, 5);
        Metainfo mi = TorrentCreator.builder(data.resolve("x.bin")).pieceLength(64 * 1024).build().create();
        SessionSettings s = settings().transport(transport).build();
        try (Session seeder = Session.builder().settings(s).build(); Session dl = Session.builder().settings(s).build()) {
            assertEquals(transport.name().toLowerCase(java.util.Locale.ROOT).replace("_", "_"), seeder.stats().transport());
            seeder.add(AddTorrent.metainfo(mi).saveTo(data)).get(10, TimeUnit.SECONDS).completion().get(30, TimeUnit.SECONDS);
            TorrentHandle h = dl.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("dl")).peers(seeder.listenAddresses()))
                    .get(10, TimeUnit.SECONDS);
            h.completion().get(60, TimeUnit.SECONDS);
            assertArrayEquals(Files.readAllBytes(data.resolve("x.bin")), Files.readAllBytes(tmp.resolve("dl/x.bin")));
        }
    }

    @ParameterizedTest
    @EnumSource(TorrentVersion.class)
    void oneSeederFiveDownloaders(TorrentVersion version, @TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("seed");
        writeRandom(data.resolve("set/a.bin"), 3 * 1024 * 1024 + 12345, 1);
        writeRandom(data.resolve("set/sub/b.bin"), 700_000, 2);
        writeRandom(data.resolve("set/c.bin"), 1, 3);
        Metainfo mi = TorrentCreator.builder(data.resolve("set")).version(version).pieceLength(64 * 1024).build().create();
        try (Session seeder = Session.builder().settings(settings().build()).build()) {
            TorrentHandle seed = seeder.add(AddTorrent.metainfo(mi).saveTo(data)).get(10, TimeUnit.SECONDS);
            seed.completion().get(30, TimeUnit.SECONDS);
            assertEquals(TorrentState.SEEDING, seed.status().state());
            InetSocketAddress seedAddr = seeder.listenAddresses().get(0);
            List<Session> downloaders = new ArrayList<>();
            List<TorrentHandle> handles = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    Session s = Session.builder().settings(settings().build()).build();
                    downloaders.add(s);
                    handles.add(s.add(AddTorrent.metainfo(mi).saveTo(tmp.resolve("dl" + i)).peers(List.of(seedAddr)))
                            .get(10, TimeUnit.SECONDS));
                }
                for (TorrentHandle h : handles) {
                    h.completion().get(60, TimeUnit.SECONDS);
                    TorrentStatus st = h.status();
                    assertEquals(TorrentState.SEEDING, st.state());
                    assertEquals(1.0, st.progress(), 1e-9);
                }
                for (int i = 0; i < 5; i++) {
                    for (String f : List.of("set/a.bin", "set/sub/b.bin", "set/c.bin")) {
                        assertArrayEquals(Files.readAllBytes(data.resolve(f)), Files.readAllBytes(tmp.resolve("dl" + i).resolve(f)),
                                "copy " + i + " of " + f);
                    }
                }
                assertTrue(seeder.stats().totalUploaded() > 0);
            } finally {
                for (Session s : downloaders) {
                    s.close();
                }
            }
        }
    }
}
