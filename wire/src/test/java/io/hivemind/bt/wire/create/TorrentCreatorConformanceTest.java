package io.hivemind.bt.wire.create;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import io.hivemind.bt.wire.testing.Libtorrent;
import io.hivemind.bt.wire.testing.Mktorrent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conformance of {@link TorrentCreator} with the reference programs, run for real: for the same files and piece
 * size, the v1 and v2 info-hashes equal what libtorrent 2.0's {@code create_torrent} computes (BEP 3, BEP 52 with
 * BEP 47 pad files for hybrid torrents), the v1 info-hash equals mktorrent's, libtorrent accepts our files and we
 * accept theirs with the same info-hashes. Cases: single files of 1 byte, piece length ± 1 and odd sizes, a
 * multi-file tree with nested directories, empty files and names that sort differently per rule, a directory of
 * one file, an empty last file, files spanning several hashing chunks and pieces larger than the read buffer; each
 * as v1, v2 and hybrid.
 */
class TorrentCreatorConformanceTest {

    @TempDir
    Path tmp;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        List<String> small = List.of("single-1", "single-pl-1", "single-pl", "single-pl+1", "single-odd", "multi",
                "one-in-dir", "last-empty");
        for (TorrentVersion kind : TorrentVersion.values()) {
            for (String fixture : small) {
                out.add(Arguments.of(fixture, kind, 16 * 1024L));
                out.add(Arguments.of(fixture, kind, 64 * 1024L));
            }
            out.add(Arguments.of("big", kind, 16 * 1024L));
            out.add(Arguments.of("big", kind, 8L << 20)); // pieces larger than the 1 MiB read buffer
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void infoHashesEqualLibtorrentAndMktorrent(String fixture, TorrentVersion kind, long pieceLength) throws IOException {
        Path src = TestTrees.fixture(fixture, tmp.resolve("src"), pieceLength);
        Metainfo ours = TorrentCreator.builder(src).version(kind).pieceLength(pieceLength).threads(3)
                .creationDate(-1).build().create();

        Path ltFile = tmp.resolve("lt.torrent");
        Libtorrent.Description lt = Libtorrent.create(src, pieceLength, kind.name().toLowerCase(Locale.ROOT), ltFile);
        if (kind.hasV1()) {
            assertEquals(lt.v1(), ours.infoHashes().v1Hex(), "v1 info-hash against libtorrent");
        }
        if (kind.hasV2()) {
            assertEquals(lt.v2(), ours.infoHashes().v2Hex(), "v2 info-hash against libtorrent");
        }
        // we accept libtorrent's file with the same identity, and libtorrent accepts ours
        assertEquals(ours.infoHashes(), Metainfo.parse(Files.readAllBytes(ltFile)).infoHashes());
        Path ourFile = tmp.resolve("ours.torrent");
        Files.write(ourFile, ours.encode());
        Libtorrent.Description back = Libtorrent.inspect(ourFile);
        assertEquals(lt.v1(), back.v1());
        assertEquals(lt.v2(), back.v2());

        if (kind == TorrentVersion.V1 && pieceLength >= 32 * 1024) { // mktorrent takes 2^15..2^28
            Path mkFile = tmp.resolve("mk.torrent");
            Mktorrent.create(src, pieceLength, mkFile);
            Metainfo mk = Metainfo.parse(Files.readAllBytes(mkFile));
            assertEquals(mk.infoHashes().v1Hex(), ours.infoHashes().v1Hex(), "v1 info-hash against mktorrent");
        }
    }
}
