package io.hivemind.bt.storage;

import io.hivemind.bt.wire.bits.Bitfield;

/**
 * An I/O fault of a torrent's storage (disk full, read-only target, file missing or truncated, a path that would
 * escape the save directory), with a typed {@link Kind} the session maps to a torrent state. Unchecked.
 *
 * <p>When the fault makes stored pieces unreadable (a file deleted or truncated under a seeding torrent),
 * {@link #affectedPieces()} says which: the session clears them from its have-set and never serves them.
 */
public class StorageException extends RuntimeException {

    /** What went wrong, as the session needs to know it. */
    public enum Kind {
        /** ENOSPC or a quota: the torrent turns upload-only and retries writes later (HARDENING.md). */
        DISK_FULL,
        /** The target file system is mounted read-only, or a file cannot be opened for writing. */
        READ_ONLY,
        /** A file the torrent had written is gone, replaced or shorter than it should be. */
        FILES_MISSING,
        /** A path that would land outside the save directory ({@code ..}, absolute, symlink escape). */
        PATH_ESCAPE,
        /** The store was closed or paused while the operation was pending. */
        CLOSED,
        /** Any other I/O error. */
        IO
    }

    private final Kind kind;
    private final Bitfield affectedPieces;

    public StorageException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, null);
    }

    public StorageException(Kind kind, String message) {
        this(kind, message, null, null);
    }

    public StorageException(Kind kind, String message, Throwable cause, Bitfield affectedPieces) {
        super(message, cause);
        this.kind = kind;
        this.affectedPieces = affectedPieces == null ? null : affectedPieces.copy();
    }

    /** Kept for callers that predate {@link Kind}: an {@link Kind#IO} fault. */
    public StorageException(String message, Throwable cause) {
        this(Kind.IO, message, cause, null);
    }

    /** Kept for callers that predate {@link Kind}: an {@link Kind#IO} fault. */
    public StorageException(String message) {
        this(Kind.IO, message, null, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The pieces that can no longer be read (a copy), or null when the fault says nothing about pieces. */
    public Bitfield affectedPieces() {
        return affectedPieces == null ? null : affectedPieces.copy();
    }
}
