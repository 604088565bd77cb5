package io.hivemind.bt.wire.metainfo;

import static io.hivemind.bt.wire.metainfo.TorrentBuilder.d;
import static io.hivemind.bt.wire.metainfo.TorrentBuilder.f;
import static io.hivemind.bt.wire.metainfo.TorrentBuilder.l;
import static io.hivemind.bt.wire.metainfo.TorrentBuilder.torrent;
import static io.hivemind.bt.wire.metainfo.TorrentBuilder.with;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BencodeLimits;
import io.hivemind.bt.wire.metainfo.MetainfoException.Reason;
import io.hivemind.bt.wire.metainfo.TorrentBuilder.F;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing, validation and writing of metainfo files (BEP 3, BEP 12, BEP 19, BEP 27, BEP 47, BEP 52). */
class MetainfoTest {
    private static final long PL = 16 * 1024;

    private static Metainfo parse(BDict torrent) {
        return Metainfo.parse(torrent.encode());
    }

    private static Reason reasonOf(byte[] torrent) {
        return assertThrows(MetainfoException.class, () -> Metainfo.parse(torrent)).reason();
    }

    private static byte[] sha1(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-1").digest(b);
    }

    /** BEP 3 single-file: the file is named by the torrent's name; one piece per piece length, the last shorter. */
    @Test
    void v1SingleFile() throws Exception {
        BDict info = TorrentBuilder.v1Single("movie.mkv", PL, 40_000);
        Metainfo m = parse(torrent(info));
        InfoDictionary i = m.info();
        assertEquals(TorrentVersion.V1, i.version());
        assertTrue(i.isSingleFile());
        assertEquals("movie.mkv", i.name());
        assertEquals(List.of("movie.mkv"), i.files().getFirst().path());
        assertEquals(3, i.pieceCount());
        assertEquals(PL, i.pieceSize(0));
        assertEquals(40_000 - 2 * PL, i.pieceSize(2));
        assertArrayEquals(sha1(info.encode()), m.infoHashes().v1());
        assertFalse(m.infoHashes().hasV2());
        assertArrayEquals(Arrays.copyOfRange(info.getBytes("pieces").bytes(), 20, 40), i.v1PieceHash(1));
        assertEquals(List.of(List.of("http://tracker.example/announce")), m.announceTiers());
    }

    /** BEP 3 multi-file: files back to back in the piece space; offsets, piece mapping and lengths. */
    @Test
    void v1MultiFile() {
        F[] files = {f(10, "a", "one"), f(0, "empty"), f(PL + 5, "two")};
        Metainfo m = parse(torrent(TorrentBuilder.v1Info("dir", PL, files)));
        InfoDictionary i = m.info();
        assertFalse(i.isSingleFile());
        assertEquals("dir", i.name());
        assertEquals(3, i.files().size());
        assertEquals(List.of("a", "one"), i.files().get(0).path());
        assertEquals(10, i.files().get(1).offset());
        assertEquals(10, i.files().get(2).offset());
        assertEquals(PL + 15, i.totalLength());
        assertEquals(2, i.pieceCount());
        assertEquals(2, i.fileIndexAt(10));
        assertEquals(0, i.fileIndexAt(9));
        assertEquals(15, i.pieceSize(1));
    }

