package io.hivemind.bt.client.core.choker;

/**
 * What the {@link Choker} reads about one connected peer. The session's peer connection implements it; values
 * are read once per {@link Choker#decide} call, on the torrent's event loop.
 */
public interface ChokerPeerView {
    /** The session's id for the peer. */
    int peerId();

    /** The peer is interested in us (only interested peers compete for slots). */
    boolean interested();

    /** The peer snubs us ({@code RequestPipeline#isSnubbed}): it may only get the optimistic slot. */
    boolean snubbed();

    /** Payload bytes per second we receive from the peer (tit-for-tat while downloading). */
    long downloadRate();

    /** Payload bytes per second we send to the peer. */
    long uploadRate();

    /** We currently unchoke the peer. */
    boolean unchoked();

    /** When we last unchoked the peer, or {@link Long#MIN_VALUE} if never. */
    long unchokedAtNanos();

    /** Payload bytes sent to the peer since it was last unchoked (round-robin seeding quota). */
    long uploadedSinceUnchoke();

    /** When the connection was established. */
    long connectedAtNanos();

    /**
     * When the peer last received the optimistic slot, or {@link Long#MIN_VALUE} if never. The session sets
     * this to the decision time for every peer in {@link ChokeDecision#optimistic()}.
     */
    long lastOptimisticNanos();
}
