package io.hivemind.bt.storage;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-torrent storage settings. Immutable and thread-safe; build with {@link #builder()}, change with
 * {@link #toBuilder()}.
 *
 * @param kind              which {@link PieceStore} implementation to use
 * @param allocation        sparse files (default) or full preallocation
 * @param validateInterval  how often, at most, a seeding read checks that its file is still the one the torrent
 *                          wrote (same inode, not shorter); {@link Duration#ZERO} checks on every read
 * @param diskFullRetry     how long a torrent stays upload-only after a full disk before writes are tried again
 *                          (HARDENING.md: 10 minutes)
 */
public record StoreOptions(StoreKind kind, Allocation allocation, Duration validateInterval, Duration diskFullRetry) {

    /**
     * The default store kind: the faster one in {@code bench/storage/run.sh}. {@link StoreKind#MMAP} won every
     * comparison in two runs on 2 shared, noisy cores (figures in {@code bench/storage/RESULTS.md}): 16 KiB writes
     * 1.1-1.55x, block copies 1.5-4x, zero-copy seeding reads 4-7x, recheck 1.1-1.2x per CPU-second.
     */
    public static final StoreKind DEFAULT_KIND = StoreKind.MMAP;

    /** The defaults: {@link #DEFAULT_KIND}, sparse files, validation every second, retry after 10 minutes. */
    public static final StoreOptions DEFAULT = builder().build();

    public StoreOptions {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(allocation, "allocation");
        Objects.requireNonNull(validateInterval, "validateInterval");
        Objects.requireNonNull(diskFullRetry, "diskFullRetry");
        if (validateInterval.isNegative()) {
            throw new IllegalArgumentException("validateInterval must not be negative: " + validateInterval);
        }
        if (diskFullRetry.isNegative()) {
            throw new IllegalArgumentException("diskFullRetry must not be negative: " + diskFullRetry);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().kind(kind).allocation(allocation).validateInterval(validateInterval)
                .diskFullRetry(diskFullRetry);
    }

    /** Builder for {@link StoreOptions}; not thread-safe. */
    public static final class Builder {
        private StoreKind kind = DEFAULT_KIND;
        private Allocation allocation = Allocation.SPARSE;
        private Duration validateInterval = Duration.ofSeconds(1);
        private Duration diskFullRetry = Duration.ofMinutes(10);

        private Builder() {
        }

        public Builder kind(StoreKind kind) {
            this.kind = kind;
            return this;
        }

        public Builder allocation(Allocation allocation) {
            this.allocation = allocation;
            return this;
        }

        public Builder validateInterval(Duration validateInterval) {
            this.validateInterval = validateInterval;
            return this;
        }

        public Builder diskFullRetry(Duration diskFullRetry) {
            this.diskFullRetry = diskFullRetry;
            return this;
        }

        public StoreOptions build() {
            return new StoreOptions(kind, allocation, validateInterval, diskFullRetry);
        }
    }
}
