package io.hivemind.bt.client.distribution;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes versions of a model on a {@link Channel}: {@link #distributeModel} packs the model and a manifest of
 * its metadata into a torrent and starts seeding it; {@link #broadcastToNetwork} signs the announcement with the
 * channel key (BEP 44 mutable item, next sequence number), puts it in the DHT (BEP 46) and notifies the workers
 * the coordinator knows to follow the channel. Thread-safe.
 */
public interface ModelDistributor {

    /** The channel versions are published on. */
    Channel channel();

    /**
     * Creates and seeds the torrent of a new version of {@code model} (a file or a directory) with
     * {@code metadata} (version, accuracy, framework …; see {@link Announcement#checkMetadata} for the limits),
     * written as {@value Manifest#FILE_NAME} inside the torrent. Nothing is announced yet.
     *
     * @throws IOException              when the model cannot be read or linked into the staging directory
     * @throws IllegalArgumentException on metadata over the limits
     */
    Distribution distributeModel(Path model, Map<String, String> metadata) throws IOException;

    /**
     * Announces {@code distribution} (made by {@link #distributeModel} on this channel): signs it with the next
     * sequence number, stores it in the DHT, notifies the known subscribers and starts tracking them. Completes
     * with the published version once the DHT put finished (or at once when there is no DHT); the distribution's
     * own {@link Distribution#completion()} tracks the workers.
     */
    CompletableFuture<ModelVersion> broadcastToNetwork(Distribution distribution);
}
