package io.hivemind.bt.client.distribution;

/** Where one worker stands in one distribution, as the coordinator sees it. */
public enum WorkerState {
    /** Not told yet, or could not be reached; it may still learn through the DHT or its next check-in. */
    PENDING,
    /** Told directly (its daemon accepted the notification); no progress report yet. */
    NOTIFIED,
    /** Reported progress: fetching metadata, checking or downloading. */
    DOWNLOADING,
    /** Reported that every piece is verified and written. */
    COMPLETE,
    /** Reported an error it could not get past (disk full, files missing …). */
    FAILED,
    /** The distribution's deadline passed before the worker completed. */
    TIMED_OUT;

    /** True for the states that settle a worker for the distribution's result. */
    public boolean terminal() {
        return this == COMPLETE || this == FAILED || this == TIMED_OUT;
    }
}
