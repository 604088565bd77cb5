package io.hivemind.bt.storage;

import io.hivemind.bt.wire.bits.Bitfield;

/**
 * The storage health of one torrent, as the session shows it and acts on it. Immutable.
 *
 * @param status        what is wrong, if anything
 * @param message       a clear message for the user, or "" when {@link Status#OK}
 * @param sinceNanos    when this status began (the storage's ticker)
 * @param missingPieces pieces found unreadable since the last {@link TorrentStorage#clearError()} (never served; a
 *                      recheck or re-download restores them); empty unless {@link Status#FILES_MISSING}
 */
public record StorageState(Status status, String message, long sinceNanos, Bitfield missingPieces) {

    /** What is wrong. */
    public enum Status {
        OK,
        /** Writes fail with ENOSPC: upload-only, retry after {@link StoreOptions#diskFullRetry()}. */
        DISK_FULL,
        /** Writes fail because the target is read-only: upload-only, retry later. */
        READ_ONLY,
        /** Files deleted or truncated under the torrent: "files missing - set location or recheck". */
        FILES_MISSING,
        /** Another I/O error. */
        IO_ERROR
    }

    public StorageState {
        missingPieces = missingPieces.copy();
    }

    @Override
    public Bitfield missingPieces() {
        return missingPieces.copy();
    }

    /** True when the torrent must not download (it may still seed what it has). */
    public boolean uploadOnly() {
        return status != Status.OK;
    }

    @Override
    public String toString() {
        return "StorageState[" + status + (message.isEmpty() ? "" : ": " + message) + "]";
    }
}
