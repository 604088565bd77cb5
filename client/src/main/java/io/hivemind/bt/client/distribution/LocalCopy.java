package io.hivemind.bt.client.distribution;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A worker's copy of one model version or one task: an immutable snapshot.
 *
 * @param id           the distribution id (40 hex digits of the torrent's wire id)
 * @param kind         model or task
 * @param channel      the channel whose key signed it
 * @param taskId       the task id, or null for a model
 * @param seq          the announcement's sequence number
 * @param name         the torrent's name
 * @param metadata     the metadata: the manifest's once the data is complete, else the announcement's
 * @param directory    where the data is (the torrent's top directory)
 * @param state        downloading (or waiting), complete, or failed
 * @param doneBytes    verified bytes
 * @param totalBytes   total bytes (0 until the metadata is known)
 * @param downloadedBytes payload bytes received for it by this session (after a restart without resume data:
 *                     since the restart), which shows how much a resumed download had to fetch again
 * @param error        why it failed, or null
 */
public record LocalCopy(String id, DistributionKind kind, Channel channel, String taskId, long seq, String name,
                        Map<String, String> metadata, Path directory, ProgressReport.State state, long doneBytes,
                        long totalBytes, long downloadedBytes, String error) {
    public LocalCopy {
        Objects.requireNonNull(id, "id");
        metadata = Collections.unmodifiableSortedMap(new TreeMap<>(metadata));
    }

    public boolean complete() {
        return state == ProgressReport.State.COMPLETE;
    }
}
