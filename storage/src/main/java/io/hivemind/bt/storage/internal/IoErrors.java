package io.hivemind.bt.storage.internal;

import io.hivemind.bt.storage.StorageException;
import io.hivemind.bt.storage.StorageException.Kind;
import io.hivemind.bt.wire.bits.Bitfield;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Turns the JDK's I/O exceptions into {@link StorageException}s with a {@link Kind}. The JDK reports errno only in
 * the message text ("No space left on device", "Read-only file system"), so that is what is matched.
 */
public final class IoErrors {
    private IoErrors() {
    }

    /** The kind of fault {@code e} is. */
    public static Kind classify(Throwable e) {
        if (e instanceof StorageException se) {
            return se.kind();
        }
        if (e instanceof NoSuchFileException) {
            return Kind.FILES_MISSING;
        }
        if (e instanceof ClosedChannelException) {
            return Kind.CLOSED;
        }
        String text = e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            text = text + " " + fse.getReason();
        }
        if (text.contains("No space left on device") || text.contains("Disk quota exceeded")) {
            return Kind.DISK_FULL;
        }
        if (text.contains("Read-only file system") || e instanceof AccessDeniedException
                || text.contains("Permission denied") || text.contains("Operation not permitted")) {
            return Kind.READ_ONLY;
        }
        return Kind.IO;
    }

    /** Wraps {@code e} with a message saying what was being done. */
    public static StorageException wrap(String what, Throwable e) {
        return wrap(what, e, null);
    }

    /** Wraps {@code e}; {@code affected} are the pieces that can no longer be read, or null. */
    public static StorageException wrap(String what, Throwable e, Bitfield affected) {
        if (e instanceof StorageException se) {
            return se;
        }
        Kind kind = classify(e);
        String detail = switch (kind) {
            case DISK_FULL -> "disk full";
            case READ_ONLY -> "target is read-only";
            case FILES_MISSING -> "files missing - set location or recheck";
            case CLOSED -> "storage closed";
            default -> "I/O error";
        };
        return new StorageException(kind, detail + ": " + what + ": " + e, e, affected);
    }

    /** An {@link InternalError} from a mapped access: a {@code SIGBUS} (file truncated, or no block behind it). */
    public static StorageException mappedFault(String what, InternalError e, Bitfield affected) {
        return new StorageException(Kind.FILES_MISSING,
                "files missing - set location or recheck: fault in mapped access to " + what + " (truncated file?)", e,
                affected);
    }

    /** Unchecked wrapper used inside functional interfaces. */
    public static RuntimeException unchecked(IOException e) {
        return new java.io.UncheckedIOException(e);
    }
}
