package io.hivemind.bt.wire.metainfo;

import static io.hivemind.bt.wire.metainfo.TorrentBuilder.d;
import static io.hivemind.bt.wire.metainfo.TorrentBuilder.f;
import static io.hivemind.bt.wire.metainfo.TorrentBuilder.l;
import static io.hivemind.bt.wire.metainfo.TorrentBuilder.torrent;
import static io.hivemind.bt.wire.metainfo.TorrentBuilder.with;

import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.metainfo.MetainfoException.Reason;
import io.hivemind.bt.wire.metainfo.TorrentBuilder.F;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The generator of the {@code malformed/} fixtures: each case is a valid torrent with one thing broken, paired with
 * the {@link Reason} it must be rejected with. {@code MalformedTorrentTest} checks that the committed files equal
 * this generator's output and that every file is rejected with its reason; run it with
 * {@code -Dhivebt.regenerate=true} to rewrite the files after changing a case.
 */
final class MalformedTorrents {
    private MalformedTorrents() {
    }

    /** One bad torrent and the reason it must produce. */
    record Case(byte[] bytes, Reason reason) {
    }

    private static final long PL = 16 * 1024;

    static Map<String, Case> cases() {
        Map<String, Case> c = new LinkedHashMap<>();
        F[] one = {f(5, "a")};
        BDict v1 = TorrentBuilder.v1Info("t", PL, one);
        byte[] valid = torrent(v1, one).encode();

        // bencode and top-level structure
        raw(c, "not-bencode", "hello, world".getBytes(StandardCharsets.US_ASCII), Reason.BAD_BENCODE);
        raw(c, "truncated", Arrays.copyOf(valid, valid.length - 7), Reason.BAD_BENCODE);
        byte[] trailing = Arrays.copyOf(valid, valid.length + 1);
        trailing[valid.length] = 'x';
        raw(c, "trailing-bytes", trailing, Reason.BAD_BENCODE);
        raw(c, "nesting-bomb", ("d4:info" + "l".repeat(150) + "e".repeat(150) + "e").getBytes(StandardCharsets.US_ASCII),
                Reason.BAD_BENCODE);
        raw(c, "leading-zero", new String(valid, StandardCharsets.ISO_8859_1).replace("i16384e", "i016384e")
                .getBytes(StandardCharsets.ISO_8859_1), Reason.BAD_BENCODE);
        raw(c, "top-level-list", "l4:infoe".getBytes(StandardCharsets.US_ASCII), Reason.NOT_A_DICTIONARY);
        raw(c, "top-level-integer", "i42e".getBytes(StandardCharsets.US_ASCII), Reason.NOT_A_DICTIONARY);
        put(c, "no-info", d("announce", "http://t/"), Reason.MISSING_INFO);
        put(c, "info-not-a-dict", d("info", "text"), Reason.WRONG_TYPE);

        // name, piece length, pieces
        put(c, "no-name", torrent(with(v1, "name", null)), Reason.MISSING_KEY);
        put(c, "name-not-a-string", torrent(with(v1, "name", 7)), Reason.WRONG_TYPE);
        put(c, "name-dot-dot", torrent(with(v1, "name", "..")), Reason.UNSAFE_PATH);
        put(c, "name-only-controls", torrent(with(v1, "name", "\u0001\u0002\u202e")), Reason.UNSAFE_PATH);
        put(c, "no-piece-length", torrent(with(v1, "piece length", null)), Reason.BAD_PIECE_LENGTH);
        put(c, "piece-length-zero", torrent(with(v1, "piece length", 0)), Reason.BAD_PIECE_LENGTH);
        put(c, "piece-length-negative", torrent(with(v1, "piece length", -16384)), Reason.BAD_PIECE_LENGTH);
        put(c, "piece-length-2-tib", torrent(with(v1, "piece length", 1L << 41)), Reason.BAD_PIECE_LENGTH);
        put(c, "piece-length-string", torrent(with(v1, "piece length", "16384")), Reason.WRONG_TYPE);
        put(c, "no-pieces", torrent(with(v1, "pieces", null)), Reason.MISSING_KEY);
        put(c, "pieces-not-multiple-of-20", torrent(with(v1, "pieces", new byte[21])), Reason.BAD_PIECES);
        put(c, "pieces-too-few", torrent(with(v1, "pieces", new byte[0])), Reason.BAD_PIECES);
        put(c, "pieces-too-many", torrent(with(v1, "pieces", new byte[40])), Reason.BAD_PIECES);
        put(c, "pieces-a-list", torrent(with(v1, "pieces", l())), Reason.WRONG_TYPE);
        put(c, "too-many-pieces", torrent(with(with(v1, "files", l(d("length", 1L << 40, "path", l("big")))),
                "pieces", new byte[20])), Reason.TOO_MANY_PIECES);
        put(c, "private-not-an-integer", torrent(with(v1, "private", "yes")), Reason.WRONG_TYPE);

        // file lists
        put(c, "length-and-files", torrent(with(v1, "length", 5)), Reason.BAD_FILE_LIST);
        put(c, "neither-length-nor-files", torrent(with(v1, "files", null)), Reason.BAD_FILE_LIST);
        put(c, "empty-file-list", torrent(with(v1, "files", l())), Reason.BAD_FILE_LIST);
        put(c, "files-not-a-list", torrent(with(v1, "files", d("length", 5))), Reason.WRONG_TYPE);
        put(c, "file-not-a-dict", torrent(with(v1, "files", l("a"))), Reason.WRONG_TYPE);
        put(c, "negative-length", torrent(with(v1, "files", l(d("length", -5, "path", l("a"))))), Reason.BAD_LENGTH);
        put(c, "single-negative-length", torrent(with(TorrentBuilder.v1Single("t", PL, 5), "length", -1)),
                Reason.BAD_LENGTH);
        put(c, "lengths-overflow", torrent(with(v1, "files", l(d("length", Long.MAX_VALUE / 2 + 1, "path", l("a")),
                d("length", Long.MAX_VALUE / 2 + 1, "path", l("b"))))), Reason.BAD_LENGTH);
        put(c, "no-data", torrent(with(with(v1, "files", l(d("length", 0, "path", l("a")))), "pieces", new byte[0])),
                Reason.BAD_LENGTH);
        put(c, "length-not-an-integer", torrent(with(v1, "files", l(d("length", "5", "path", l("a"))))),
                Reason.WRONG_TYPE);
        put(c, "file-without-path", torrent(with(v1, "files", l(d("length", 5)))), Reason.MISSING_KEY);
        put(c, "path-empty", torrent(with(v1, "files", l(d("length", 5, "path", l())))), Reason.UNSAFE_PATH);
        put(c, "path-only-dot-dot", torrent(with(v1, "files", l(d("length", 5, "path", l("..", ".", ".."))))),
                Reason.UNSAFE_PATH);
        put(c, "path-element-integer", torrent(with(v1, "files", l(d("length", 5, "path", l("a", 1))))),
                Reason.WRONG_TYPE);
        List<Object> deep = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            deep.add("d");
        }
        put(c, "path-101-deep", torrent(with(v1, "files", l(d("length", 5, "path", l(deep.toArray()))))),
                Reason.PATH_TOO_DEEP);
        List<Object> dups = new ArrayList<>();
        dups.add(d("length", 5, "path", l("a")));
        for (int i = 0; i < 502; i++) {
            dups.add(d("length", 0, "path", l(i % 2 == 0 ? "same.txt" : "SAME.TXT")));
        }
        put(c, "503-same-names", torrent(with(v1, "files", l(dups.toArray()))), Reason.DUPLICATE_PATH);
        put(c, "attr-not-a-string", torrent(with(v1, "files", l(d("length", 5, "path", l("a"), "attr", 1)))),
                Reason.WRONG_TYPE);
        put(c, "symlink-with-length", torrent(with(v1, "files", l(d("length", 5, "path", l("a")),
                d("attr", "l", "length", 3, "path", l("b"), "symlink path", l("a"))))), Reason.BAD_LENGTH);
        put(c, "symlink-without-target", torrent(with(v1, "files", l(d("length", 5, "path", l("a")),
                d("attr", "l", "path", l("b"))))), Reason.MISSING_KEY);

