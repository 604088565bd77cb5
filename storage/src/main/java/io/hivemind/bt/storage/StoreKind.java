package io.hivemind.bt.storage;

/** The two {@link PieceStore} implementations, selectable per session through {@link StoreOptions#kind()}. */
public enum StoreKind {
    /** {@link MmapStore}: files mapped as {@code MemorySegment}s (FFM); zero-copy seeding reads. */
    MMAP,
    /** {@link PositionalStore}: {@code FileChannel} positional reads and writes (pread/pwrite). */
    POSITIONAL
}
