package io.hivemind.bt.storage;

import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import io.hivemind.bt.wire.metainfo.FileEntry;
import io.hivemind.bt.wire.metainfo.InfoDictionary;
import io.hivemind.bt.wire.testing.ExternalPrograms;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Torrents made by the real libtorrent (python3-libtorrent), to check our v2 hashing against. Test only. */
final class LibtorrentTorrents {
    private LibtorrentTorrents() {
    }

    /**
     * Creates a torrent of {@code parent/name} with libtorrent; {@code mode} is "hybrid" or "v2".
     * Skips (locally) or fails (CI) when libtorrent is missing.
     */
    static byte[] create(Path parent, String name, int pieceLength, String mode) throws IOException,
            InterruptedException {
        ExternalPrograms.requireLibtorrent();
        Path out = parent.resolve(name + "." + mode + ".torrent");
        String flags = mode.equals("v2") ? "lt.create_torrent.v2_only" : "0";
        String script = String.join("\n",
                "import libtorrent as lt, sys",
                "fs = lt.file_storage()",
                "lt.add_files(fs, sys.argv[1])",
                "t = lt.create_torrent(fs, int(sys.argv[2]), flags=" + flags + ")",
                "lt.set_piece_hashes(t, sys.argv[3])",
                "open(sys.argv[4], 'wb').write(lt.bencode(t.generate()))");
        Process p = new ProcessBuilder(ExternalPrograms.SYSTEM_PYTHON.toString(), "-c", script,
                parent.resolve(name).toString(), Integer.toString(pieceLength), parent.toString(), out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("libtorrent failed: " + log);
        }
        return Files.readAllBytes(out);
    }

    /** The {@code pieces root} of the file at {@code path} (components below the torrent's name) in a v2 file tree. */
    static byte[] piecesRoot(BDict info, List<String> path) {
        BDict node = info.getDict("file tree");
        for (String c : path) {
            node = node.getDict(c);
            if (node == null) {
                return null;
            }
        }
        BDict leaf = node.getDict("");
        BBytes root = leaf == null ? null : leaf.getBytes("pieces root");
        return root == null ? null : root.bytes();
    }

    /**
     * The v1 and v2 hashes of a libtorrent hybrid torrent, from its raw bencode; {@code info} is the v1 view of the
     * same torrent (same piece space, pad files included).
     */
    static PieceHashes hybridHashes(byte[] torrent, InfoDictionary info) {
        BDict root = (BDict) BencodeDecoder.decode(torrent);
        BDict infoDict = root.getDict("info");
        BDict layers = root.getDict("piece layers");
        long pl = info.pieceLength();
        return new PieceHashes() {
            @Override
            public boolean hasV1() {
                return true;
            }

            @Override
            public boolean hasV2() {
                return true;
            }

            @Override
            public boolean v1Equals(int piece, byte[] sha1, int offset) {
                return info.v1PieceHashEquals(piece, sha1, offset);
            }

            @Override
            public byte[] v2Hash(int piece) {
                int fi = info.fileIndexAt(piece * pl);
                FileEntry f = info.files().get(fi);
                byte[] pr = piecesRoot(infoDict, f.path());
                if (pr == null) {
                    return null;
                }
                if (f.length() <= pl) {
                    return pr;
                }
                BValue layer = layers.get(BBytes.of(pr));
                byte[] l = ((BBytes) layer).bytes();
                int i = piece - f.firstPiece(pl);
                return Arrays.copyOfRange(l, i * 32, i * 32 + 32);
            }
        };
    }
}
