package io.hivemind.bt.client.core.picker;

import static io.hivemind.bt.client.core.picker.BlockLayout.BLOCK_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;
import org.junit.jupiter.api.Test;

class BlockLayoutTest {
    @Test
    void uniformLayoutWithShortLastPiece() {
        BlockLayout l = BlockLayout.uniform(32768, 100_000);
        assertEquals(4, l.pieceCount());
        assertEquals(2 + 2 + 2 + 1, l.totalBlocks());
        assertEquals(100_000 - 3 * 32768, l.pieceSize(3));
        assertEquals(6, l.block(3, 0));
        assertEquals(3, l.pieceOf(6));
        assertEquals(100_000 - 3 * 32768, l.blockLength(6));
        assertEquals(BLOCK_SIZE, l.blockOffset(5));
        assertEquals(3, l.pieceAt(99_999));
        assertEquals(2, l.maxBlocksPerPiece());
        assertThrows(IllegalArgumentException.class, () -> l.block(0, 100));
        assertThrows(IndexOutOfBoundsException.class, () -> l.pieceOf(7));
        assertThrows(IndexOutOfBoundsException.class, () -> l.pieceAt(100_000));
        assertThrows(IllegalArgumentException.class, () -> BlockLayout.of(2, i -> 0));
        assertTrue(l.isUniform());
        assertTrue(BlockLayout.of(3, i -> i == 2 ? 5 : 32768).isUniform());
        assertFalse(BlockLayout.of(3, i -> i == 1 ? 5 : 32768).isUniform());
        assertFalse(BlockLayout.of(2, i -> i == 1 ? 40000 : 32768).isUniform()); // last piece longer
    }

    @Test
    void hugeTorrentsStayWithinIntBlocks() {
        BlockLayout l = BlockLayout.uniform(16 << 20, 1L << 40); // 1 TiB in 16 MiB pieces
        assertEquals(65536, l.pieceCount());
        assertEquals(1 << 26, l.totalBlocks());
        assertEquals(65535, l.pieceOf((1 << 26) - 1));
        assertThrows(IllegalArgumentException.class, () -> BlockLayout.uniform(1 << 30, 1L << 50));
    }

    /** Property: the fast paths agree with a linear walk over pieces, for uniform and per-piece layouts. */
    @Test
    void agreesWithLinearWalk() {
        qt().withExamples(300).forAll(lists().of(integers().between(1, 5 * BLOCK_SIZE)).ofSizeBetween(1, 40), integers().between(0, 1))
                .checkAssert((sizes, uniformFlag) -> {
                    List<Integer> s = sizes;
                    BlockLayout l = uniformFlag == 1
                            ? BlockLayout.uniform(s.get(0), (long) s.get(0) * (s.size() - 1) + Math.min(s.get(0), s.get(s.size() - 1)))
                            : BlockLayout.of(s.size(), s::get);
                    int block = 0;
                    long offset = 0;
                    for (int p = 0; p < l.pieceCount(); p++) {
                        assertEquals(block, l.firstBlock(p));
                        assertEquals(offset, l.pieceStart(p));
                        assertEquals(p, l.pieceAt(offset));
                        assertEquals(p, l.pieceAt(offset + l.pieceSize(p) - 1));
                        int bytes = 0;
                        for (int b = 0; b < l.blocksInPiece(p); b++) {
                            assertEquals(p, l.pieceOf(block + b));
                            assertEquals(b * BLOCK_SIZE, l.blockOffset(block + b));
                            bytes += l.blockLength(block + b);
                        }
                        assertEquals(l.pieceSize(p), bytes);
                        block += l.blocksInPiece(p);
                        offset += l.pieceSize(p);
                    }
                    assertEquals(block, l.totalBlocks());
                    assertEquals(offset, l.totalLength());
                });
    }
}