        // BEP 47 pad files
        put(c, "pad-of-a-whole-piece", torrent(TorrentBuilder.v1Info("t", PL, f(5, "a"), f(PL, ".pad", "16384"),
                f(5, "b"))), Reason.BAD_PAD_FILE);
        put(c, "single-file-pad", torrent(with(TorrentBuilder.v1Single("t", PL, 5), "attr", "p")),
                Reason.BAD_PAD_FILE);

        // BEP 52 v2
        F[] two = {f(40_000, "big"), f(7, "dir", "small")};
        BDict v2 = TorrentBuilder.v2Info("t", PL, two);
        put(c, "meta-version-3", torrent(with(v2, "meta version", 3), two), Reason.BAD_META_VERSION);
        put(c, "meta-version-1", torrent(with(v1, "meta version", 1)), Reason.BAD_META_VERSION);
        put(c, "meta-version-string", torrent(with(v2, "meta version", "2"), two), Reason.BAD_META_VERSION);
        put(c, "v2-no-file-tree", torrent(with(v2, "file tree", null), two), Reason.MISSING_KEY);
        put(c, "v2-file-tree-a-list", torrent(with(v2, "file tree", l()), two), Reason.BAD_FILE_TREE);
        put(c, "v2-empty-file-tree", torrent(with(v2, "file tree", d()), two), Reason.BAD_FILE_TREE);
        BDict fileProps = d("length", 7, "pieces root", TorrentBuilder.zeroRoot(7));
        put(c, "v2-root-is-a-file", torrent(with(v2, "file tree", dict("", fileProps)), two), Reason.BAD_FILE_TREE);
        put(c, "v2-empty-directory", torrent(with(v2, "file tree", d("a", dict("", fileProps), "empty", d())), two),
                Reason.BAD_FILE_TREE);
        put(c, "v2-file-and-directory", torrent(with(v2, "file tree", d("a", with(dict("", fileProps), "b",
                dict("", fileProps)))), two), Reason.BAD_FILE_TREE);
        put(c, "v2-node-not-a-dict", torrent(with(v2, "file tree", d("a", 5)), two), Reason.BAD_FILE_TREE);
        put(c, "v2-file-without-length", torrent(with(v2, "file tree", d("a", dict("", d("pieces root",
                TorrentBuilder.zeroRoot(7))))), two), Reason.BAD_FILE_TREE);
        put(c, "v2-negative-length", torrent(with(v2, "file tree", d("a", dict("", d("length", -7,
                "pieces root", TorrentBuilder.zeroRoot(7))))), two), Reason.BAD_LENGTH);
        put(c, "v2-piece-length-not-power-of-two", torrent(with(v2, "piece length", 20_000)),
                Reason.BAD_PIECE_LENGTH);
        put(c, "v2-piece-length-8-kib", torrent(with(v2, "piece length", 8192)), Reason.BAD_PIECE_LENGTH);
        put(c, "v2-no-pieces-root", torrent(with(v2, "file tree", d("a", dict("", d("length", 7)))), two),
                Reason.BAD_PIECES_ROOT);
        put(c, "v2-short-pieces-root", torrent(with(v2, "file tree", d("a", dict("", d("length", 7,
                "pieces root", new byte[31])))), two), Reason.BAD_PIECES_ROOT);
        put(c, "v2-pad-in-file-tree", torrent(with(v2, "file tree", d("a", dict("", d("attr", "p", "length", 7,
                "pieces root", TorrentBuilder.zeroRoot(7))))), two), Reason.BAD_PAD_FILE);
        put(c, "v2-too-many-pieces", torrent(with(v2, "file tree", d("a", dict("", d("length", 1L << 45,
                "pieces root", new byte[32])))), two), Reason.TOO_MANY_PIECES);
        BDict v2Torrent = torrent(v2, two);
        put(c, "v2-no-piece-layers", with(v2Torrent, "piece layers", null), Reason.BAD_PIECE_LAYERS);
        put(c, "v2-piece-layers-a-list", with(v2Torrent, "piece layers", l()), Reason.BAD_PIECE_LAYERS);
        byte[] bigRoot = TorrentBuilder.zeroRoot(40_000);
        put(c, "v2-piece-layer-wrong-size", with(v2Torrent, "piece layers", dict(bigRoot, new byte[32])),
                Reason.BAD_PIECE_LAYERS);
        byte[] wrongLayer = TorrentBuilder.zeroLayer(40_000, PL);
        wrongLayer[5] ^= 1;
        put(c, "v2-piece-layer-wrong-hashes", with(v2Torrent, "piece layers", dict(bigRoot, wrongLayer)),
                Reason.BAD_PIECE_LAYERS);
        put(c, "v2-piece-layer-not-a-string", with(v2Torrent, "piece layers", dict(bigRoot, l())),
                Reason.BAD_PIECE_LAYERS);

