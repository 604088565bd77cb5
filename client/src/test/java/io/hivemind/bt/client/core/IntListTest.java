package io.hivemind.bt.client.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IntListTest {
    @Test
    void growsAndRemoves() {
        IntList l = new IntList(1);
        for (int i = 0; i < 100; i++) {
            l.add(i);
        }
        assertEquals(100, l.size());
        assertEquals(42, l.indexOf(42));
        assertEquals(5, l.removeAt(5));
        assertEquals(6, l.get(5));
        assertEquals(0, l.removeAtSwap(0));
        assertEquals(99, l.get(0));
        assertEquals(98, l.removeLast());
        assertTrue(l.contains(50));
        assertFalse(l.contains(5));
        assertEquals(IntList.of(1, 2), IntList.of(1, 2));
        assertArrayEquals(new int[] {1, 2}, IntList.of(1, 2).toArray());
        l.clear();
        assertTrue(l.isEmpty());
        assertThrows(IndexOutOfBoundsException.class, () -> l.get(0));
        assertThrows(IllegalStateException.class, l::removeLast);
        assertEquals("[3]", IntList.of(3).toString());
    }

    @Test
    void removeRangeKeepsOrderAndChecksBounds() {
        IntList l = IntList.of(0, 1, 2, 3, 4, 5, 6, 7);
        l.removeRange(2, 6);
        assertEquals(IntList.of(0, 1, 6, 7), l);
        l.removeRange(0, 0);
        assertEquals(4, l.size());
        l.removeRange(2, 4);
        assertEquals(IntList.of(0, 1), l);
        assertThrows(IndexOutOfBoundsException.class, () -> l.removeRange(1, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> l.removeRange(-1, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> l.removeRange(2, 1));
    }
}
