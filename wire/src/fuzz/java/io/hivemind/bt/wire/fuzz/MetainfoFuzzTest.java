package io.hivemind.bt.wire.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.wire.metainfo.FileEntry;
import io.hivemind.bt.wire.metainfo.InfoDictionary;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.MetainfoException;
import io.hivemind.bt.wire.metainfo.PathSanitizer;
import java.nio.file.Path;

/**
 * Arbitrary bytes never crash the metainfo parser: they give a {@link Metainfo} or a {@link MetainfoException} with a
 * reason. Whatever parses re-writes to a torrent with the same info-hashes, every file path is safe and resolves
 * inside its root, and piece sizes are consistent. Seeds: v1, v2 and hybrid torrents made by libtorrent.
 * Run longer with {@code JAZZER_FUZZ=1 ./test.sh -pl wire -Dtest=MetainfoFuzzTest}.
 */
class MetainfoFuzzTest {
    private static final Path ROOT = Path.of("/download-root");

    @FuzzTest(maxDuration = "10s")
    void parse(byte[] input) {
        Metainfo m;
        try {
            m = Metainfo.parse(input);
        } catch (MetainfoException expected) {
            assertNotNull(expected.reason());
            return;
        }
        assertEquals(m.infoHashes(), Metainfo.parse(m.encode()).infoHashes());
        InfoDictionary info = m.info();
        assertTrue(PathSanitizer.isSafeComponent(info.name()));
        long sum = 0;
        for (FileEntry f : info.files()) {
            if (!f.isPad()) {
                assertTrue(PathSanitizer.resolve(ROOT.resolve(info.name()), f.path()).startsWith(ROOT));
            }
            sum += f.isPad() ? 0 : f.length();
        }
        assertEquals(sum, info.totalLength());
        long pieces = 0;
        for (int p = 0; p < info.pieceCount(); p++) {
            int size = info.pieceSize(p);
            assertTrue(size > 0 && size <= info.pieceLength());
            pieces += size;
        }
        // v1 and hybrid pieces tile the piece space (pads included); v2 pieces stop at each file's end
        assertEquals(info.version().hasV1() ? info.pieceSpaceLength() : info.totalLength(), pieces);
    }
}
