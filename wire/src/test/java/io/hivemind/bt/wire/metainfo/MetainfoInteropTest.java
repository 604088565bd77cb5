package io.hivemind.bt.wire.metainfo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.internal.Hex;
import io.hivemind.bt.wire.testing.Libtorrent;
import io.hivemind.bt.wire.testing.Mktorrent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our parser reads torrents made by libtorrent 2.0 and mktorrent 1.1 exactly as libtorrent reads them: name, piece
 * length and count, every file's path, size and piece-space offset (pad files included), pieces roots, info-hashes
 * (BEP 3, BEP 52), BEP 12 tracker tiers, BEP 19 web seeds, BEP 27 private flag, comment, creator and date.
 */
class MetainfoInteropTest {

    @TempDir
    Path tmp;

    private Path tree() throws IOException {
        Path root = tmp.resolve("data");
        write(root.resolve("a/b.bin"), 70_000);
        write(root.resolve("a-c"), 40_000);
        write(root.resolve("empty"), 0);
        write(root.resolve("sub/deep/z.txt"), 3);
        write(root.resolve("sub/x"), 100_000);
        return root;
    }

    private static void write(Path p, int size) throws IOException {
        Files.createDirectories(p.getParent());
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        Files.write(p, b);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"v1", "v2", "hybrid"})
    void agreesWithLibtorrentOnTorrentsLibtorrentMade(String kind) throws IOException {
        Path out = tmp.resolve(kind + ".torrent");
        Libtorrent.Description lt = Libtorrent.create(tree(), 32 * 1024, kind, out,
                "tracker=http://t1.example/announce@0", "tracker=udp://t2.example:6969/announce@0",
                "tracker=http://t3.example/announce@1", "webseed=http://seed.example/files/",
                "comment=made by libtorrent", "creator=lt-test", "private=1", "date=1700000000");
        assertAgrees(lt, Metainfo.parse(Files.readAllBytes(out)));
    }

    @Test
    void agreesWithLibtorrentOnSingleFileTorrents() throws IOException {
        Path file = tmp.resolve("single.bin");
        write(file, 100_001);
        for (String kind : List.of("v1", "v2", "hybrid")) {
            Path out = tmp.resolve("single-" + kind + ".torrent");
            Libtorrent.Description lt = Libtorrent.create(file, 16 * 1024, kind, out);
            Metainfo m = Metainfo.parse(Files.readAllBytes(out));
            assertTrue(m.info().isSingleFile(), kind);
            assertAgrees(lt, m);
        }
    }

    @Test
    void agreesWithLibtorrentOnTorrentsMktorrentMade() throws IOException {
        Path out = tmp.resolve("mk.torrent");
        Mktorrent.create(tree(), 32 * 1024, out, "-a", "http://t1.example/announce,udp://t2.example:6969/announce",
                "-a", "http://t3.example/announce", "-w", "http://seed.example/files/", "-c", "made by mktorrent",
                "-p");
        Metainfo m = Metainfo.parse(Files.readAllBytes(out));
        assertAgrees(Libtorrent.inspect(out), m);
        assertEquals("mktorrent 1.1", m.createdBy());
        assertEquals(List.of(List.of("http://t1.example/announce", "udp://t2.example:6969/announce"),
                List.of("http://t3.example/announce")), m.announceTiers());
    }

    /** Every field libtorrent reports equals ours. */
    private static void assertAgrees(Libtorrent.Description lt, Metainfo m) {
        InfoDictionary info = m.info();
        assertEquals(lt.v1(), m.infoHashes().hasV1() ? m.infoHashes().v1Hex() : null, "v1 info-hash");
        assertEquals(lt.v2(), m.infoHashes().hasV2() ? m.infoHashes().v2Hex() : null, "v2 info-hash");
        assertEquals(lt.name(), info.name(), "name");
        assertEquals(lt.pieceLength(), info.pieceLength(), "piece length");
        assertEquals(lt.numPieces(), info.pieceCount(), "piece count");
        assertEquals(lt.isPrivate(), info.isPrivate(), "private");
        assertEquals(lt.comment(), m.comment() == null ? "" : m.comment(), "comment");
        assertEquals(lt.creator(), m.createdBy() == null ? "" : m.createdBy(), "created by");
        assertEquals(lt.creationDate(), Math.max(0, m.creationDate()), "creation date");
        List<Libtorrent.Tracker> tiers = new ArrayList<>();
        for (int t = 0; t < m.announceTiers().size(); t++) {
            for (String url : m.announceTiers().get(t)) {
                tiers.add(new Libtorrent.Tracker(url, t));
            }
        }
        // BEP 12: clients shuffle each tier when they load it (libtorrent does); we keep the file's order
        assertEquals(new java.util.HashSet<>(lt.trackers()), new java.util.HashSet<>(tiers), "trackers and tiers");
        assertEquals(lt.trackers().size(), tiers.size(), "tracker count");
        assertEquals(lt.webSeeds(), m.urlList(), "web seeds");

        // libtorrent lists v2 alignment gaps as pad files; we model them as gaps (FileEntry), so compare the data
        // files everywhere and the pad files where they are part of the torrent (v1 list)
        boolean v2Only = !m.infoHashes().hasV1();
        List<Libtorrent.LtFile> ltFiles = lt.files().stream().filter(f -> !(v2Only && f.pad())).toList();
        assertEquals(ltFiles.size(), info.files().size(), "file count");
        long data = 0;
        for (int i = 0; i < ltFiles.size(); i++) {
            Libtorrent.LtFile a = ltFiles.get(i);
            FileEntry b = info.files().get(i);
            String ourPath = info.isSingleFile() ? b.pathString() : info.name() + "/" + b.pathString();
            if (!b.isPad()) {
                assertEquals(a.path(), ourPath, "path of file " + i);
                data += b.length();
            }
            assertEquals(a.pad(), b.isPad(), "pad flag of " + ourPath);
            assertEquals(a.size(), b.length(), "size of " + ourPath);
            assertEquals(a.offset(), b.offset(), "offset of " + ourPath);
            if (m.infoHashes().hasV2() && !b.isPad() && b.length() > 0) {
                assertArrayEquals(Hex.decode(a.root()), b.piecesRoot(), "pieces root of " + ourPath);
                if (b.length() > info.pieceLength()) {
                    assertNotNull(m.pieceLayer(b.piecesRoot()), "piece layer of " + ourPath);
                }
            } else {
                assertNull(b.piecesRoot(), "no pieces root for " + ourPath);
            }
        }
        assertEquals(data, info.totalLength(), "total data length");
        if (m.infoHashes().hasV2()) {
            assertTrue(m.hasAllPieceLayers());
        }
    }
}
