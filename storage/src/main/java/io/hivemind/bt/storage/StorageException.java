package io.hivemind.bt.storage;

/** An I/O fault of a torrent's storage (disk full, read-only target, file missing or truncated). */
public class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
