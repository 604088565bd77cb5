package io.hivemind.bt.client.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The session's queue order: every torrent has a position, 0 first, in the order torrents were added unless moved.
 * This is only the order (what {@code TorrentHandle.setQueuePosition} changes and {@code TorrentStatus.queuePosition}
 * reports); the queue limits ({@code activeDownloads}, {@code activeSeeds}) are applied elsewhere. Positions are
 * always dense: removing a torrent moves the ones behind it up by one.
 *
 * <p>Thread-safe without locks: the order is an immutable list swapped by compare-and-set, so torrents on different
 * event loops read their positions at any time. Changes are rare (add, remove, a user's move) and O(n).
 *
 * @param <T> the torrent type (compared by identity)
 */
final class QueueOrder<T> {
    private final AtomicReference<List<T>> order = new AtomicReference<>(List.of());

    /** Appends {@code t} at the end of the queue. */
    void add(T t) {
        order.updateAndGet(l -> {
            List<T> n = new ArrayList<>(l.size() + 1);
            n.addAll(l);
            n.add(t);
            return List.copyOf(n);
        });
    }

    /** Removes {@code t}; the torrents behind it move up. */
    void remove(T t) {
        order.updateAndGet(l -> {
            int i = indexOf(l, t);
            if (i < 0) {
                return l;
            }
            List<T> n = new ArrayList<>(l);
            n.remove(i);
            return List.copyOf(n);
        });
    }

    /**
     * Moves {@code t} to {@code position} (clamped to the end); the torrents between its old and new positions shift
     * by one. Returns false when {@code t} is not in the queue.
     *
     * @throws IllegalArgumentException for a negative position
     */
    boolean move(T t, int position) {
        if (position < 0) {
            throw new IllegalArgumentException("queue position must not be negative: " + position);
        }
        boolean[] found = new boolean[1];
        order.updateAndGet(l -> {
            int i = indexOf(l, t);
            found[0] = i >= 0;
            if (i < 0) {
                return l;
            }
            List<T> n = new ArrayList<>(l);
            n.remove(i);
            n.add(Math.min(position, n.size()), t);
            return List.copyOf(n);
        });
        return found[0];
    }

    /** The position of {@code t}, or -1 when it is not in the queue. */
    int position(T t) {
        return indexOf(order.get(), t);
    }

    int size() {
        return order.get().size();
    }

    private static <T> int indexOf(List<T> l, T t) {
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i) == t) {
                return i;
            }
        }
        return -1;
    }
}
