package io.hivemind.bt.storage;

import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BInt;
import io.hivemind.bt.wire.bencode.BList;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.metainfo.InfoDictionary;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A tiny v1 torrent generated in code (test only): files with seeded random contents, optional BEP 47 pad files
 * after every file so each starts on a piece boundary, SHA-1 piece hashes, parsed back with {@link Metainfo#parse}.
 */
public final class TestTorrent {
    /** One file of the torrent; {@code data} is null for pad files. */
    public record File(List<String> path, byte[] data, long padLength) {
        boolean isPad() {
            return data == null;
        }

        long length() {
            return data == null ? padLength : data.length;
        }
    }

    private final String name;
    private final int pieceLength;
    private final List<File> files;
    private final byte[] torrent;
    private final Metainfo metainfo;
    private final byte[] pieceSpace;

    private TestTorrent(String name, int pieceLength, List<File> files, boolean single) {
        this.name = name;
        this.pieceLength = pieceLength;
        this.files = List.copyOf(files);
        long total = files.stream().mapToLong(File::length).sum();
        this.pieceSpace = new byte[Math.toIntExact(total)];
        int pos = 0;
        for (File f : files) {
            if (!f.isPad()) {
                System.arraycopy(f.data(), 0, pieceSpace, pos, f.data().length);
            }
            pos += (int) f.length();
        }
        int pieces = (int) ((total + pieceLength - 1) / pieceLength);
        byte[] hashes = new byte[pieces * 20];
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            for (int p = 0; p < pieces; p++) {
                int from = p * pieceLength;
                int to = (int) Math.min(total, from + (long) pieceLength);
                sha1.update(pieceSpace, from, to - from);
                System.arraycopy(sha1.digest(), 0, hashes, p * 20, 20);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        BDict.Builder info = BDict.builder().put("name", name).put("piece length", pieceLength).put("pieces", hashes);
        if (single) {
            info.put("length", files.get(0).length());
        } else {
            List<BValue> list = new ArrayList<>();
            for (File f : files) {
                List<BValue> path = new ArrayList<>();
                for (String c : f.path()) {
                    path.add(BBytes.of(c));
                }
                BDict.Builder fd = BDict.builder().put("length", BInt.of(f.length())).put("path", new BList(path));
                if (f.isPad()) {
                    fd.put("attr", "p");
                }
                list.add(fd.build());
            }
            info.put("files", new BList(list));
        }
        this.torrent = BDict.builder().put("announce", "http://127.0.0.1:1/announce").put("info", info.build())
                .build().encode();
        this.metainfo = Metainfo.parse(torrent);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public Metainfo metainfo() {
        return metainfo;
    }

    public InfoDictionary info() {
        return metainfo.info();
    }

    public PieceHashes hashes() {
        return PieceHashes.of(metainfo);
    }

    public byte[] torrentBytes() {
        return torrent.clone();
    }

    public int pieceLength() {
        return pieceLength;
    }

    public int pieceCount() {
        return metainfo.info().pieceCount();
    }

    /** All files' bytes concatenated (pad zeros included): piece {@code p} is at {@code p * pieceLength}. */
    public byte[] pieceSpace() {
        return pieceSpace;
    }

    /** The bytes of piece {@code p}. */
    public byte[] piece(int p) {
        int from = p * pieceLength;
        return Arrays.copyOfRange(pieceSpace, from, from + metainfo.info().pieceSize(p));
    }

    public List<File> files() {
        return files;
    }

    /** The data of file {@code index} (torrent order, pads included: null for pads). */
    public byte[] data(int index) {
        return files.get(index).data();
    }

    /** Where file {@code index} lands below {@code saveDir}. */
    public Path pathIn(Path saveDir, int index) {
        Path p = saveDir;
        if (files.size() > 1 || !metainfo.info().isSingleFile()) {
            p = p.resolve(name);
        }
        for (String c : files.get(index).path()) {
            p = p.resolve(c);
        }
        return p;
    }

    /** Writes every non-pad file below {@code saveDir}, as a finished download would be. */
    public void writeTo(Path saveDir) {
        try {
            for (int i = 0; i < files.size(); i++) {
                if (files.get(i).isPad()) {
                    continue;
                }
                Path p = pathIn(saveDir, i);
                Files.createDirectories(p.getParent());
                Files.write(p, files.get(i).data());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builder; not thread-safe. */
    public static final class Builder {
        private final String name;
        private final List<File> files = new ArrayList<>();
        private int pieceLength = 32 * 1024;
        private boolean pad;
        private long seed = 1;
        private boolean single;

        private Builder(String name) {
            this.name = name;
        }

        public Builder pieceLength(int pieceLength) {
            this.pieceLength = pieceLength;
            return this;
        }

        /** Align every file to a piece boundary with BEP 47 pad files (as hybrid torrents do). */
        public Builder pad(boolean pad) {
            this.pad = pad;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** A single-file torrent (one call to {@link #file} only). */
        public Builder single(boolean single) {
            this.single = single;
            return this;
        }

        /** A file of {@code length} seeded random bytes at {@code path} ('/'-separated below the torrent's root). */
        public Builder file(String path, int length) {
            byte[] data = new byte[length];
            new SplittableRandom(seed * 1_000_003 + files.size()).nextBytes(data);
            return file(path, data);
        }

        public Builder file(String path, byte[] data) {
            return file(List.of(path.split("/")), data);
        }

        /** A file at exactly these path components (hostile ones included: nothing is checked here). */
        public Builder file(List<String> components, byte[] data) {
            files.add(new File(List.copyOf(components), data, 0));
            return this;
        }

        public TestTorrent build() {
            List<File> out = new ArrayList<>();
            long pos = 0;
            for (int i = 0; i < files.size(); i++) {
                File f = files.get(i);
                out.add(f);
                pos += f.length();
                if (pad && i < files.size() - 1 && pos % pieceLength != 0) {
                    long padLen = pieceLength - pos % pieceLength;
                    out.add(new File(List.of(".pad", Long.toString(padLen)), null, padLen));
                    pos += padLen;
                }
            }
            if (single) {
                if (out.size() != 1) {
                    throw new IllegalStateException("a single-file torrent has one file");
                }
                return new TestTorrent(out.get(0).path().getLast(), pieceLength, out, true);
            }
            return new TestTorrent(name, pieceLength, out, false);
        }
    }
}
