package io.hivemind.bt.wire.metainfo;

import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BInt;
import io.hivemind.bt.wire.bencode.BList;
import io.hivemind.bt.wire.bencode.BValue;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds small, valid v1, v2 and hybrid torrents in memory (file contents are zeros, hashes are real), and terse
 * bencode values, so tests and the malformed-fixture generator can take a valid torrent and break one thing.
 */
final class TorrentBuilder {
    private TorrentBuilder() {
    }

    /** A file of a test torrent: path components below the root and a length. */
    record F(long length, String... path) {
        boolean pad() {
            return path.length > 0 && path[0].equals(".pad");
        }
    }

    static F f(long length, String... path) {
        return new F(length, path);
    }

    /** Terse dictionary: alternating keys and values (BValue, String, Number, byte[], List). */
    static BDict d(Object... kv) {
        BDict.Builder b = BDict.builder();
        for (int i = 0; i < kv.length; i += 2) {
            b.put((String) kv[i], v(kv[i + 1]));
        }
        return b.build();
    }

    static BList l(Object... items) {
        List<BValue> out = new ArrayList<>();
        for (Object o : items) {
            out.add(v(o));
        }
        return new BList(out);
    }

    static BValue v(Object o) {
        return switch (o) {
            case BValue b -> b;
            case String s -> BBytes.of(s);
            case Number n -> BInt.of(n.longValue());
            case byte[] b -> BBytes.of(b);
            case List<?> list -> l(list.toArray());
            default -> throw new IllegalArgumentException(o.getClass().toString());
        };
    }

    /** Returns {@code dict} with {@code key} set to {@code value} (or removed when value is null). */
    static BDict with(BDict dict, String key, Object value) {
        BDict.Builder b = BDict.builder().putAll(dict);
        if (value == null) {
            b.remove(key);
        } else {
            b.put(key, v(value));
        }
        return b.build();
    }

    /** SHA-1 piece hashes of {@code totalLength} zero bytes. */
    static byte[] zeroPieces(long totalLength, long pieceLength) {
        int pieces = (int) Math.ceilDiv(totalLength, pieceLength);
        byte[] out = new byte[pieces * 20];
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            for (int p = 0; p < pieces; p++) {
                long size = Math.min(pieceLength, totalLength - (long) p * pieceLength);
                sha1.update(new byte[(int) size]);
                System.arraycopy(sha1.digest(), 0, out, p * 20, 20);
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** The BEP 52 pieces root of {@code length} zero bytes. */
    static byte[] zeroRoot(long length) {
        byte[] leaves = Merkle.leafHashes(new byte[(int) length], 0, (int) length);
        return Merkle.rootFromLeaves(leaves, (int) Merkle.blockCount(length));
    }

    /** The BEP 52 piece layer of {@code length} zero bytes. */
    static byte[] zeroLayer(long length, long pieceLength) {
        byte[] leaves = Merkle.leafHashes(new byte[(int) length], 0, (int) length);
        return Merkle.pieceLayer(leaves, (int) Merkle.blockCount(length), Merkle.leavesPerPiece(pieceLength));
    }

    /** A v1 multi-file info dictionary (pad files are the F entries whose path starts with ".pad"). */
    static BDict v1Info(String name, long pieceLength, F... files) {
        List<BValue> list = new ArrayList<>();
        long total = 0;
        for (F file : files) {
            BDict e = d("length", file.length, "path", l((Object[]) file.path));
            if (file.pad()) {
                e = with(e, "attr", "p");
            }
            list.add(e);
            total += file.length;
        }
        return d("name", name, "piece length", pieceLength, "files", new BList(list),
                "pieces", zeroPieces(total, pieceLength));
    }

    /** A v1 single-file info dictionary. */
    static BDict v1Single(String name, long pieceLength, long length) {
        return d("name", name, "piece length", pieceLength, "length", length, "pieces", zeroPieces(length, pieceLength));
    }

    /** A BEP 52 file tree for the non-pad files. */
    static BDict fileTree(F... files) {
        Map<String, Object> tree = new TreeMap<>();
        for (F file : files) {
            if (file.pad()) {
                continue;
            }
            Map<String, Object> dir = tree;
            for (int i = 0; i < file.path.length - 1; i++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> sub = (Map<String, Object>) dir.computeIfAbsent(file.path[i], k -> new TreeMap<>());
                dir = sub;
            }
            BDict props = file.length > 0 ? d("length", file.length, "pieces root", zeroRoot(file.length))
                    : d("length", 0);
            dir.put(file.path[file.path.length - 1], BDict.builder().put(BBytes.of(new byte[0]), props).build());
        }
        return toDict(tree);
    }

    private static BDict toDict(Map<String, Object> tree) {
        BDict.Builder b = BDict.builder();
        for (Map.Entry<String, Object> e : tree.entrySet()) {
            if (e.getValue() instanceof BDict dict) {
                b.put(e.getKey(), dict);
            } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) e.getValue();
                b.put(e.getKey(), toDict(m));
            }
        }
        return b.build();
    }

    /** A v2 info dictionary. */
    static BDict v2Info(String name, long pieceLength, F... files) {
        return d("name", name, "piece length", pieceLength, "meta version", 2, "file tree", fileTree(files));
    }

    /** A hybrid info dictionary: the v1 list as given (pads included) and the file tree of the same files. */
    static BDict hybridInfo(String name, long pieceLength, F... files) {
        BDict v1 = v1Info(name, pieceLength, files);
        return with(with(v1, "meta version", 2), "file tree", fileTree(files));
    }

    /** The piece layers for the non-pad files longer than a piece. */
    static BDict pieceLayers(long pieceLength, F... files) {
        BDict.Builder b = BDict.builder();
        for (F file : files) {
            if (!file.pad() && file.length > pieceLength) {
                b.put(BBytes.of(zeroRoot(file.length)), BBytes.of(zeroLayer(file.length, pieceLength)));
            }
        }
        return b.build();
    }

    /** A whole torrent around an info dictionary, with piece layers when the info is v2 or hybrid. */
    static BDict torrent(BDict info, F... files) {
        BDict root = d("announce", "http://tracker.example/announce", "info", info);
        if (info.containsKey("meta version")) {
            root = with(root, "piece layers", pieceLayers(info.getLong("piece length", 0), files));
        }
        return root;
    }
}
