package io.hivemind.bt.storage;

/** How a file's disk blocks are allocated when the store creates it. */
public enum Allocation {
    /**
     * The file is created at its full length without allocating blocks (a sparse file); blocks are allocated as
     * pieces are written. The default.
     */
    SPARSE,
    /**
     * Every block is allocated when the file is created ({@code fallocate}, or zeros written where the file system
     * cannot), so a full disk is found at once rather than in the middle of a download.
     */
    FULL
}
