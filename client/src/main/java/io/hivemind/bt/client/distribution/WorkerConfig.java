package io.hivemind.bt.client.distribution;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link Worker} follows channels. Immutable; build with {@link #builder(WorkerId, Path)}.
 *
 * @param id               the worker's name in reports
 * @param directory        where the data goes: {@code models/<channel>/<seq>/…} and {@code tasks/<id>/<seq>/…},
 *                         with the worker's state in {@code .hivebt-worker/}
 * @param channels         the channels followed (their names must differ: they name directories)
 * @param keepVersions     versions kept per channel (the newest complete one is always kept as well)
 * @param keepTasks        tasks kept (the oldest are removed with their data)
 * @param coordinatorUrl   the coordinator's daemon API, or null to use the one the announcements name
 * @param apiUrl           this worker's own daemon API, given to the coordinator at check-in so it can notify us
 *                         directly; null when there is none
 * @param token            the shared secret for the coordinator's API (bearer); null for none
 * @param useDht           poll the DHT for the channels' items (BEP 46) and republish the newest ones
 * @param pollInterval     DHT polling period
 * @param checkInInterval  check-in period with the coordinator
 * @param reportInterval   progress-report period while something changes
 * @param keepAliveInterval a report is repeated this often even without change (so a restarted coordinator
 *                         relearns the state)
 * @param republishInterval BEP 46: how often the newest held items are put in the DHT again
 * @param httpTimeout      connect and request timeout towards the coordinator
 */
public record WorkerConfig(WorkerId id, Path directory, Set<Channel> channels, int keepVersions, int keepTasks,
                           URI coordinatorUrl, URI apiUrl, String token, boolean useDht, Duration pollInterval,
                           Duration checkInInterval, Duration reportInterval, Duration keepAliveInterval,
                           Duration republishInterval, Duration httpTimeout) {

    public WorkerConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(directory, "directory");
        channels = Set.copyOf(channels);
        if (channels.size() > WorkerRegistration.MAX_CHANNELS) {
            throw new IllegalArgumentException("at most " + WorkerRegistration.MAX_CHANNELS + " channels");
        }
        Set<String> names = new HashSet<>();
        for (Channel c : channels) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException("two followed channels are named " + c.name()
                        + ": channel names name the directories, they must differ");
            }
        }
        if (keepVersions < 1 || keepTasks < 1) {
            throw new IllegalArgumentException("keepVersions and keepTasks must be at least 1");
        }
        if (coordinatorUrl != null) {
            CoordinatorConfig.checkWorkerUrl(coordinatorUrl);
        }
        if (apiUrl != null) {
            CoordinatorConfig.checkWorkerUrl(apiUrl);
        }
        if (token != null && (token.isEmpty() || token.length() > 512 || !token.matches("[\\x21-\\x7e]+"))) {
            throw new IllegalArgumentException("the token is 1-512 printable ASCII characters");
        }
        for (Duration d : new Duration[] {pollInterval, checkInInterval, reportInterval, keepAliveInterval,
                republishInterval, httpTimeout}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("intervals and timeouts must be positive");
            }
        }
    }

    public static Builder builder(WorkerId id, Path directory) {
        return new Builder(id, directory);
    }

    /**
     * Builder. Defaults: keep 3 versions and 20 tasks, DHT on, poll every 30 s, check in every 30 s, report every
     * 2 s, repeat reports every 60 s, republish every hour, 10 s HTTP timeout. Not thread-safe.
     */
    public static final class Builder {
        private final WorkerId id;
        private final Path directory;
        private final Set<Channel> channels = new LinkedHashSet<>();
        private int keepVersions = 3;
        private int keepTasks = 20;
        private URI coordinatorUrl;
        private URI apiUrl;
        private String token;
        private boolean useDht = true;
        private Duration pollInterval = Duration.ofSeconds(30);
        private Duration checkInInterval = Duration.ofSeconds(30);
        private Duration reportInterval = Duration.ofSeconds(2);
        private Duration keepAliveInterval = Duration.ofSeconds(60);
        private Duration republishInterval = Duration.ofHours(1);
        private Duration httpTimeout = Duration.ofSeconds(10);

        private Builder(WorkerId id, Path directory) {
            this.id = id;
            this.directory = directory;
        }

        public Builder channel(Channel c) {
            channels.add(Objects.requireNonNull(c));
            return this;
        }

        public Builder keepVersions(int n) {
            this.keepVersions = n;
            return this;
        }

        public Builder keepTasks(int n) {
            this.keepTasks = n;
            return this;
        }

        public Builder coordinatorUrl(URI u) {
            this.coordinatorUrl = u;
            return this;
        }

        public Builder apiUrl(URI u) {
            this.apiUrl = u;
            return this;
        }

        public Builder token(String t) {
            this.token = t;
            return this;
        }

        public Builder useDht(boolean on) {
            this.useDht = on;
            return this;
        }

        public Builder pollInterval(Duration d) {
            this.pollInterval = d;
            return this;
        }

        public Builder checkInInterval(Duration d) {
            this.checkInInterval = d;
            return this;
        }

        public Builder reportInterval(Duration d) {
            this.reportInterval = d;
            return this;
        }

        public Builder keepAliveInterval(Duration d) {
            this.keepAliveInterval = d;
            return this;
        }

        public Builder republishInterval(Duration d) {
            this.republishInterval = d;
            return this;
        }

        public Builder httpTimeout(Duration d) {
            this.httpTimeout = d;
            return this;
        }

        public WorkerConfig build() {
            return new WorkerConfig(id, directory, channels, keepVersions, keepTasks, coordinatorUrl, apiUrl, token,
                    useDht, pollInterval, checkInInterval, reportInterval, keepAliveInterval, republishInterval,
                    httpTimeout);
        }
    }
}
