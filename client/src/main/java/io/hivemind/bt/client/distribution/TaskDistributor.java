package io.hivemind.bt.client.distribution;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Sends task data to named workers: one multi-file torrent (hybrid by default), seeded by the coordinator, announced
 * to each worker with a signed notification, tracked per worker until every one has the verified data. Thread-safe.
 */
public interface TaskDistributor {

    /**
     * Distributes {@code files} (regular files or directories; their names become the top-level entries of the
     * torrent and must differ) as task {@code taskId} to {@code workers}, with the default timeout. Blocks while
     * the torrent is created (the files are hashed once); the returned handle tracks the rest.
     *
     * @throws IOException              when a file cannot be read or linked into the staging directory
     * @throws IllegalArgumentException on a bad task id, no files, clashing names or no workers
     */
    Distribution distributeTask(String taskId, List<Path> files, Set<WorkerId> workers) throws IOException;

    /** As {@link #distributeTask(String, List, Set)}, waiting at most {@code timeout} for the workers. */
    Distribution distributeTask(String taskId, List<Path> files, Set<WorkerId> workers, Duration timeout)
            throws IOException;
}
