package io.hivemind.bt.client.core.picker;

import io.hivemind.bt.client.core.IntList;
import io.hivemind.bt.wire.bits.Bitfield;

/** A {@link PickerPeer} for tests, built from a compact string: 'x' or '1' = has the piece. */
final class TestPeer implements PickerPeer {
    final int id;
    final Bitfield pieces;
    boolean choking;
    final IntList allowedFast = new IntList();
    final IntList suggested = new IntList();
    boolean preferUnique;

    TestPeer(int id, Bitfield pieces) {
        this.id = id;
        this.pieces = pieces;
    }

    static TestPeer of(int id, String has) {
        return new TestPeer(id, bits(has));
    }

    static TestPeer seed(int id, int pieces) {
        return new TestPeer(id, Bitfield.full(pieces));
    }

    static Bitfield bits(String s) {
        Bitfield b = new Bitfield(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 'x' || c == '1') {
                b.set(i);
            }
        }
        return b;
    }

    @Override
    public int peerId() {
        return id;
    }

    @Override
    public Bitfield pieces() {
        return pieces;
    }

    @Override
    public boolean chokingUs() {
        return choking;
    }

    @Override
    public int allowedFastCount() {
        return allowedFast.size();
    }

    @Override
    public int allowedFast(int i) {
        return allowedFast.get(i);
    }

    @Override
    public int suggestedCount() {
        return suggested.size();
    }

    @Override
    public int suggested(int i) {
        return suggested.get(i);
    }

    @Override
    public boolean preferUnique() {
        return preferUnique;
    }
}
