package io.hivemind.bt.storage.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import io.hivemind.bt.wire.testing.ExternalPrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BEP 52 merkle trees: 16 KiB SHA-256 leaves, zero leaves past the end, roots and piece layers. */
class MerkleTest {
    @TempDir
    Path dir;

    private static byte[] sha256(byte[]... parts) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) {
            d.update(p);
        }
        return d.digest();
    }

    @Test
    void smallTreesByHand() throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        byte[] l0 = sha256("a".getBytes());
        byte[] l1 = sha256("b".getBytes());
        byte[] l2 = sha256("c".getBytes());
        byte[] zero = new byte[32];
        assertArrayEquals(l0, Merkle.root(d, new byte[][] {l0}, 1, 1), "one leaf: the leaf is the root");
        assertArrayEquals(sha256(l0, l1), Merkle.root(d, new byte[][] {l0, l1}, 2, 2));
        assertArrayEquals(sha256(sha256(l0, l1), sha256(l2, zero)), Merkle.root(d, new byte[][] {l0, l1, l2}, 3, 4),
                "a missing leaf is 32 zero bytes");
        byte[] pad2 = sha256(zero, zero);
        assertArrayEquals(sha256(sha256(l0, zero), pad2), Merkle.root(d, new byte[][] {l0}, 1, 4),
                "padding subtrees hash their zero leaves");
        assertArrayEquals(pad2, Merkle.padRoot(2));
        assertEquals(8, Merkle.nextPowerOfTwo(5));
        assertEquals(1, Merkle.nextPowerOfTwo(1));
        assertEquals(16, Merkle.nextPowerOfTwo(16));
        assertThrows(IllegalArgumentException.class, () -> Merkle.root(d, new byte[][] {l0, l1}, 2, 3));
    }

    private static byte[][] leaves(byte[] data) throws Exception {
        int n = Math.max(1, (data.length + Merkle.LEAF - 1) / Merkle.LEAF);
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            int from = i * Merkle.LEAF;
            out[i] = sha256(Arrays.copyOfRange(data, from, Math.min(data.length, from + Merkle.LEAF)));
        }
        return out;
    }

    /** Our roots and piece layers equal libtorrent's for files of 1 block, 1 piece and many pieces. */
    @Test
    void rootsAndPieceLayersMatchLibtorrent() throws Exception {
        ExternalPrograms.requireLibtorrent();
        Path src = Files.createDirectories(dir.resolve("v2"));
        Map<String, Integer> sizes = Map.of("one-block.bin", 16_384, "three-blocks.bin", 40_000,
                "many.bin", 1_000_000, "tiny.bin", 1, "exact.bin", 4 * 65_536);
        Random r = new Random(2);
        for (var e : sizes.entrySet()) {
            byte[] b = new byte[e.getValue()];
            r.nextBytes(b);
            Files.write(src.resolve(e.getKey()), b);
        }
        int pl = 64 * 1024;
        Path out = dir.resolve("v2.torrent");
        String script = "import libtorrent as lt, sys\nfs = lt.file_storage()\nlt.add_files(fs, sys.argv[1])\n"
                + "t = lt.create_torrent(fs, " + pl + ", flags=lt.create_torrent.v2_only)\n"
                + "lt.set_piece_hashes(t, sys.argv[2])\nopen(sys.argv[3], 'wb').write(lt.bencode(t.generate()))";
        Process p = new ProcessBuilder(ExternalPrograms.SYSTEM_PYTHON.toString(), "-c", script, src.toString(),
                dir.toString(), out.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(true, p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), log);
        BDict root = (BDict) BencodeDecoder.decode(Files.readAllBytes(out));
        BDict tree = root.getDict("info").getDict("file tree");
        BDict layers = root.getDict("piece layers");
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (var e : sizes.entrySet()) {
            byte[] data = Files.readAllBytes(src.resolve(e.getKey()));
            byte[] expected = tree.getDict(e.getKey()).getDict("").getBytes("pieces root").bytes();
            byte[][] lv = leaves(data);
            assertArrayEquals(expected, Merkle.root(d, lv, lv.length, Merkle.nextPowerOfTwo(lv.length)), e.getKey());
            if (data.length > pl) {
                BValue layer = layers.get(BBytes.of(expected));
                assertNotNull(layer, e.getKey());
                byte[] l = ((BBytes) layer).bytes();
                int perPiece = pl / Merkle.LEAF;
                int pieces = (data.length + pl - 1) / pl;
                assertEquals(pieces * 32, l.length);
                for (int i = 0; i < pieces; i++) {
                    int from = i * perPiece;
                    int count = Math.min(perPiece, lv.length - from);
                    byte[][] sub = Arrays.copyOfRange(lv, from, from + count);
                    assertArrayEquals(Arrays.copyOfRange(l, i * 32, i * 32 + 32),
                            Merkle.root(d, sub, count, perPiece), e.getKey() + " piece " + i);
                }
            }
        }
    }
}
