package io.hivemind.bt.client.core.picker;

import io.hivemind.bt.wire.bits.Bitfield;

/**
 * What the {@link PiecePicker} needs to know about one remote peer when picking blocks to request from it.
 *
 * <p>The session's peer connection implements this (usually directly, so a pick allocates nothing). Peer ids
 * are small non-negative {@code int}s chosen by the session, unique among the torrent's live connections; the
 * picker stores them per requested block, so an id must not be reused before the session has called
 * {@link PiecePicker#peerGone(int)} for its previous owner.
 *
 * <p>Implementations are read on the torrent's event loop only.
 */
public interface PickerPeer {
    /** The session's id for this peer, {@code >= 0}. */
    int peerId();

    /**
     * The pieces the peer has (from its bitfield, have-all and have messages), sized to the torrent. A peer that
     * sent have-all may return a full bitfield.
     */
    Bitfield pieces();

    /** True while the peer chokes us: only pieces of its {@linkplain #allowedFast allowed-fast set} may be requested. */
    boolean chokingUs();

    /** Number of pieces in the peer's BEP 6 allowed-fast set (pieces we may request while choked). */
    default int allowedFastCount() {
        return 0;
    }

    /** The {@code i}-th piece of the allowed-fast set, in the order received. */
    default int allowedFast(int i) {
        throw new IndexOutOfBoundsException(i);
    }

    /** Number of pieces the peer suggested (BEP 6 "suggest piece"), most recent last. */
    default int suggestedCount() {
        return 0;
    }

    /** The {@code i}-th suggested piece. */
    default int suggested(int i) {
        throw new IndexOutOfBoundsException(i);
    }

    /**
     * True if this peer should only be asked for what no other peer can give: it is a seed (an origin) and
     * other peers serve us. The picker then takes from it only pieces it suggested and pieces no connected
     * non-seed peer has, so that whatever other peers hold is fetched from them and the seed's uplink carries
     * pieces nobody else can supply (DESIGN.md, "What decides swarm efficiency").
     */
    default boolean preferUnique() {
        return false;
    }
}
