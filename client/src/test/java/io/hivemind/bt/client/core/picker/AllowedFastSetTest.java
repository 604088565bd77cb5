package io.hivemind.bt.client.core.picker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AllowedFastSetTest {
    static final byte[] HASH = new byte[20];

    static {
        Arrays.fill(HASH, (byte) 0xaa);
    }

    /** BEP 6 "Allowed Fast Set Generation": the published example results. */
    @Test
    void matchesBep6Examples() {
        byte[] ip = {80, 4, 4, (byte) 200};
        assertArrayEquals(new int[] {1059, 431, 808, 1217, 287, 376, 1188}, AllowedFastSet.generate(7, 1313, HASH, ip));
        assertArrayEquals(new int[] {1059, 431, 808, 1217, 287, 376, 1188, 353, 508},
                AllowedFastSet.generate(9, 1313, HASH, ip));
    }

    /** BEP 6 step (1): only the top three octets count, so one /24 gets one set. */
    @Test
    void lastOctetIsIgnored() {
        assertArrayEquals(AllowedFastSet.generate(5, 1313, HASH, new byte[] {80, 4, 4, 1}),
                AllowedFastSet.generate(5, 1313, HASH, new byte[] {80, 4, 4, (byte) 200}));
    }

    @Test
    void smallTorrentsGetEveryPieceOnce() {
        int[] set = AllowedFastSet.generate(10, 3, HASH, new byte[] {10, 0, 0, 1});
        int[] sorted = set.clone();
        Arrays.sort(sorted);
        assertArrayEquals(new int[] {0, 1, 2}, sorted);
        assertEquals(0, AllowedFastSet.generate(10, 0, HASH, new byte[] {10, 0, 0, 1}).length);
        assertThrows(IllegalArgumentException.class, () -> AllowedFastSet.generate(1, 3, HASH, new byte[16]));
    }
}
