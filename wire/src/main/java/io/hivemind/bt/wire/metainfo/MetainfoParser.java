package io.hivemind.bt.wire.metainfo;

import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BInt;
import io.hivemind.bt.wire.bencode.BList;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import io.hivemind.bt.wire.bencode.BencodeException;
import io.hivemind.bt.wire.metainfo.MetainfoException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates torrents: v1 (BEP 3), v2 (BEP 52) and hybrid, with BEP 12 tiers, BEP 19 web seeds, BEP 27
 * private flag and BEP 47 pad files and attributes.
 *
 * <p>Implementation note. The input is decoded once with the bencode limits; the info-hashes are taken over the
 * exact bytes of the {@code info} dictionary (BEP 52 "infohash": never a re-encoding). Validation then runs in the
 * order BEP 52 asks for ({@code meta version} first), collects the v1 file list and the v2 file tree with their raw
 * (unsanitised) path components, checks that a hybrid torrent's two halves describe the same files, lengths and
 * piece alignment, and only then sanitises names ({@link PathSanitizer}) and renames duplicates. Every piece count
 * is computed and checked against the limit before anything proportional to it is allocated. Piece layers are
 * checked against their {@code pieces root} with {@link Merkle}. Every rejection is a {@link MetainfoException}
 * with a {@link Reason}; nothing else escapes for any input.
 *
 * <p>Stateless and thread-safe.
 */
final class MetainfoParser {
    /** The largest piece length accepted (1 GiB): pieces are buffered whole in memory when verified. */
    static final long MAX_PIECE_LENGTH = 1L << 30;
    /** The longest tracker or web seed URL accepted, in bytes. */
    static final int MAX_URL_BYTES = 4096;

    private MetainfoParser() {
    }

    static Metainfo parse(byte[] bytes, MetainfoLimits limits) {
        return parse(bytes, limits, true);
    }

    static Metainfo parse(byte[] bytes, MetainfoLimits limits, boolean requireAllLayers) {
        BDict root = decodeDict(bytes, limits, "a torrent file");
        BValue infoValue = root.get("info");
        if (infoValue == null) {
            throw new MetainfoException(Reason.MISSING_INFO, "no info dictionary");
        }
        if (!(infoValue instanceof BDict infoDict)) {
            throw new MetainfoException(Reason.WRONG_TYPE, "info is not a dictionary");
        }
        byte[] raw = Arrays.copyOfRange(bytes, infoDict.sourceStart(), infoDict.sourceEnd());
        InfoDictionary info = parseInfo(infoDict, raw, limits);
        Map<BBytes, byte[]> layers = info.version().hasV2() ? pieceLayers(root, info, requireAllLayers) : Map.of();
        return new Metainfo(root, info, hashes(raw, info.version()), announceTiers(root), urlList(root),
                text(root, "comment"), text(root, "created by"), creationDate(root), layers);
    }

    static Metainfo fromInfoDictionary(byte[] infoBytes, InfoHashes expected, List<List<String>> trackers,
                                       MetainfoLimits limits) {
        BDict d = decodeDict(infoBytes, limits, "an info dictionary");
        InfoDictionary info = parseInfo(d, infoBytes.clone(), limits);
        InfoHashes actual = hashes(infoBytes, info.version());
        boolean matches = (expected.hasV1() || expected.hasV2())
                && (!expected.hasV1() || actual.hasV1() && Arrays.equals(expected.v1(), actual.v1()))
                && (!expected.hasV2() || actual.hasV2() && Arrays.equals(expected.v2(), actual.v2()));
        if (!matches) {
            throw new MetainfoException(Reason.HASH_MISMATCH, "metadata does not match the info-hash");
        }
        List<List<String>> tiers = new ArrayList<>();
        for (List<String> tier : trackers) {
            if (!tier.isEmpty()) {
                tiers.add(List.copyOf(tier));
            }
        }
        BDict.Builder root = BDict.builder().put("info", d);
        if (!tiers.isEmpty()) {
            root.put("announce", tiers.getFirst().getFirst());
            List<BValue> list = new ArrayList<>();
            for (List<String> tier : tiers) {
                list.add(new BList(tier.stream().map(u -> (BValue) BBytes.of(u)).toList()));
            }
            root.put("announce-list", new BList(list));
        }
        return new Metainfo(root.build(), info, actual, tiers, List.of(), null, null, -1, Map.of());
    }

