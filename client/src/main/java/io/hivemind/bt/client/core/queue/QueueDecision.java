package io.hivemind.bt.client.core.queue;

import java.util.List;

/**
 * Changes the queue asks for (torrent ids); torrents not listed stay as they are. Immutable and thread-safe.
 *
 * @param start auto-managed torrents to start
 * @param stop auto-managed torrents to stop and keep queued
 * @param limitReached torrents that reached their share-ratio or seed-time limit: apply
 *     {@link TorrentQueue.Config#onLimit()} to them (they are stopped and not started again until the limit
 *     or the torrent's auto-management changes)
 */
public record QueueDecision(List<Integer> start, List<Integer> stop, List<Integer> limitReached) {
    public QueueDecision {
        start = List.copyOf(start);
        stop = List.copyOf(stop);
        limitReached = List.copyOf(limitReached);
    }

    public boolean isEmpty() {
        return start.isEmpty() && stop.isEmpty() && limitReached.isEmpty();
    }
}