    /** BEP 52: files start on piece boundaries; pieces never span files; layers and roots are checked. */
    @Test
    void v2Torrent() {
        F[] files = {f(40_000, "big"), f(7, "dir", "small"), f(0, "empty")};
        Metainfo m = parse(torrent(TorrentBuilder.v2Info("name", PL, files), files));
        InfoDictionary i = m.info();
        assertEquals(TorrentVersion.V2, i.version());
        assertFalse(m.infoHashes().hasV1());
        assertEquals(List.of("big"), i.files().get(0).path());
        assertEquals(List.of("dir", "small"), i.files().get(1).path());
        assertEquals(3 * PL, i.files().get(1).offset());
        assertEquals(4, i.pieceCount());
        assertEquals(40_000 - 2 * PL, i.pieceSize(2));
        assertEquals(7, i.pieceSize(3));
        assertEquals(1, i.pieceFileIndex(3));
        assertArrayEquals(TorrentBuilder.zeroRoot(7), i.files().get(1).piecesRoot());
        assertNull(i.files().get(2).piecesRoot());
        assertTrue(m.hasAllPieceLayers());
        byte[] layer = TorrentBuilder.zeroLayer(40_000, PL);
        assertArrayEquals(layer, m.pieceLayer(TorrentBuilder.zeroRoot(40_000)));
        assertArrayEquals(Arrays.copyOfRange(layer, 32, 64), m.v2PieceHash(1));
        assertArrayEquals(TorrentBuilder.zeroRoot(7), m.v2PieceHash(3), "a small file verifies against its root");
        assertEquals(20, m.infoHashes().v2Truncated().length);
        assertArrayEquals(m.infoHashes().v2Truncated(), m.infoHashes().wireId());
    }

    /** BEP 52: a file tree of one root-level file is a single-file torrent named like libtorrent names it. */
    @Test
    void v2SingleFileIsNamedByItsFile() {
        F[] files = {f(100, "file.bin")};
        Metainfo m = parse(torrent(TorrentBuilder.v2Info("advisory", PL, files), files));
        assertTrue(m.info().isSingleFile());
        assertEquals("file.bin", m.info().name());
    }

    /** BEP 52 upgrade path: both halves, pad files between files, v1 and v2 hashes for every piece. */
    @Test
    void hybridTorrent() {
        F[] files = {f(40_000, "big"), f(3 * PL - 40_000, ".pad", "9152"), f(7, "dir", "small")};
        Metainfo m = parse(torrent(TorrentBuilder.hybridInfo("h", PL, files), files));
        InfoDictionary i = m.info();
        assertEquals(TorrentVersion.HYBRID, i.version());
        assertTrue(m.infoHashes().hasV1() && m.infoHashes().hasV2());
        assertEquals(3, i.files().size());
        assertTrue(i.files().get(1).isPad());
        assertNull(i.files().get(1).piecesRoot());
        assertEquals(3 * PL, i.files().get(2).offset());
        assertEquals(40_007, i.totalLength());
        assertEquals(4, i.pieceCount());
        byte[] layer = TorrentBuilder.zeroLayer(40_000, PL);
        assertArrayEquals(Arrays.copyOfRange(layer, 64, 96), m.v2PieceHash(2), "piece 2: the end of big, then pad");
        assertArrayEquals(TorrentBuilder.zeroRoot(7), m.v2PieceHash(3));
        assertEquals(PL, i.pieceSize(2), "v1 pieces include the pad bytes");
        assertTrue(m.infoHashes().matchesWireId(m.infoHashes().v1()));
        assertTrue(m.infoHashes().matchesWireId(m.infoHashes().v2Truncated()));
    }

    /** The info-hash is over the exact bytes in the file (BEP 52 "infohash"), even when they are not canonical. */
    @Test
    void infoHashIsOverTheOriginalBytes() throws Exception {
        String info = "d6:lengthi5e4:name1:t12:piece lengthi16384e6:pieces20:" + "\0".repeat(20) + "e";
        // unsorted keys: "name" before "length" would be the canonical order; here piece length comes first
        String unsorted = "d12:piece lengthi16384e6:lengthi5e4:name1:t6:pieces20:" + "\0".repeat(20) + "e";
        byte[] file = ("d4:info" + unsorted + "e").getBytes(StandardCharsets.ISO_8859_1);
        Metainfo m = Metainfo.parse(file);
        assertArrayEquals(sha1(unsorted.getBytes(StandardCharsets.ISO_8859_1)), m.infoHashes().v1());
        assertFalse(Arrays.equals(sha1(info.getBytes(StandardCharsets.ISO_8859_1)), m.infoHashes().v1()));
        assertArrayEquals(file, m.encode(), "re-writing keeps the info bytes as they were");
    }