    static InfoHashes hashes(byte[] raw, TorrentVersion version) {
        try {
            byte[] v1 = version.hasV1() ? MessageDigest.getInstance("SHA-1").digest(raw) : null;
            byte[] v2 = version.hasV2() ? MessageDigest.getInstance("SHA-256").digest(raw) : null;
            return InfoHashes.of(v1, v2);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BDict decodeDict(byte[] bytes, MetainfoLimits limits, String what) {
        if (bytes.length > limits.bencode().maxSize()) {
            throw new MetainfoException(Reason.TOO_LARGE,
                    what + " of " + bytes.length + " bytes is over the limit of " + limits.bencode().maxSize());
        }
        BValue top;
        try {
            top = BencodeDecoder.decode(bytes, limits.bencode());
        } catch (BencodeException e) {
            throw new MetainfoException(Reason.BAD_BENCODE, what + " is not valid bencode: " + e.getMessage(), e);
        }
        if (!(top instanceof BDict dict)) {
            throw new MetainfoException(Reason.NOT_A_DICTIONARY, what + " must be a bencoded dictionary");
        }
        return dict;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The info dictionary

    /** A file as declared, before sanitising: raw path components (below the root directory). */
    private record RawFile(List<BBytes> path, long length, String attr, byte[] piecesRoot, List<BBytes> symlink,
                           long mtime) {
        boolean isPad() {
            return attr.indexOf('p') >= 0;
        }

        boolean isSymlink() {
            return attr.indexOf('l') >= 0;
        }

        String display() {
            StringBuilder sb = new StringBuilder();
            for (BBytes b : path) {
                if (!sb.isEmpty()) {
                    sb.append('/');
                }
                sb.append(b.asString());
            }
            return sb.toString();
        }
    }

    static InfoDictionary parseInfo(BDict d, byte[] raw, MetainfoLimits limits) {
        // BEP 52: check the meta version before anything else
        boolean v2 = false;
        BValue mv = d.get("meta version");
        if (mv != null) {
            if (!(mv instanceof BInt i) || i.value() != 2) {
                throw new MetainfoException(Reason.BAD_META_VERSION,
                        "unsupported meta version " + mv + " (this client understands 2)");
            }
            v2 = true;
        }
        boolean v1 = !v2 || d.containsKey("pieces");
        TorrentVersion version = v1 && v2 ? TorrentVersion.HYBRID : v2 ? TorrentVersion.V2 : TorrentVersion.V1;

        BBytes nameRaw = requiredBytes(d, "name");
        BBytes nameUtf8 = optionalBytes(d, "name.utf-8");
        String name = PathSanitizer.sanitizeComponent((nameUtf8 != null ? nameUtf8 : nameRaw).asString(),
                limits.maxNameBytes());
        if (name.isEmpty()) {
            throw new MetainfoException(Reason.UNSAFE_PATH, "the torrent name '" + nameRaw.asString()
                    + "' has nothing left after removing unsafe characters");
        }

        BValue plv = d.get("piece length");
        if (plv == null) {
            throw new MetainfoException(Reason.BAD_PIECE_LENGTH, "no piece length");
        }
        if (!(plv instanceof BInt pli)) {
            throw new MetainfoException(Reason.WRONG_TYPE, "piece length is not an integer");
        }
        long pieceLength = pli.value();
        if (pieceLength <= 0 || pieceLength > MAX_PIECE_LENGTH) {
            throw new MetainfoException(Reason.BAD_PIECE_LENGTH, "piece length " + pieceLength + " is out of range");
        }
        if (v2 && (pieceLength < Merkle.BLOCK_SIZE || Long.bitCount(pieceLength) != 1)) {
            throw new MetainfoException(Reason.BAD_PIECE_LENGTH,
                    "a v2 piece length must be a power of two of at least 16 KiB, not " + pieceLength);
        }

        boolean isPrivate = optionalLong(d, "private", 0) != 0;
        BBytes sourceBytes = optionalBytes(d, "source");
        String source = sourceBytes == null ? null : sourceBytes.asString();

        // v2 file tree
        List<RawFile> v2Files = null;
        boolean v2Single = false;
        if (v2) {
            BValue ft = d.get("file tree");
            if (ft == null) {
                throw new MetainfoException(Reason.MISSING_KEY, "a v2 torrent needs a file tree");
            }
            if (!(ft instanceof BDict tree)) {
                throw new MetainfoException(Reason.BAD_FILE_TREE, "the file tree is not a dictionary");
            }
            if (tree.get(BBytes.of(new byte[0])) != null) {
                throw new MetainfoException(Reason.BAD_FILE_TREE, "the root of the file tree must not be a file");
            }
            v2Files = new ArrayList<>();
            walkTree(tree, new ArrayList<>(), v2Files, limits);
            if (v2Files.isEmpty()) {
                throw new MetainfoException(Reason.BAD_FILE_TREE, "the file tree holds no files");
            }
            v2Single = v2Files.size() == 1 && v2Files.getFirst().path().size() == 1 && tree.size() == 1;
        }

        // v1 file list and piece hashes
        List<RawFile> v1Files = null;
        boolean v1Single = false;
        byte[] v1Pieces = null;
        if (v1) {
            boolean hasLength = d.containsKey("length");
            boolean hasFiles = d.containsKey("files");
            if (hasLength == hasFiles) {
                throw new MetainfoException(Reason.BAD_FILE_LIST, hasLength
                        ? "both length and files: neither a single-file nor a multi-file torrent"
                        : "neither length nor files");
            }
            v1Files = new ArrayList<>();
            if (hasLength) {
                v1Single = true;
                String attr = attr(d);
                if (attr.indexOf('p') >= 0 || attr.indexOf('l') >= 0) {
                    throw new MetainfoException(Reason.BAD_PAD_FILE,
                            "a single-file torrent cannot be a pad file or a symlink");
                }
                long length = requiredLong(d, "length");
                if (length < 0) {
                    throw new MetainfoException(Reason.BAD_LENGTH, "negative length " + length);
                }
                v1Files.add(new RawFile(List.of(nameRaw), length, attr, null, List.of(), optionalLong(d, "mtime", -1)));
            } else {
                BValue fv = d.get("files");
                if (!(fv instanceof BList list)) {
                    throw new MetainfoException(Reason.WRONG_TYPE, "files is not a list");
                }
                if (list.size() == 0) {
                    throw new MetainfoException(Reason.BAD_FILE_LIST, "the file list is empty");
                }
                for (BValue entry : list.values()) {
                    v1Files.add(v1File(entry, pieceLength, limits));
                }
            }
            BValue pv = d.get("pieces");
            if (pv == null) {
                throw new MetainfoException(Reason.MISSING_KEY, "no pieces");
            }
            if (!(pv instanceof BBytes pb)) {
                throw new MetainfoException(Reason.WRONG_TYPE, "pieces is not a string");
            }
            if (pb.length() % 20 != 0) {
                throw new MetainfoException(Reason.BAD_PIECES,
                        "pieces is " + pb.length() + " bytes, not a multiple of 20");
            }
            if (pb.length() / 20 > limits.maxPieces()) {
                throw new MetainfoException(Reason.TOO_MANY_PIECES,
                        pb.length() / 20 + " pieces, more than the limit of " + limits.maxPieces());
            }
            v1Pieces = pb.bytes();
        }

        // lay the files out in the piece space
        List<RawFile> layout = v1 ? v1Files : v2Files;
        long[] offsets = new long[layout.size()];
        long end = 0;
        long pieces = 0;
        for (int i = 0; i < layout.size(); i++) {
            RawFile f = layout.get(i);
            if (v1) {
                offsets[i] = end;
                end = addExact(end, f.length());
            } else {
                offsets[i] = pieces * pieceLength;
                pieces += Math.ceilDiv(f.length(), pieceLength);
                if (pieces > limits.maxPieces()) {
                    throw tooManyPieces(pieces, limits);
                }
                if (f.length() > 0) {
                    end = offsets[i] + f.length();
                }
            }
        }
        if (v1) {
            pieces = Math.ceilDiv(end, pieceLength);
            if (pieces > limits.maxPieces()) {
                throw tooManyPieces(pieces, limits);
            }
        }
        long dataLength = 0;
        for (RawFile f : layout) {
            if (!f.isPad()) {
                dataLength += f.length();
            }
        }
        if (dataLength == 0) {
            throw new MetainfoException(Reason.BAD_LENGTH, "the torrent holds no data (every file is empty)");
        }
        if (v1 && v1Pieces.length / 20 != pieces) {
            throw new MetainfoException(Reason.BAD_PIECES, "pieces holds " + v1Pieces.length / 20
                    + " hashes but the files need " + pieces + " pieces of " + pieceLength + " bytes");
        }
        if (v1 && v2) {
            checkHybrid(v1Files, offsets, v2Files, pieceLength, pieces);
        }

        // sanitise names, rename duplicates
        List<List<String>> safe = new ArrayList<>(layout.size());
        List<List<String>> toDedupe = new ArrayList<>();
        for (RawFile f : layout) {
            if (f.path().size() > limits.maxPathDepth()) {
                throw new MetainfoException(Reason.PATH_TOO_DEEP, "a path " + f.path().size()
                        + " components deep, more than the limit of " + limits.maxPathDepth());
            }
            List<String> p = sanitize(f.path(), limits);
            if (f.isPad()) {
                if (p.isEmpty()) {
                    p = List.of(".pad", Long.toString(f.length()));
                }
            } else {
                if (p.isEmpty()) {
                    throw new MetainfoException(Reason.UNSAFE_PATH,
                            "the path '" + f.display() + "' has nothing left after removing unsafe parts");
                }
                toDedupe.add(p);
            }
            safe.add(p);
        }
        if (v1Single) {
            safe.set(0, List.of(name));
        } else if (!v1 && v2Single) {
            // BEP 52: a tree of one root-level file is a single-file torrent; like libtorrent, its name is the
            // file's (the name key is only advisory)
            name = safe.getFirst().getFirst();
        } else {
            List<List<String>> unique = PathSanitizer.deduplicate(toDedupe, limits.maxDuplicateRenames(),
                    limits.maxNameBytes());
            int k = 0;
            for (int i = 0; i < layout.size(); i++) {
                if (!layout.get(i).isPad()) {
                    safe.set(i, unique.get(k++));
                }
            }
        }

        List<FileEntry> files = new ArrayList<>(layout.size());
        int v2Index = 0;
        for (int i = 0; i < layout.size(); i++) {
            RawFile f = layout.get(i);
            byte[] root = f.piecesRoot();
            if (v1 && v2 && !f.isPad()) {
                root = v2Files.get(v2Index++).piecesRoot();
            }
            files.add(new FileEntry(i, safe.get(i), f.length(), offsets[i], f.attr(), root,
                    sanitize(f.symlink(), limits), f.mtime()));
        }
        boolean single = v1 ? v1Single : v2Single;
        return new InfoDictionary(name, pieceLength, files, single, version, isPrivate, source, v1Pieces, d, raw);
    }

    private static MetainfoException tooManyPieces(long pieces, MetainfoLimits limits) {
        return new MetainfoException(Reason.TOO_MANY_PIECES,
                "the files need " + pieces + " pieces, more than the limit of " + limits.maxPieces());
    }

    private static long addExact(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new MetainfoException(Reason.BAD_LENGTH, "the file lengths add up to more than 2^63 bytes");
        }
    }

    private static List<String> sanitize(List<BBytes> raw, MetainfoLimits limits) {
        List<String> out = new ArrayList<>(raw.size());
        for (BBytes b : raw) {
            String s = PathSanitizer.sanitizeComponent(b.asString(), limits.maxNameBytes());
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private static RawFile v1File(BValue entry, long pieceLength, MetainfoLimits limits) {
        if (!(entry instanceof BDict f)) {
            throw new MetainfoException(Reason.WRONG_TYPE, "an entry of files is not a dictionary");
        }
        String attr = attr(f);
        boolean pad = attr.indexOf('p') >= 0;
        boolean symlink = attr.indexOf('l') >= 0;
        long length;
        if (f.get("length") == null && symlink) {
            length = 0; // BEP 47: a symlink's length may be omitted
        } else {
            length = requiredLong(f, "length");
        }
        if (length < 0) {
            throw new MetainfoException(Reason.BAD_LENGTH, "negative file length " + length);
        }
        if (symlink && length != 0) {
            throw new MetainfoException(Reason.BAD_LENGTH, "a symlink must have length 0, not " + length);
        }
        if (pad && (length >= pieceLength || symlink)) {
            throw new MetainfoException(Reason.BAD_PAD_FILE, "a pad file of " + length
                    + " bytes cannot pad to a boundary of " + pieceLength + "-byte pieces");
        }
        List<BBytes> path;
        BValue pv = f.get("path.utf-8");
        if (!(pv instanceof BList) || !allStrings((BList) pv)) {
            pv = f.get("path");
        }
        if (pv == null) {
            if (!pad) {
                throw new MetainfoException(Reason.MISSING_KEY, "a file without a path");
            }
            path = List.of(); // BEP 47: a pad file's path may be omitted
        } else {
            path = stringList(pv, "path");
            if (path.size() > limits.maxPathDepth()) {
                throw new MetainfoException(Reason.PATH_TOO_DEEP, "a path " + path.size()
                        + " components deep, more than the limit of " + limits.maxPathDepth());
            }
        }
        List<BBytes> link = List.of();
        if (symlink) {
            BValue sv = f.get("symlink path");
            if (sv == null) {
                throw new MetainfoException(Reason.MISSING_KEY, "a symlink without a symlink path");
            }
            link = stringList(sv, "symlink path");
        }
        return new RawFile(path, length, attr, null, link, optionalLong(f, "mtime", -1));
    }

    private static boolean allStrings(BList list) {
        for (BValue v : list.values()) {
            if (!(v instanceof BBytes)) {
                return false;
            }
        }
        return true;
    }

    private static List<BBytes> stringList(BValue v, String key) {
        if (!(v instanceof BList list)) {
            throw new MetainfoException(Reason.WRONG_TYPE, key + " is not a list");
        }
        List<BBytes> out = new ArrayList<>(list.size());
        for (BValue e : list.values()) {
            if (!(e instanceof BBytes b)) {
                throw new MetainfoException(Reason.WRONG_TYPE, "an element of " + key + " is not a string");
            }
            out.add(b);
        }
        return out;
    }

    private static final BBytes EMPTY_KEY = BBytes.of(new byte[0]);

    private static void walkTree(BDict dir, List<BBytes> prefix, List<RawFile> out, MetainfoLimits limits) {
        if (prefix.size() > limits.maxPathDepth()) {
            throw new MetainfoException(Reason.PATH_TOO_DEEP,
                    "the file tree is nested deeper than the limit of " + limits.maxPathDepth());
        }
        for (Map.Entry<BBytes, BValue> e : dir.entries().entrySet()) {
            BBytes key = e.getKey();
            if (key.length() == 0) {
                throw new MetainfoException(Reason.BAD_FILE_TREE, "a directory with an empty-named entry");
            }
            if (!(e.getValue() instanceof BDict node)) {
                throw new MetainfoException(Reason.BAD_FILE_TREE, "file tree entry '" + key.asString()
                        + "' is not a dictionary");
            }
            List<BBytes> path = new ArrayList<>(prefix.size() + 1);
            path.addAll(prefix);
            path.add(key);
            BValue fileValue = node.get(EMPTY_KEY);
            if (fileValue != null) {
                if (node.size() != 1) {
                    throw new MetainfoException(Reason.BAD_FILE_TREE, "'" + key.asString()
                            + "' is both a file and a directory");
                }
                if (!(fileValue instanceof BDict file)) {
                    throw new MetainfoException(Reason.BAD_FILE_TREE, "the properties of '" + key.asString()
                            + "' are not a dictionary");
                }
                out.add(v2File(file, path));
            } else {
                if (node.size() == 0) {
                    throw new MetainfoException(Reason.BAD_FILE_TREE, "'" + key.asString()
                            + "' is an empty directory");
                }
                if (path.size() >= limits.maxPathDepth()) {
                    throw new MetainfoException(Reason.PATH_TOO_DEEP,
                            "the file tree is nested deeper than the limit of " + limits.maxPathDepth());
                }
                walkTree(node, path, out, limits);
            }
        }
    }

    private static RawFile v2File(BDict file, List<BBytes> path) {
        String attr = attr(file);
        if (attr.indexOf('p') >= 0) {
            throw new MetainfoException(Reason.BAD_PAD_FILE, "a v2 file tree has no pad files");
        }
        boolean symlink = attr.indexOf('l') >= 0;
        long length;
        BValue lv = file.get("length");
        if (lv == null) {
            if (!symlink) {
                throw new MetainfoException(Reason.BAD_FILE_TREE, "a file in the file tree without a length");
            }
            length = 0;
        } else if (lv instanceof BInt li) {
            length = li.value();
        } else {
            throw new MetainfoException(Reason.WRONG_TYPE, "a file length is not an integer");
        }
        if (length < 0) {
            throw new MetainfoException(Reason.BAD_LENGTH, "negative file length " + length);
        }
        if (symlink && length != 0) {
            throw new MetainfoException(Reason.BAD_LENGTH, "a symlink must have length 0, not " + length);
        }
        byte[] root = null;
        if (length > 0) {
            BValue rv = file.get("pieces root");
            if (!(rv instanceof BBytes rb) || rb.length() != Merkle.HASH_SIZE) {
                throw new MetainfoException(Reason.BAD_PIECES_ROOT, "the pieces root of a non-empty file is "
                        + (rv == null ? "missing" : "not a 32-byte string"));
            }
            root = rb.bytes();
        }
        List<BBytes> link = List.of();
        if (symlink) {
            BValue sv = file.get("symlink path");
            if (sv == null) {
                throw new MetainfoException(Reason.MISSING_KEY, "a symlink without a symlink path");
            }
            link = stringList(sv, "symlink path");
        }
        return new RawFile(List.copyOf(path), length, attr, root, link, optionalLong(file, "mtime", -1));
    }

    private static void checkHybrid(List<RawFile> v1Files, long[] offsets, List<RawFile> v2Files, long pieceLength,
                                    long v1Pieces) {
        int k = 0;
        long v2Pieces = 0;
        for (int i = 0; i < v1Files.size(); i++) {
            RawFile a = v1Files.get(i);
            if (a.isPad()) {
                continue;
            }
            if (k >= v2Files.size()) {
                throw new MetainfoException(Reason.HYBRID_MISMATCH, "the v1 part has more files than the v2 part");
            }
            RawFile b = v2Files.get(k++);
            if (!a.path().equals(b.path())) {
                throw new MetainfoException(Reason.HYBRID_MISMATCH, "file " + (k - 1) + " is '" + a.display()
                        + "' in the v1 part but '" + b.display() + "' in the v2 part");
            }
            if (a.length() != b.length()) {
                throw new MetainfoException(Reason.HYBRID_MISMATCH, "'" + a.display() + "' has length "
                        + a.length() + " in the v1 part but " + b.length() + " in the v2 part");
            }
            if (a.length() > 0 && offsets[i] % pieceLength != 0) {
                throw new MetainfoException(Reason.HYBRID_MISMATCH, "'" + a.display()
                        + "' does not start on a piece boundary in the v1 part (pad files missing)");
            }
            v2Pieces += Math.ceilDiv(b.length(), pieceLength);
        }
        if (k != v2Files.size()) {
            throw new MetainfoException(Reason.HYBRID_MISMATCH, "the v2 part has more files than the v1 part");
        }
        if (v1Pieces != v2Pieces) {
            throw new MetainfoException(Reason.HYBRID_MISMATCH,
                    "the v1 part has " + v1Pieces + " pieces but the v2 part " + v2Pieces);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Outside the info dictionary

    private static Map<BBytes, byte[]> pieceLayers(BDict root, InfoDictionary info, boolean requireAll) {
        BValue plv = root.get("piece layers");
        if (plv != null && !(plv instanceof BDict)) {
            throw new MetainfoException(Reason.BAD_PIECE_LAYERS, "piece layers is not a dictionary");
        }
        BDict given = (BDict) plv;
        Map<BBytes, byte[]> layers = new HashMap<>();
        long pieceLength = info.pieceLength();
        for (FileEntry f : info.files()) {
            if (f.isPad() || f.length() <= pieceLength) {
                continue;
            }
            byte[] piecesRoot = f.piecesRoot();
            BBytes key = BBytes.of(piecesRoot);
            if (layers.containsKey(key)) {
                continue;
            }
            BValue lv = given == null ? null : given.get(key);
            if (lv == null && !requireAll) {
                continue;
            }
            if (lv == null) {
                throw new MetainfoException(Reason.BAD_PIECE_LAYERS, "no piece layer for '" + f.pathString() + "'");
            }
            if (!(lv instanceof BBytes lb)) {
                throw new MetainfoException(Reason.BAD_PIECE_LAYERS, "a piece layer is not a string");
            }
            long pieces = Math.ceilDiv(f.length(), pieceLength);
            if (lb.length() != pieces * Merkle.HASH_SIZE) {
                throw new MetainfoException(Reason.BAD_PIECE_LAYERS, "the piece layer of '" + f.pathString()
                        + "' has " + lb.length() + " bytes, not " + pieces * Merkle.HASH_SIZE);
            }
            byte[] layer = lb.bytes();
            if (!Arrays.equals(Merkle.rootFromPieceLayer(layer, f.length(), pieceLength), piecesRoot)) {
                throw new MetainfoException(Reason.BAD_PIECE_LAYERS, "the piece layer of '" + f.pathString()
                        + "' does not hash to its pieces root");
            }
            layers.put(key, layer);
        }
        return layers;
    }

    private static List<List<String>> announceTiers(BDict root) {
        Set<String> seen = new LinkedHashSet<>();
        List<List<String>> tiers = new ArrayList<>();
        BValue al = root.get("announce-list");
        if (al != null) {
            if (!(al instanceof BList list)) {
                throw new MetainfoException(Reason.BAD_TRACKERS, "announce-list is not a list");
            }
            for (BValue tv : list.values()) {
                if (!(tv instanceof BList tier)) {
                    throw new MetainfoException(Reason.BAD_TRACKERS, "a tier of announce-list is not a list");
                }
                List<String> urls = new ArrayList<>();
                for (BValue uv : tier.values()) {
                    String url = url(uv, "announce-list");
                    if (url != null && seen.add(url)) {
                        urls.add(url);
                    }
                }
                if (!urls.isEmpty()) {
                    tiers.add(List.copyOf(urls));
                }
            }
        }
        BValue a = root.get("announce");
        if (a != null) {
            String url = url(a, "announce");
            if (tiers.isEmpty() && url != null) {
                tiers.add(List.of(url)); // BEP 12: announce is used only without announce-list
            }
        }
        return tiers;
    }

    private static List<String> urlList(BDict root) {
        BValue v = root.get("url-list");
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (v instanceof BList list) {
            for (BValue e : list.values()) {
                String url = url(e, "url-list");
                if (url != null && !out.contains(url)) {
                    out.add(url);
                }
            }
        } else {
            String url = url(v, "url-list");
            if (url != null) {
                out.add(url);
            }
        }
        return out;
    }

    /** A trimmed URL, or null for an empty string. */
    private static String url(BValue v, String key) {
        if (!(v instanceof BBytes b)) {
            throw new MetainfoException(Reason.BAD_TRACKERS, "an entry of " + key + " is not a string");
        }
        if (b.length() > MAX_URL_BYTES) {
            throw new MetainfoException(Reason.BAD_TRACKERS, "a URL in " + key + " is longer than "
                    + MAX_URL_BYTES + " bytes");
        }
        String s = b.asString().strip();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == ' ') {
                throw new MetainfoException(Reason.BAD_TRACKERS, "a URL in " + key
                        + " contains a space or control character");
            }
        }
        return s.isEmpty() ? null : s;
    }

    private static String text(BDict root, String key) {
        BValue v = root.get(key + ".utf-8");
        if (!(v instanceof BBytes)) {
            v = root.get(key);
        }
        return v instanceof BBytes b ? b.asString() : null;
    }

    private static long creationDate(BDict root) {
        return root.get("creation date") instanceof BInt i && i.value() >= 0 ? i.value() : -1;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Typed access that fails with a MetainfoException

    private static BBytes requiredBytes(BDict d, String key) {
        BValue v = d.get(key);
        if (v == null) {
            throw new MetainfoException(Reason.MISSING_KEY, "no " + key);
        }
        if (!(v instanceof BBytes b)) {
            throw new MetainfoException(Reason.WRONG_TYPE, key + " is not a string");
        }
        return b;
    }

    private static BBytes optionalBytes(BDict d, String key) {
        BValue v = d.get(key);
        if (v != null && !(v instanceof BBytes)) {
            throw new MetainfoException(Reason.WRONG_TYPE, key + " is not a string");
        }
        return (BBytes) v;
    }

    private static long requiredLong(BDict d, String key) {
        BValue v = d.get(key);
        if (v == null) {
            throw new MetainfoException(Reason.MISSING_KEY, "no " + key);
        }
        if (!(v instanceof BInt i)) {
            throw new MetainfoException(Reason.WRONG_TYPE, key + " is not an integer");
        }
        return i.value();
    }

    private static long optionalLong(BDict d, String key, long fallback) {
        BValue v = d.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof BInt i)) {
            throw new MetainfoException(Reason.WRONG_TYPE, key + " is not an integer");
        }
        return i.value();
    }

    private static String attr(BDict d) {
        BValue v = d.get("attr");
        if (v == null) {
            return "";
        }
        if (!(v instanceof BBytes b)) {
            throw new MetainfoException(Reason.WRONG_TYPE, "attr is not a string");
        }
        return new String(b.bytes(), StandardCharsets.ISO_8859_1);
    }
}