        // hybrid: both halves must describe the same files, aligned
        F[] aligned = {f(40_000, "big"), f(PL * 3 - 40_000, ".pad", "9152"), f(7, "dir", "small")};
        BDict hybrid = TorrentBuilder.hybridInfo("t", PL, aligned);
        put(c, "hybrid-renamed-file", torrent(with(hybrid, "files", l(d("length", 40_000, "path", l("other")),
                d("attr", "p", "length", PL * 3 - 40_000, "path", l(".pad", "9152")),
                d("length", 7, "path", l("dir", "small")))), aligned), Reason.HYBRID_MISMATCH);
        put(c, "hybrid-other-length", torrent(with(hybrid, "file tree", TorrentBuilder.fileTree(f(40_001, "big"),
                f(7, "dir", "small"))), aligned), Reason.HYBRID_MISMATCH);
        F[] unaligned = {f(40_000, "big"), f(7, "dir", "small")};
        put(c, "hybrid-without-pad-files", torrent(TorrentBuilder.hybridInfo("t", PL, unaligned), unaligned),
                Reason.HYBRID_MISMATCH);
        F[] extraV1 = {f(40_000, "big"), f(PL * 3 - 40_000, ".pad", "9152"), f(7, "dir", "small"),
                f(PL - 7, ".pad", "16377"), f(1, "extra")};
        put(c, "hybrid-extra-v1-file", torrent(with(with(TorrentBuilder.v1Info("t", PL, extraV1), "meta version", 2),
                "file tree", TorrentBuilder.fileTree(aligned)), aligned), Reason.HYBRID_MISMATCH);
        put(c, "hybrid-extra-v2-file", torrent(with(hybrid, "file tree", TorrentBuilder.fileTree(f(40_000, "big"),
                f(7, "dir", "small"), f(1, "zz"))), aligned), Reason.HYBRID_MISMATCH);

