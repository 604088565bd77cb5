package io.hivemind.bt.client.daemon;

import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BInt;
import io.hivemind.bt.wire.bencode.BList;
import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeEncoder;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Tiny v1 torrents made in code (BEP 3), and a {@link TorrentFactory} that builds them from files on disk. */
public final class TestTorrents {
    private TestTorrents() {
    }

    /** A single-file v1 torrent of {@code data}. */
    public static byte[] single(String name, byte[] data, int pieceLength, String announce) {
        BDict info = BDict.builder().put("name", name).put("piece length", pieceLength).put("length", data.length)
                .put("pieces", pieces(data, pieceLength)).build();
        BDict.Builder root = BDict.builder().put("info", info).put("created by", "hivebt tests");
        if (announce != null) {
            root.put("announce", announce);
        }
        return BencodeEncoder.encode(root.build());
    }

    /** A multi-file v1 torrent: {@code files[i]} named {@code names[i]}. */
    public static byte[] multi(String name, List<String> names, List<byte[]> files, int pieceLength) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<BValue> list = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            all.writeBytes(files.get(i));
            List<BValue> path = new ArrayList<>();
            for (String c : names.get(i).split("/")) {
                path.add(BBytes.of(c));
            }
            list.add(BDict.builder().put("length", files.get(i).length).put("path", new BList(path)).build());
        }
        BDict info = BDict.builder().put("name", name).put("piece length", pieceLength).put("files", new BList(list))
                .put("pieces", pieces(all.toByteArray(), pieceLength)).build();
        return BencodeEncoder.encode(BDict.builder().put("info", info).build());
    }

    static byte[] pieces(byte[] data, int pieceLength) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int off = 0; off < data.length; off += pieceLength) {
                sha1.update(data, off, Math.min(pieceLength, data.length - off));
                out.writeBytes(sha1.digest());
            }
            return out.toByteArray();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Builds v1 torrents over files on disk (v2 and hybrid refused). Good for tests; it reads everything into memory. */
    public static final TorrentFactory FACTORY = spec -> {
        if (spec.kind() != TorrentVersion.V1) {
            throw new UnsupportedOperationException("the test factory makes only v1 torrents");
        }
        int pl = spec.pieceSize() == 0 ? 16 * 1024 : (int) spec.pieceSize();
        byte[] t;
        if (Files.isDirectory(spec.content())) {
            List<Path> files;
            try (Stream<Path> s = Files.walk(spec.content())) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            }
            List<String> names = new ArrayList<>();
            List<byte[]> data = new ArrayList<>();
            for (Path f : files) {
                names.add(spec.content().relativize(f).toString());
                data.add(Files.readAllBytes(f));
            }
            t = multi(spec.name(), names, data, pl);
        } else {
            t = single(spec.name(), Files.readAllBytes(spec.content()), pl, null);
        }
        io.hivemind.bt.wire.bencode.BDict root = (io.hivemind.bt.wire.bencode.BDict)
                io.hivemind.bt.wire.bencode.BencodeDecoder.decode(t);
        BDict.Builder b = BDict.builder().putAll(root);
        if (!spec.trackers().isEmpty()) {
            b.put("announce", spec.trackers().getFirst().getFirst());
        }
        if (spec.comment() != null) {
            b.put("comment", spec.comment());
        }
        if (spec.isPrivate()) {
            BDict info = BDict.builder().putAll(root.getDict("info")).put("private", new BInt(1)).build();
            b.put("info", info);
        }
        return BencodeEncoder.encode(b.build());
    };
}