    /** parse(encode(x)) round-trips; unknown keys are kept in and out of the info dictionary. */
    @Test
    void unknownKeysSurviveARewrite() {
        F[] files = {f(40_000, "big"), f(3 * PL - 40_000, ".pad", "9152"), f(7, "dir", "small")};
        BDict info = with(TorrentBuilder.hybridInfo("h", PL, files), "x-custom", l("kept", 1));
        BDict root = with(with(torrent(info, files), "nodes", l(l("router.example", 6881))), "zz", d("a", 1));
        byte[] bytes = root.encode();
        Metainfo m = Metainfo.parse(bytes);
        byte[] again = m.encode();
        assertArrayEquals(bytes, again, "canonical input is written back byte for byte");
        Metainfo m2 = Metainfo.parse(again);
        assertEquals(m.infoHashes(), m2.infoHashes());
        assertNotNull(m2.root().get("zz"));
        assertNotNull(m2.info().dict().get("x-custom"));
    }

    /** BEP 12: announce-list wins over announce; empty and duplicate URLs are dropped; BEP 19 as string or list. */
    @Test
    void trackersAndWebSeeds() {
        BDict t = torrent(TorrentBuilder.v1Single("t", PL, 5));
        Metainfo m = parse(with(with(t, "announce-list", l(l("http://a/", "", "udp://b:1/"), l(), l(" http://c/ ",
                "http://a/"))), "url-list", "http://seed/"));
        assertEquals(List.of(List.of("http://a/", "udp://b:1/"), List.of("http://c/")), m.announceTiers());
        assertEquals(List.of("http://seed/"), m.urlList());
        Metainfo m2 = parse(with(t, "url-list", l("http://s1/", "", "http://s2/", "http://s1/")));
        assertEquals(List.of("http://s1/", "http://s2/"), m2.urlList());
        assertEquals(List.of(), parse(with(t, "announce", null)).announceTiers(), "trackerless");
    }

    /** BEP 27 and the descriptive keys; wrongly typed descriptive keys are ignored, not fatal. */
    @Test
    void privateFlagAndDescriptiveKeys() {
        BDict t = torrent(with(TorrentBuilder.v1Single("t", PL, 5), "private", 1));
        Metainfo m = parse(with(with(with(t, "comment", "hello"), "created by", "me"), "creation date", 1_700_000_000));
        assertTrue(m.info().isPrivate());
        assertEquals("hello", m.comment());
        assertEquals("me", m.createdBy());
        assertEquals(1_700_000_000, m.creationDate());
        Metainfo odd = parse(with(with(t, "comment", 5), "creation date", "yesterday"));
        assertNull(odd.comment());
        assertEquals(-1, odd.creationDate());
    }

    /** HARDENING.md file names: unsafe names are sanitised, duplicates renamed, nothing rejected that can be saved. */
    @Test
    void namesAreSanitisedAndDeduplicated() {
        BDict info = with(TorrentBuilder.v1Info("../evil", PL, f(1, "x"), f(1, "y"), f(1, "z")), "files",
                l(d("length", 1, "path", l("..", "etc", "passwd")), d("length", 1, "path", l("a\u202Eb", "CON")),
                        d("length", 1, "path", l("ETC", "PASSWD"))));
        Metainfo m = parse(torrent(info));
        assertEquals(".._evil", m.info().name());
        assertEquals(List.of("etc", "passwd"), m.info().files().get(0).path());
        assertEquals(List.of("ab", "_CON"), m.info().files().get(1).path());
        assertEquals(List.of("ETC", "PASSWD.1"), m.info().files().get(2).path());
    }