        // trackers (BEP 12, BEP 19)
        put(c, "announce-list-not-a-list", with(torrent(v1), "announce-list", "http://t/"), Reason.BAD_TRACKERS);
        put(c, "announce-tier-not-a-list", with(torrent(v1), "announce-list", l("http://t/")), Reason.BAD_TRACKERS);
        put(c, "announce-url-integer", with(torrent(v1), "announce-list", l(l(5))), Reason.BAD_TRACKERS);
        put(c, "announce-not-a-string", with(torrent(v1), "announce", 5), Reason.BAD_TRACKERS);
        put(c, "announce-with-newline", with(torrent(v1), "announce", "http://t/\r\nHost: evil"), Reason.BAD_TRACKERS);
        put(c, "url-list-integer", with(torrent(v1), "url-list", 5), Reason.BAD_TRACKERS);
        put(c, "url-list-with-space", with(torrent(v1), "url-list", l("http://a b/")), Reason.BAD_TRACKERS);
        return c;
    }

    private static BDict dict(String key, BValue value) {
        return BDict.builder().put(BBytes.of(key), value).build();
    }

    private static BDict dict(byte[] key, Object value) {
        return BDict.builder().put(BBytes.of(key), TorrentBuilder.v(value)).build();
    }

    private static void put(Map<String, Case> c, String name, BDict torrent, Reason reason) {
        raw(c, name, torrent.encode(), reason);
    }

    private static void raw(Map<String, Case> c, String name, byte[] bytes, Reason reason) {
        if (c.put(name, new Case(bytes, reason)) != null) {
            throw new IllegalStateException("duplicate case " + name);
        }
    }

    /** The {@code reasons.tsv} text for {@link #cases()}. */
    static String table(Map<String, Case> cases) {
        StringBuilder sb = new StringBuilder("# file\texpected MetainfoException.Reason (generated by MalformedTorrents)\n");
        for (Map.Entry<String, Case> e : cases.entrySet()) {
            sb.append(e.getKey()).append(".torrent\t").append(e.getValue().reason()).append('\n');
        }
        return sb.toString();
    }
}
