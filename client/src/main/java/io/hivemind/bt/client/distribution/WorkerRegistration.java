package io.hivemind.bt.client.distribution;

import java.net.URI;
import java.util.Objects;
import java.util.Set;

/**
 * A worker as the coordinator knows it: from the configuration or from its last check-in
 * ({@code POST /api/distributions/workers}). Immutable.
 *
 * @param id             the worker
 * @param api            base URL of its daemon API (where notifications go), or null when it has none
 * @param channels       the channels it follows
 * @param lastSeenMillis its last check-in, epoch milliseconds (0: never, configured only)
 */
public record WorkerRegistration(WorkerId id, URI api, Set<Channel> channels, long lastSeenMillis) {
    /** Most channels one worker may list. */
    public static final int MAX_CHANNELS = 64;

    public WorkerRegistration {
        Objects.requireNonNull(id, "id");
        channels = Set.copyOf(channels);
        if (channels.size() > MAX_CHANNELS) {
            throw new IllegalArgumentException("at most " + MAX_CHANNELS + " channels");
        }
        if (api != null) {
            CoordinatorConfig.checkWorkerUrl(api);
        }
    }
}
