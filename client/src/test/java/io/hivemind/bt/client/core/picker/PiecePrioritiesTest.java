package io.hivemind.bt.client.core.picker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PiecePrioritiesTest {
    // 10 pieces of 100 bytes; files: [0,250) [250,250) empty, [250,700), [700,1000)
    static final BlockLayout LAYOUT = BlockLayout.uniform(100, 1000);
    static final long[] OFF = {0, 250, 250, 700};
    static final long[] LEN = {250, 0, 450, 300};

    @Test
    void sharedPiecesTakeTheHighestFilePriority() {
        byte[] p = PiecePriorities.fromFiles(LAYOUT, OFF, LEN, new int[] {1, 7, 0, 4});
        assertArrayEquals(new byte[] {1, 1, 1, 0, 0, 0, 0, 4, 4, 4}, p); // empty file owns nothing
        p = PiecePriorities.fromFiles(LAYOUT, OFF, LEN, new int[] {1, 0, 6, 4});
        assertArrayEquals(new byte[] {1, 1, 6, 6, 6, 6, 6, 4, 4, 4}, p); // piece 2 shared by files 0 and 2
    }

    @Test
    void firstAndLastPiecesOfWantedFilesGoFirst() {
        int[] prio = {4, 4, 0, 4};
        byte[] p = PiecePriorities.fromFiles(LAYOUT, OFF, LEN, prio);
        PiecePriorities.firstAndLastPiecesFirst(p, LAYOUT, OFF, LEN, prio, 1);
        assertArrayEquals(new byte[] {7, 4, 7, 0, 0, 0, 0, 7, 4, 7}, p);
    }

    @Test
    void rejectsFilesOutsideThePieceSpace() {
        assertThrows(IllegalArgumentException.class,
                () -> PiecePriorities.fromFiles(LAYOUT, new long[] {900}, new long[] {101}, new int[] {1}));
        assertThrows(IllegalArgumentException.class,
                () -> PiecePriorities.fromFiles(LAYOUT, new long[] {0}, new long[] {1}, new int[] {8}));
    }
}
