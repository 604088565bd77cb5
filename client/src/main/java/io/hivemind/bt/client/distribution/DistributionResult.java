package io.hivemind.bt.client.distribution;

import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How a distribution ended: which of its target workers have the verified data, which failed (and why) and which
 * did not finish before the deadline. Immutable.
 *
 * @param completed     workers that reported the data complete
 * @param failed        workers that reported an error, with the error
 * @param timedOut      workers not done by the deadline
 * @param elapsedMillis from creation to this result
 */
public record DistributionResult(SortedSet<WorkerId> completed, SortedMap<WorkerId, String> failed,
                                 SortedSet<WorkerId> timedOut, long elapsedMillis) {
    public DistributionResult {
        completed = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(completed));
        failed = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(failed));
        timedOut = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(timedOut));
    }

    static DistributionResult of(Set<WorkerId> completed, Map<WorkerId, String> failed, Set<WorkerId> timedOut,
                                 long elapsedMillis) {
        return new DistributionResult(new TreeSet<>(completed), new TreeMap<>(failed), new TreeSet<>(timedOut),
                elapsedMillis);
    }

    /** True when every target worker completed. */
    public boolean succeeded() {
        return failed.isEmpty() && timedOut.isEmpty();
    }
}
