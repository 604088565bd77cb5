/**
 * Storage internals, not exported: the file layout and path confinement, the pooled and reference-counted file
 * handles (Caffeine), the part file, the piece hasher and BEP 52 merkle helper, native {@code fallocate} through the
 * FFM linker, I/O error classification and a per-piece serial executor.
 */
package io.hivemind.bt.storage.internal;
