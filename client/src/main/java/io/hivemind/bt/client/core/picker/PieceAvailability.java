package io.hivemind.bt.client.core.picker;

/**
 * How many connected peers have each piece (a read-only view of the {@link PiecePicker}'s availability counts).
 * Read on the owner's event loop only, like the picker itself.
 */
public interface PieceAvailability {
    int pieceCount();

    /** Number of connected peers that have {@code piece}, seeds included. */
    int availability(int piece);
}
