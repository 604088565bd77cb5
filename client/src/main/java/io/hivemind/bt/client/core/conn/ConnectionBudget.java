package io.hivemind.bt.client.core.conn;

import io.hivemind.bt.client.core.IntList;
import io.hivemind.bt.client.core.rate.TokenBucket;
import java.util.HashMap;
import java.util.Map;

/**
 * Session-wide connection accounting: the global {@code connectionsLimit}, the {@code halfOpenLimit} on dials in
 * progress, each torrent's {@code maxConnections}, and a dial rate ({@code connectionSpeed} per second), deciding
 * how many peers each torrent may dial now and whether an incoming connection is accepted.
 *
 * <h2>Implementation note</h2>
 * Counts are kept per torrent and in total; a dial counts as a connection (and as half-open) from
 * {@link #dialStarted} until it fails or the connection closes. {@link #plan} shares the dials available this
 * tick among the torrents that want peers in rounds of one dial each, starting from a rotating torrent, so a
 * torrent with thousands of candidates cannot starve one with a few. Incoming connections may use
 * {@code incomingSlack} connections above the global limit (so a full session still accepts the peers it
 * prefers and can drop others), never the torrent's limit.
 *
 * <p>Not thread-safe: owned by the session's event loop; torrents report through posted tasks.
 */
public final class ConnectionBudget {
    /**
     * Settings.
     *
     * @param connectionsLimit connections (established and half-open) at most, all torrents together
     * @param halfOpenLimit dials in progress at most
     * @param maxConnectionsPerTorrent connections per torrent at most
     * @param connectionSpeed dials started per second at most
     * @param incomingSlack incoming connections accepted above {@code connectionsLimit}
     */
    public record Config(int connectionsLimit, int halfOpenLimit, int maxConnectionsPerTorrent, int connectionSpeed,
            int incomingSlack) {
        public static final Config DEFAULT = new Config(200, 50, 100, 30, 10);

        public Config {
            if (connectionsLimit < 1 || halfOpenLimit < 1 || maxConnectionsPerTorrent < 1 || connectionSpeed < 1
                    || incomingSlack < 0) {
                throw new IllegalArgumentException("bad connection limits " + this);
            }
        }
    }

    private static final class Counts {
        int connections;
        int halfOpen;
    }

    private final Config config;
    private final TokenBucket dialRate;
    private final Map<Integer, Counts> torrents = new HashMap<>();
    private int connections;
    private int halfOpen;
    private int rotor;

    public ConnectionBudget(Config config, long nowNanos) {
        this.config = config;
        this.dialRate = new TokenBucket(config.connectionSpeed(), config.connectionSpeed(), nowNanos);
    }

    public int connections() {
        return connections;
    }

    public int halfOpen() {
        return halfOpen;
    }

    public int connections(int torrentId) {
        Counts c = torrents.get(torrentId);
        return c == null ? 0 : c.connections;
    }

    /** Dials {@code torrentId} may start now (before the dial-rate limit, which {@link #plan} applies). */
    public int dialsAllowed(int torrentId) {
        int global = Math.min(config.connectionsLimit() - connections, config.halfOpenLimit() - halfOpen);
        return Math.max(0, Math.min(global, config.maxConnectionsPerTorrent() - connections(torrentId)));
    }

    /**
     * Shares the dials allowed now among torrents: {@code torrentIds[i]} wants {@code wanted[i]} more peers
     * (typically its dialable candidate count, capped by what it still needs). Appends {@code (torrent, dials)}
     * pairs to the two output lists for torrents given at least one dial, and charges the dial rate. Returns the
     * total dials granted; the torrent then calls {@link #dialStarted} once per dial it starts.
     */
    public int plan(IntList torrentIds, IntList wanted, long nowNanos, IntList outTorrents, IntList outDials) {
        if (torrentIds.size() != wanted.size()) {
            throw new IllegalArgumentException("torrent and want lists differ in size");
        }
        int n = torrentIds.size();
        if (n == 0) {
            return 0;
        }
        long budget = Math.min(dialRate.available(nowNanos),
                Math.min(config.connectionsLimit() - connections, config.halfOpenLimit() - halfOpen));
        int[] granted = new int[n];
        int total = 0;
        boolean progress = true;
        int start = rotor % n;
        while (budget > 0 && progress) {
            progress = false;
            for (int k = 0; k < n && budget > 0; k++) {
                int i = (start + k) % n;
                int t = torrentIds.get(i);
                int room = config.maxConnectionsPerTorrent() - connections(t) - granted[i];
                if (granted[i] < wanted.get(i) && room > 0) {
                    granted[i]++;
                    budget--;
                    total++;
                    progress = true;
                }
            }
        }
        rotor = start + 1;
        for (int i = 0; i < n; i++) {
            if (granted[i] > 0) {
                outTorrents.add(torrentIds.get(i));
                outDials.add(granted[i]);
            }
        }
        dialRate.consume(total, nowNanos);
        return total;
    }

    /** A dial began. */
    public void dialStarted(int torrentId) {
        Counts c = counts(torrentId);
        c.connections++;
        c.halfOpen++;
        connections++;
        halfOpen++;
    }

    /** A dial completed its handshake: no longer half-open. */
    public void dialSucceeded(int torrentId) {
        Counts c = existing(torrentId);
        if (c.halfOpen == 0) {
            throw new IllegalStateException("no dial in progress for torrent " + torrentId);
        }
        c.halfOpen--;
        halfOpen--;
    }

    /** A dial failed. */
    public void dialFailed(int torrentId) {
        dialSucceeded(torrentId);
        closed(torrentId);
    }

    /** True if an incoming connection for {@code torrentId} may be accepted; if so it is counted. */
    public boolean acceptIncoming(int torrentId) {
        if (connections >= config.connectionsLimit() + config.incomingSlack()
                || connections(torrentId) >= config.maxConnectionsPerTorrent()) {
            return false;
        }
        counts(torrentId).connections++;
        connections++;
        return true;
    }

    /** An established connection (or a failed dial, via {@link #dialFailed}) closed. */
    public void closed(int torrentId) {
        Counts c = existing(torrentId);
        if (c.connections == 0) {
            throw new IllegalStateException("no connection to close for torrent " + torrentId);
        }
        c.connections--;
        connections--;
        if (c.connections == 0) {
            torrents.remove(torrentId);
        }
    }

    /** True when the session holds more connections than its limit (after incoming slack was used). */
    public boolean overLimit() {
        return connections > config.connectionsLimit();
    }

    private Counts counts(int torrentId) {
        return torrents.computeIfAbsent(torrentId, k -> new Counts());
    }

    private Counts existing(int torrentId) {
        Counts c = torrents.get(torrentId);
        if (c == null) {
            throw new IllegalStateException("no connections for torrent " + torrentId);
        }
        return c;
    }
}
