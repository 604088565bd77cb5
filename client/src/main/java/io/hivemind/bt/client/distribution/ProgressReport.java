package io.hivemind.bt.client.distribution;

import java.util.Objects;

/**
 * What a worker tells the coordinator about one distribution ({@code POST /api/distributions/{id}/progress}).
 * Immutable.
 *
 * @param worker         who reports
 * @param distributionId the distribution (the torrent's info-hash as 40 hex digits)
 * @param state          the worker's state for it
 * @param doneBytes      verified bytes
 * @param totalBytes     the torrent's size (0 while the metadata is not known)
 * @param downloadRate   bytes/s
 * @param uploadedBytes  bytes it uploaded for this torrent
 * @param error          what went wrong (state ERROR), else null
 */
public record ProgressReport(WorkerId worker, String distributionId, State state, long doneBytes, long totalBytes,
                             long downloadRate, long uploadedBytes, String error) {

    /** The worker's state as reported. */
    public enum State {
        /** Waiting for metadata (BEP 9), a queue slot or a check. */
        STARTING,
        DOWNLOADING,
        /** Every piece verified and written: the data is there. */
        COMPLETE,
        /** A fault the worker cannot get past by itself. */
        ERROR
    }

    public static final int MAX_ERROR = 512;

    public ProgressReport {
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(state, "state");
        if (distributionId == null || !distributionId.matches("[0-9a-f]{40}")) {
            throw new IllegalArgumentException("a distribution id is 40 lower-case hex digits");
        }
        if (doneBytes < 0 || totalBytes < 0 || downloadRate < 0 || uploadedBytes < 0) {
            throw new IllegalArgumentException("byte counts must not be negative");
        }
        if (error != null && error.length() > MAX_ERROR) {
            error = error.substring(0, MAX_ERROR);
        }
    }
}
