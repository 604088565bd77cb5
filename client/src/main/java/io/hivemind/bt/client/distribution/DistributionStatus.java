package io.hivemind.bt.client.distribution;

import io.hivemind.bt.wire.metainfo.InfoHashes;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable snapshot of one distribution as the coordinator sees it.
 *
 * @param id                  the distribution id: the torrent's 20-byte wire id (v1 info-hash, or truncated v2) in hex
 * @param kind                task or model
 * @param name                the torrent's name
 * @param taskId              the task id, or null for a model
 * @param infoHashes          the torrent's info-hashes
 * @param totalBytes          the torrent's size
 * @param seq                 the announcement's sequence number
 * @param announced           true once the signed announcement went out (always for tasks; models after
 *                            {@link ModelDistributor#broadcastToNetwork})
 * @param createdAtMillis     when it was created, epoch milliseconds
 * @param deadlineMillis      when waiting for workers stops, epoch milliseconds
 * @param workers             every worker heard of, sorted by id
 * @param targets             how many workers it waits for
 * @param complete            targets that completed
 * @param failed              targets that failed
 * @param timedOut            targets that timed out
 * @param originUploadedBytes payload bytes the coordinator uploaded for this torrent so far
 * @param settled             true once the result is known
 */
public record DistributionStatus(String id, DistributionKind kind, String name, String taskId, InfoHashes infoHashes,
                                 long totalBytes, long seq, boolean announced, long createdAtMillis,
                                 long deadlineMillis, SortedMap<WorkerId, WorkerProgress> workers, int targets,
                                 int complete, int failed, int timedOut, long originUploadedBytes, boolean settled) {
    public DistributionStatus {
        Objects.requireNonNull(id, "id");
        workers = Collections.unmodifiableSortedMap(new TreeMap<>(workers));
    }

    /** Coordinator upload divided by the torrent size: how many copies left the origin (the swarm's goal is ~1). */
    public double originUploadRatio() {
        return totalBytes == 0 ? 0 : (double) originUploadedBytes / totalBytes;
    }
}
