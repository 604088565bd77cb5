package io.hivemind.bt.wire.bits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class BitfieldTest {

    /** BEP 3 "bitfield": the high bit in the first byte corresponds to piece index 0. */
    @Test
    void wireFormIsHighBitFirst() {
        Bitfield b = new Bitfield(10);
        b.set(0);
        b.set(9);
        assertArrayEquals(new byte[] {(byte) 0x80, 0x40}, b.toWire());
        assertEquals(b, Bitfield.fromWire(new byte[] {(byte) 0x80, 0x40}, 10));
    }

    /** BEP 3: wrong size or spare bits set must be refused. */
    @Test
    void rejectsWrongLengthAndSpareBits() {
        assertEquals(Bitfield.Problem.WRONG_LENGTH,
                assertThrows(Bitfield.InvalidBitfieldException.class, () -> Bitfield.fromWire(new byte[3], 10)).problem());
        assertEquals(Bitfield.Problem.SPARE_BITS_SET,
                assertThrows(Bitfield.InvalidBitfieldException.class, () -> Bitfield.fromWire(new byte[] {0, 0x20}, 10)).problem());
        Bitfield.fromWire(new byte[] {-1, -1}, 16); // no spare bits when size is a multiple of 8
    }

    @Test
    void fullAndCounts() {
        Bitfield f = Bitfield.full(130);
        assertTrue(f.isFull());
        assertEquals(130, f.count());
        assertEquals(-1, f.nextClear(0));
        assertEquals(129, f.nextSet(129));
        f.clear(64);
        assertEquals(64, f.nextClear(0));
        assertFalse(f.isFull());
        assertArrayEquals(f.toWire(), Bitfield.fromWire(f.toWire(), 130).toWire());
    }

    /** Property: Bitfield agrees with java.util.BitSet as a reference model. */
    @Test
    void agreesWithBitSet() {
        qt().withExamples(500).forAll(integers().between(1, 700), lists().of(integers().between(0, 10_000)).ofSizeBetween(0, 200))
                .checkAssert((size, ops) -> {
                    Bitfield b = new Bitfield(size);
                    Bitfield other = new Bitfield(size);
                    BitSet ref = new BitSet(size);
                    BitSet refOther = new BitSet(size);
                    for (int op : ops) {
                        int i = op % size;
                        if (op % 3 == 0) {
                            assertEquals(!ref.get(i), b.set(i));
                            ref.set(i);
                        } else if (op % 3 == 1) {
                            assertEquals(ref.get(i), b.clear(i));
                            ref.clear(i);
                        } else {
                            other.set(i);
                            refOther.set(i);
                        }
                    }
                    assertEquals(ref.cardinality(), b.count());
                    for (int i = 0; i < size; i++) {
                        assertEquals(ref.get(i), b.get(i));
                        assertEquals(ref.nextSetBit(i), b.nextSet(i));
                        int nc = ref.nextClearBit(i);
                        assertEquals(nc >= size ? -1 : nc, b.nextClear(i));
                    }
                    BitSet lacks = (BitSet) refOther.clone();
                    lacks.andNot(ref);
                    assertEquals(!lacks.isEmpty(), b.lacksAnyOf(other));
                    assertEquals(lacks.cardinality(), b.countAndNot(other));
                    BitSet and = (BitSet) ref.clone();
                    and.and(refOther);
                    assertEquals(and.cardinality(), b.countAnd(other));
                    assertEquals(b, Bitfield.fromWire(b.toWire(), size));
                    Bitfield u = b.copy();
                    u.or(other);
                    BitSet refU = (BitSet) ref.clone();
                    refU.or(refOther);
                    assertEquals(refU.cardinality(), u.count());
                });
    }

    /** BEP 3: byte i of the wire form holds pieces 8i..8i+7, the first in the high bit; checked bit by bit. */
    @Test
    void wireFormAgreesWithABitByBitReference() {
        qt().withExamples(500).forAll(integers().between(0, 700), lists().of(integers().between(0, 10_000)).ofSizeBetween(0, 300))
                .checkAssert((size, ops) -> {
                    Bitfield b = new Bitfield(size);
                    for (int op : ops) {
                        if (size > 0) {
                            b.set(op % size);
                        }
                    }
                    byte[] expected = new byte[(size + 7) / 8];
                    for (int i = 0; i < size; i++) {
                        if (b.get(i)) {
                            expected[i / 8] |= (byte) (0x80 >>> (i % 8));
                        }
                    }
                    assertArrayEquals(expected, b.toWire());
                    byte[] padded = new byte[expected.length + 5];
                    System.arraycopy(expected, 0, padded, 3, expected.length);
                    assertEquals(b, Bitfield.fromWire(padded, 3, expected.length, size));
                });
    }
}
