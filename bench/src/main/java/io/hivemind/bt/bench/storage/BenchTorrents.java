package io.hivemind.bt.bench.storage;

import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/** Single-file torrents for the storage benchmarks. */
final class BenchTorrents {
    private BenchTorrents() {
    }

    /** A single-file torrent of {@code length} bytes whose piece hashes are zeros (stores do not check them). */
    static Metainfo unhashed(String name, long length, int pieceLength) {
        int pieces = (int) ((length + pieceLength - 1) / pieceLength);
        return Metainfo.parse(torrent(name, length, pieceLength, new byte[pieces * 20]));
    }

    /** The torrent of an existing file, with real SHA-1 piece hashes. */
    static Metainfo of(Path file, int pieceLength) throws IOException {
        long length = Files.size(file);
        int pieces = (int) ((length + pieceLength - 1) / pieceLength);
        byte[] hashes = new byte[pieces * 20];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            ByteBuffer buf = ByteBuffer.allocate(pieceLength);
            for (int p = 0; p < pieces; p++) {
                buf.clear();
                while (buf.hasRemaining() && ch.read(buf, (long) p * pieceLength + buf.position()) > 0) {
                    // fill
                }
                buf.flip();
                sha1.update(buf);
                System.arraycopy(sha1.digest(), 0, hashes, p * 20, 20);
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return Metainfo.parse(torrent(file.getFileName().toString(), length, pieceLength, hashes));
    }

    private static byte[] torrent(String name, long length, int pieceLength, byte[] hashes) {
        return BDict.builder().put("info", BDict.builder().put("name", name).put("length", length)
                .put("piece length", pieceLength).put("pieces", hashes).build()).build().encode();
    }

    /** Creates {@code file} with {@code length} pseudo-random bytes unless it already has that size. */
    static void ensureRandomFile(Path file, long length) throws IOException {
        if (Files.exists(file) && Files.size(file) == length) {
            return;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        SplittableRandom r = new SplittableRandom(42);
        byte[] chunk = new byte[1 << 20];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long pos = 0; pos < length; pos += chunk.length) {
                r.nextBytes(chunk);
                ByteBuffer b = ByteBuffer.wrap(chunk, 0, (int) Math.min(chunk.length, length - pos));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        }
    }

    /** Reads the whole file once so it is in the page cache. */
    static void warm(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocateDirect(8 << 20);
            while (ch.read(b.clear()) > 0) {
                // page cache
            }
        }
    }
}