    /** BEP 47: pad files may omit their path; symlinks keep a sanitised target and may omit their length. */
    @Test
    void padFilesAndSymlinks() {
        BDict info = with(TorrentBuilder.v1Info("t", PL, f(5, "a"), f(PL - 5, ".pad", "x"), f(5, "b")), "files",
                l(d("length", 5, "path", l("a")), d("attr", "p", "length", PL - 5),
                        d("attr", "xh", "length", 5, "path", l("b")),
                        d("attr", "l", "path", l("link"), "symlink path", l("..", "a"))));
        Metainfo m = parse(torrent(info));
        List<FileEntry> files = m.info().files();
        assertTrue(files.get(1).isPad());
        assertEquals(List.of(".pad", Long.toString(PL - 5)), files.get(1).path());
        assertTrue(files.get(2).isExecutable() && files.get(2).isHidden());
        assertTrue(files.get(3).isSymlink());
        assertEquals(List.of("a"), files.get(3).symlinkPath());
        assertEquals(10, m.info().totalLength());
    }

    /** BEP 9: a bare info dictionary must hash to what the magnet link promised; v1-only magnets accept hybrids. */
    @Test
    void fromInfoDictionary() {
        F[] files = {f(40_000, "big"), f(3 * PL - 40_000, ".pad", "9152"), f(7, "dir", "small")};
        byte[] info = TorrentBuilder.hybridInfo("h", PL, files).encode();
        Metainfo full = parse(torrent(TorrentBuilder.hybridInfo("h", PL, files), files));
        InfoHashes hashes = full.infoHashes();
        List<List<String>> trackers = List.of(List.of("udp://t:1/"));
        Metainfo m = Metainfo.fromInfoDictionary(info, InfoHashes.v1(hashes.v1()), trackers);
        assertEquals(hashes, m.infoHashes());
        assertEquals(trackers, m.announceTiers());
        assertFalse(m.hasAllPieceLayers(), "piece layers travel outside the info dictionary");
        assertEquals(hashes, Metainfo.fromInfoDictionary(info, InfoHashes.v2(hashes.v2()), trackers).infoHashes());
        assertEquals(hashes, Metainfo.fromInfoDictionary(info, hashes, trackers).infoHashes());
        assertEquals("udp://t:1/", m.root().getString("announce"));
        // saved without piece layers, it reads back only through the lenient entry point
        byte[] saved = m.encode();
        assertEquals(Reason.BAD_PIECE_LAYERS, reasonOf(saved));
        Metainfo reloaded = Metainfo.parseWithoutPieceLayers(saved, MetainfoLimits.DEFAULT);
        assertEquals(hashes, reloaded.infoHashes());
        assertEquals(trackers, reloaded.announceTiers());
        assertNull(reloaded.v2PieceHash(0));
        byte[] other = hashes.v1();
        other[0] ^= 1;
        MetainfoException e = assertThrows(MetainfoException.class,
                () -> Metainfo.fromInfoDictionary(info, InfoHashes.v1(other), trackers));
        assertEquals(Reason.HASH_MISMATCH, e.reason());
    }

