package io.hivemind.bt.client.nat;

import io.hivemind.bt.client.nat.core.LeaseBook;
import java.util.concurrent.CompletableFuture;

/**
 * One mapping method's shell (UPnP, or NAT-PMP/PCP): discovers its gateway, sends the requests its
 * {@link LeaseBook} says are due and reports outcomes to the {@link PortMapper}. Confined to the mapper's event
 * loop; not thread-safe.
 */
abstract class MappingDriver {
    final PortMapper mapper;
    final LeaseBook<MappingKey> book;

    MappingDriver(PortMapper mapper) {
        this.mapper = mapper;
        this.book = new LeaseBook<>(mapper.baseBackoffNanos, mapper.maxBackoffNanos);
    }

    /** The method entries are reported under right now. */
    abstract MappingMethod method();

    /** Starts discovery or sends due requests. */
    abstract void tick(long nowNanos);

    /** When {@link #tick} should run next, or {@link Long#MAX_VALUE}. */
    abstract long nextWakeupNanos(long nowNanos);

    /** Deletes every granted mapping (best effort, bounded by the mapper's close timeout). */
    abstract CompletableFuture<Void> deleteAll();

    /** Deletes one granted mapping (after it was removed from the book). */
    abstract CompletableFuture<Void> delete(LeaseBook.View<MappingKey> view);

    /** Releases sockets and timers. */
    abstract void close();

    /** The device or gateway in use, for status, or null. */
    abstract String device();

    /** Why there is no device, or null. */
    abstract String error();
}
