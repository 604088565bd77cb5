package io.hivemind.bt.client.core.choker;

import java.util.List;

/**
 * The outcome of one choke round: unchoke exactly the peers in {@link #regular()} and {@link #optimistic()},
 * choke every other peer. The lists are disjoint; the record is immutable and thread-safe.
 *
 * @param regular peers unchoked for their rate (or round-robin turn while seeding)
 * @param optimistic peers holding an optimistic slot; the session records the decision time as their
 *     {@link ChokerPeerView#lastOptimisticNanos()}
 * @param <P> the session's peer type
 */
public record ChokeDecision<P extends ChokerPeerView>(List<P> regular, List<P> optimistic) {
    public ChokeDecision {
        regular = List.copyOf(regular);
        optimistic = List.copyOf(optimistic);
    }

    /** True if the decision unchokes {@code peer}. */
    public boolean unchokes(P peer) {
        return regular.contains(peer) || optimistic.contains(peer);
    }

    public int unchokedCount() {
        return regular.size() + optimistic.size();
    }
}
