package io.hivemind.bt.dht;

/**
 * A snapshot of a DHT node's counters. Immutable.
 *
 * @param nodes4          IPv4 routing-table nodes
 * @param nodes6          IPv6 routing-table nodes
 * @param packetsIn       datagrams received
 * @param queriesIn       queries received and processed
 * @param queriesOut      queries sent
 * @param responsesIn     answers to our queries
 * @param repliesOut      answers and errors sent
 * @param timeouts        our queries that timed out
 * @param malformed       datagrams that were not valid KRPC
 * @param rateLimited     datagrams dropped by the per-IP limit
 * @param budgetDropped   answers dropped by the global upload budget
 * @param badTokens       announces and puts refused for a wrong or stale token
 * @param bytesIn         payload bytes received
 * @param bytesOut        payload bytes sent
 * @param torrents        info-hashes stored
 * @param items           BEP 44 items stored
 */
public record DhtStats(int nodes4, int nodes6, long packetsIn, long queriesIn, long queriesOut, long responsesIn,
                       long repliesOut, long timeouts, long malformed, long rateLimited, long budgetDropped,
                       long badTokens, long bytesIn, long bytesOut, int torrents, int items) {

    /** Routing-table nodes of both families. */
    public int nodeCount() {
        return nodes4 + nodes6;
    }
}
