package io.hivemind.bt.bench.client;

import io.hivemind.bt.client.core.picker.PickerPeer;
import io.hivemind.bt.wire.bits.Bitfield;

/** A remote peer as the picker sees it, for benchmarks. */
final class BenchPeer implements PickerPeer {
    final int id;
    final Bitfield pieces;

    BenchPeer(int id, Bitfield pieces) {
        this.id = id;
        this.pieces = pieces;
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
        return false;
    }
}
