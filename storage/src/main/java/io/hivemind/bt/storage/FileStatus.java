package io.hivemind.bt.storage;

/**
 * What is on disk for one file of a torrent (or its part file), as resume data records it and compares it.
 * Immutable.
 *
 * @param index      the file's index in the torrent, or -1 for the part file
 * @param exists     whether the file exists (pad files and never-created files do not)
 * @param size       its size in bytes, or -1 when it does not exist
 * @param mtimeNanos its modification time in nanoseconds since the epoch (the file system's precision), or -1
 */
public record FileStatus(int index, boolean exists, long size, long mtimeNanos) {

    /** A file that is not on disk. */
    public static FileStatus absent(int index) {
        return new FileStatus(index, false, -1, -1);
    }

    /** True when both describe the same bytes on disk: both absent, or same size and modification time. */
    public boolean sameAs(FileStatus other) {
        if (!exists || !other.exists) {
            return exists == other.exists;
        }
        return size == other.size && mtimeNanos == other.mtimeNanos;
    }
}