    /** HARDENING.md parsing limits are configurable and enforced: size, pieces, depth, renames. */
    @Test
    void limitsAreEnforced() {
        byte[] t = torrent(TorrentBuilder.v1Info("t", PL, f(3 * PL, "a"))).encode();
        MetainfoLimits small = new MetainfoLimits(BencodeLimits.DEFAULT.withMaxSize(t.length - 1), 2_097_152, 100, 500,
                255);
        assertEquals(Reason.TOO_LARGE, assertThrows(MetainfoException.class, () -> Metainfo.parse(t, small)).reason());
        MetainfoLimits fewPieces = new MetainfoLimits(BencodeLimits.DEFAULT, 2, 100, 500, 255);
        assertEquals(Reason.TOO_MANY_PIECES,
                assertThrows(MetainfoException.class, () -> Metainfo.parse(t, fewPieces)).reason());
        BDict deep = torrent(with(TorrentBuilder.v1Info("t", PL, f(5, "a")), "files",
                l(d("length", 5, "path", l("1", "2", "3", "4")))));
        MetainfoLimits shallow = new MetainfoLimits(BencodeLimits.DEFAULT, 2_097_152, 3, 500, 255);
        assertEquals(Reason.PATH_TOO_DEEP,
                assertThrows(MetainfoException.class, () -> Metainfo.parse(deep.encode(), shallow)).reason());
        BDict dup = torrent(with(TorrentBuilder.v1Info("t", PL, f(5, "a")), "files",
                l(d("length", 5, "path", l("a")), d("length", 0, "path", l("A")), d("length", 0, "path", l("a")))));
        MetainfoLimits oneRename = new MetainfoLimits(BencodeLimits.DEFAULT, 2_097_152, 100, 1, 255);
        assertEquals(Reason.DUPLICATE_PATH,
                assertThrows(MetainfoException.class, () -> Metainfo.parse(dup.encode(), oneRename)).reason());
        assertEquals(3, Metainfo.parse(dup.encode()).info().files().size());
    }

    /** A nesting or token bomb is a typed error, never a StackOverflowError. */
    @Test
    void bombsAreTypedErrors() {
        byte[] bomb = ("d4:info" + "l".repeat(100_000) + "e".repeat(100_000) + "e").getBytes(StandardCharsets.US_ASCII);
        assertEquals(Reason.BAD_BENCODE, reasonOf(bomb));
        StringBuilder tokens = new StringBuilder("d4:infol");
        tokens.append("i1e".repeat(3_000_001));
        tokens.append("ee");
        assertEquals(Reason.BAD_BENCODE, reasonOf(tokens.toString().getBytes(StandardCharsets.US_ASCII)));
    }

    /** Present piece layers are verified even by the lenient entry point. */
    @Test
    void lenientParsingStillChecksThePieceLayersThatArePresent() {
        F[] files = {f(40_000, "big"), f(40_001, "other")};
        BDict t = torrent(TorrentBuilder.v2Info("t", PL, files), files);
        byte[] bad = TorrentBuilder.zeroLayer(40_000, PL);
        bad[0] ^= 1;
        BDict broken = with(t, "piece layers", BDict.builder().put(BBytes.of(TorrentBuilder.zeroRoot(40_000)),
                BBytes.of(bad)).build());
        assertEquals(Reason.BAD_PIECE_LAYERS, assertThrows(MetainfoException.class,
                () -> Metainfo.parseWithoutPieceLayers(broken.encode(), MetainfoLimits.DEFAULT)).reason());
        BDict partial = with(t, "piece layers", BDict.builder().put(BBytes.of(TorrentBuilder.zeroRoot(40_000)),
                BBytes.of(TorrentBuilder.zeroLayer(40_000, PL))).build());
        Metainfo m = Metainfo.parseWithoutPieceLayers(partial.encode(), MetainfoLimits.DEFAULT);
        assertFalse(m.hasAllPieceLayers());
        assertNotNull(m.v2PieceHash(0));
        assertNull(m.v2PieceHash(3));
    }

    /** Piece layers are keyed by pieces root; identical files share one. */
    @Test
    void identicalFilesShareOnePieceLayer() {
        F[] files = {f(40_000, "a"), f(40_000, "b")};
        Metainfo m = parse(torrent(TorrentBuilder.v2Info("t", PL, files), files));
        assertArrayEquals(m.info().files().get(0).piecesRoot(), m.info().files().get(1).piecesRoot());
        assertTrue(m.hasAllPieceLayers());
        assertEquals(1, m.root().getDict("piece layers").size());
        assertNotNull(m.pieceLayer(m.info().files().get(1).piecesRoot()));
        assertNull(m.pieceLayer(new byte[32]));
        assertEquals(BBytes.of(m.info().files().get(0).piecesRoot()),
                m.root().getDict("piece layers").entries().firstKey());
    }
}
