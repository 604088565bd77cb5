package io.hivemind.bt.client.distribution;

import java.util.Objects;

/**
 * One worker's progress in one distribution: an immutable snapshot.
 *
 * @param worker          the worker
 * @param state           where it stands
 * @param target          true when it is one of the workers the distribution waits for
 * @param doneBytes       verified bytes it reported
 * @param totalBytes      the torrent's size
 * @param downloadRate    its last reported download rate, bytes/s
 * @param uploadedBytes   bytes it reported having uploaded to other workers (its share of the swarm's work)
 * @param message         the last error or note (a failed notification, a reported error), or null
 * @param updatedAtMillis wall-clock time of the last change, epoch milliseconds (0: never)
 */
public record WorkerProgress(WorkerId worker, WorkerState state, boolean target, long doneBytes, long totalBytes,
                             long downloadRate, long uploadedBytes, String message, long updatedAtMillis) {
    public WorkerProgress {
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(state, "state");
    }

    /** Fraction done, 0…1. */
    public double progress() {
        return totalBytes <= 0 ? (state == WorkerState.COMPLETE ? 1 : 0) : Math.min(1.0, (double) doneBytes / totalBytes);
    }
}
