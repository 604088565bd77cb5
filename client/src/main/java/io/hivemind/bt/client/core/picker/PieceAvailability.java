package io.hivemind.bt.client.core.picker;

/** How many connected peers have each piece (a read-only view of the {@link PiecePicker}'s availability counts). */
public interface PieceAvailability {
    int pieceCount();

    /** Number of connected peers that have {@code piece}, seeds included. */
    int availability(int piece);
}
