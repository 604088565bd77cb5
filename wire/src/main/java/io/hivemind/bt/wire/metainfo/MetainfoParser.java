package io.hivemind.bt.wire.metainfo;

import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BList;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import io.hivemind.bt.wire.bencode.BencodeException;
import io.hivemind.bt.wire.metainfo.MetainfoException.Reason;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Parses torrents. FIRST CUT: v1 single- and multi-file only, minimal validation; v2, hybrid, path sanitising and
 * full validation are being added (issue 3).
 */
final class MetainfoParser {
    private MetainfoParser() {
    }

    static Metainfo parse(byte[] bytes, MetainfoLimits limits) {
        BValue top;
        try {
            top = BencodeDecoder.decode(bytes, limits.bencode());
        } catch (BencodeException e) {
            throw new MetainfoException(Reason.BAD_BENCODE, "not a valid torrent: " + e.getMessage(), e);
        }
        if (!(top instanceof BDict root)) {
            throw new MetainfoException(Reason.NOT_A_DICTIONARY, "a torrent file is a dictionary");
        }
        BValue infoValue = root.get("info");
        if (!(infoValue instanceof BDict infoDict)) {
            throw new MetainfoException(Reason.MISSING_INFO, "no info dictionary");
        }
        byte[] raw = Arrays.copyOfRange(bytes, infoDict.sourceStart(), infoDict.sourceEnd());
        InfoDictionary info = parseInfo(infoDict, raw, limits);
        List<List<String>> tiers = new ArrayList<>();
        BList announceList = root.getList("announce-list");
        if (announceList != null) {
            for (BValue tier : announceList.values()) {
                if (tier instanceof BList l) {
                    List<String> urls = new ArrayList<>();
                    for (BValue u : l.values()) {
                        if (u instanceof BBytes b) {
                            urls.add(b.asString());
                        }
                    }
                    if (!urls.isEmpty()) {
                        tiers.add(urls);
                    }
                }
            }
        }
        String announce = root.getString("announce");
        if (tiers.isEmpty() && announce != null && !announce.isEmpty()) {
            tiers.add(List.of(announce));
        }
        return new Metainfo(root, info, hashes(raw, info.version()), tiers, List.of(), root.getString("comment"),
                root.getString("created by"), root.getLong("creation date", -1), Map.of());
    }

    static Metainfo fromInfoDictionary(byte[] infoBytes, InfoHashes expected, List<List<String>> trackers,
                                       MetainfoLimits limits) {
        BValue v = BencodeDecoder.decode(infoBytes, limits.bencode());
        if (!(v instanceof BDict d)) {
            throw new MetainfoException(Reason.NOT_A_DICTIONARY, "info is not a dictionary");
        }
        InfoDictionary info = parseInfo(d, infoBytes.clone(), limits);
        InfoHashes actual = hashes(infoBytes, info.version());
        if (!actual.equals(expected)) {
            throw new MetainfoException(Reason.HASH_MISMATCH, "metadata does not match the info-hash");
        }
        BDict root = BDict.builder().put("info", d).build();
        return new Metainfo(root, info, actual, trackers, List.of(), null, null, -1, Map.of());
    }

    private static InfoDictionary parseInfo(BDict d, byte[] raw, MetainfoLimits limits) {
        String name = d.getString("name");
        long pieceLength = d.getLong("piece length", 0);
        if (pieceLength <= 0) {
            throw new MetainfoException(Reason.BAD_PIECE_LENGTH, "piece length must be positive");
        }
        BBytes pieces = d.getBytes("pieces");
        if (pieces == null || pieces.length() % 20 != 0) {
            throw new MetainfoException(Reason.BAD_PIECES, "pieces must be a multiple of 20 bytes");
        }
        List<FileEntry> files = new ArrayList<>();
        boolean single = d.containsKey("length");
        if (single) {
            files.add(new FileEntry(0, List.of(name), d.getLong("length", -1), 0, "", null, List.of(), -1));
        } else {
            long offset = 0;
            for (BValue fv : d.getList("files").values()) {
                BDict f = (BDict) fv;
                List<String> path = new ArrayList<>();
                path.add(name);
                for (BValue c : f.getList("path").values()) {
                    path.add(((BBytes) c).asString());
                }
                long len = f.getLong("length", -1);
                files.add(new FileEntry(files.size(), path.subList(1, path.size()), len, offset,
                        f.getString("attr"), null, List.of(), -1));
                offset += len;
            }
        }
        InfoDictionary info = new InfoDictionary(name, pieceLength, files, single, TorrentVersion.V1,
                d.getLong("private", 0) == 1, d.getString("source"), pieces.bytes(), d, raw);
        if (info.pieceCount() != pieces.length() / 20) {
            throw new MetainfoException(Reason.BAD_PIECES, "piece count does not match the total length");
        }
        return info;
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
}
