package io.hivemind.bt.client.core.pipeline;

import io.hivemind.bt.client.core.IntList;
import io.hivemind.bt.client.core.rate.RateEstimator;
import java.util.Arrays;

/**
 * The requests we have outstanding at one peer: how many to keep in flight, which are late, and whether the
 * peer is snubbing us.
 *
 * <h2>Implementation note</h2>
 * <b>Depth.</b> The target queue depth is the bandwidth-delay product plus a cushion:
 * {@code ceil(rate * (requestQueueTime + minRtt) / 16 KiB)}, clamped to {@code [minDepth, min(maxDepth, reqq)]},
 * where {@code rate} is this peer's payload rate ({@link RateEstimator}), {@code minRtt} the smallest
 * request-to-block time seen over the last 10-20 s (the path latency without our own queueing, as BBR estimates
 * it) and {@code reqq} the peer's advertised queue limit (BEP 10 handshake, default 250). Until the rate estimate
 * settles the pipeline is in <i>slow start</i>: the depth starts at {@code initialDepth} and grows by one per
 * block received (doubling per round trip), and slow start ends when a one-second rate sample grows less than
 * 10 % or the peer chokes, snubs or rejects. This is libtorrent's {@code request_queue_time} rule plus its slow
 * start, with the latency term added so high-latency peers are not starved at modest rates.
 *
 * <p><b>Timeouts and snubbing.</b> A peer that unchoked us and has requests outstanding but sent no block for
 * {@code snubTimeout} (60 s, as in the original client) is <i>snubbed</i>: every outstanding request is released
 * (the session cancels them and returns the blocks to the picker), the depth drops to one, and the choker gives
 * it only the optimistic slot (anti-snubbing). Any block clears the flag. Independently, a request older than
 * {@code max(requestTimeout, 3 * outstanding * 16 KiB / rate)} is released on its own if the peer has served
 * something sent after it (it skipped ours), and requests left unanswered for {@code snubTimeout} while the peer
 * chokes us (allowed-fast requests it neither serves nor rejects) are released without marking a snub.
 *
 * <p><b>Answers.</b> Released, cancelled and choke-dropped requests are remembered (the last
 * {@code lateMemory}), so a block or reject that crosses our cancel on the wire is {@link Answer#LATE}, not
 * {@link Answer#UNEXPECTED}; BEP 6 lets a peer close on a truly unexpected piece or reject. Choke without the
 * fast extension drops everything outstanding (BEP 3); with it (BEP 6) requests stay until rejected or served.
 *
 * <p>Not thread-safe: owned by the torrent's event loop, one instance per peer connection.
 */
public final class RequestPipeline {
    /** How an incoming block or reject relates to our requests. */
    public enum Answer {
        /** It answers an outstanding request (now removed). */
        EXPECTED,
        /** It answers a request we cancelled, released or lost to a choke: harmless. */
        LATE,
        /** We never asked for it (BEP 6: the peer may be closed). */
        UNEXPECTED
    }

    /**
     * Settings.
     *
     * @param minDepth requests kept in flight at least (unless snubbed)
     * @param maxDepth requests kept in flight at most (also capped by the peer's reqq)
     * @param initialDepth depth at the start of slow start
     * @param requestQueueTimeNanos how much transfer time to keep queued at the peer
     * @param snubTimeoutNanos no block for this long while unchoked with requests out: snubbed
     * @param requestTimeoutNanos an individual request older than this (and than 3 queue times) is released
     * @param blockSize bytes per request
     * @param lateMemory how many released or cancelled requests to remember
     */
    public record Config(int minDepth, int maxDepth, int initialDepth, long requestQueueTimeNanos,
            long snubTimeoutNanos, long requestTimeoutNanos, int blockSize, int lateMemory) {
        public static final Config DEFAULT = new Config(2, 500, 4, 3_000_000_000L, 60_000_000_000L,
                30_000_000_000L, 16 * 1024, 512);

        public Config {
            if (minDepth < 1 || maxDepth < minDepth || initialDepth < minDepth || initialDepth > maxDepth) {
                throw new IllegalArgumentException("depths " + minDepth + " <= " + initialDepth + " <= " + maxDepth);
            }
            if (requestQueueTimeNanos <= 0 || snubTimeoutNanos <= 0 || requestTimeoutNanos <= 0 || blockSize <= 0
                    || lateMemory < 1) {
                throw new IllegalArgumentException("non-positive setting in " + this);
            }
        }
    }

    private static final long RTT_WINDOW = 10_000_000_000L;
    private static final long SAMPLE = 1_000_000_000L;
    public static final int DEFAULT_REQQ = 250;

    private final Config config;
    private final RateEstimator rate;
    private int[] blocks = new int[16];
    private long[] sentAt = new long[16];
    private int count;
    private final int[] late;
    private int lateNext;
    private int lateCount;
    private int reqq = DEFAULT_REQQ;
    private boolean chokedUs = true;
    private boolean fast;
    private boolean snubbed;
    private boolean slowStart = true;
    private int slowStartDepth;
    private long lastSlowStartCheck;
    private long lastSlowStartRate;
    private long waitingSince;
    private long lastBlockAt;
    private boolean anyBlock;
    private long rttMin = Long.MAX_VALUE;
    private long rttPrevMin = Long.MAX_VALUE;
    private long rttWindowStart;

    public RequestPipeline(long nowNanos) {
        this(Config.DEFAULT, nowNanos);
    }

    public RequestPipeline(Config config, long nowNanos) {
        this.config = config;
        this.rate = new RateEstimator(nowNanos);
        this.late = new int[config.lateMemory()];
        this.slowStartDepth = config.initialDepth();
        this.lastSlowStartCheck = nowNanos;
        this.rttWindowStart = nowNanos;
        this.waitingSince = nowNanos;
    }

    // ---------------------------------------------------------------- peer state

    /** The peer's BEP 10 "reqq" (its request queue limit); values below 1 are ignored. */
    public void setPeerRequestQueue(int reqq) {
        if (reqq >= 1) {
            this.reqq = reqq;
        }
    }

    /** Whether both sides support the BEP 6 fast extension (decides what a choke means). */
    public void setFastExtension(boolean on) {
        this.fast = on;
    }

    public boolean isChokedUs() {
        return chokedUs;
    }

    /**
     * The peer choked us. Without the fast extension every outstanding request is dropped (BEP 3) and appended
     * to {@code dropped}: return those blocks to the picker. With it, requests stay until rejected or served.
     * Returns the number dropped.
     */
    public int choked(IntList dropped) {
        chokedUs = true;
        slowStart = false;
        if (fast) {
            return 0;
        }
        return drainInto(dropped);
    }

    /** The peer unchoked us. */
    public void unchoked(long nowNanos) {
        if (chokedUs) {
            chokedUs = false;
            waitingSince = nowNanos;
        }
    }

    public boolean isSnubbed() {
        return snubbed;
    }

    // ---------------------------------------------------------------- requests

    /** How many more requests to send now (the target depth minus those outstanding). */
    public int requestsWanted(long nowNanos) {
        return Math.max(0, targetDepth(nowNanos) - count);
    }

    /** The number of requests to keep outstanding at this peer now. */
    public int targetDepth(long nowNanos) {
        if (snubbed) {
            return 1;
        }
        long bytesPerSecond = rate.rate(nowNanos);
        long queueNanos = config.requestQueueTimeNanos() + (rttMinimum() == Long.MAX_VALUE ? 0 : rttMinimum());
        double bytes = bytesPerSecond * (queueNanos / 1e9);
        long depth = (long) Math.ceil(bytes / config.blockSize());
        if (slowStart) {
            depth = Math.max(depth, slowStartDepth);
        }
        int cap = Math.min(config.maxDepth(), reqq);
        return (int) Math.max(Math.min(depth, cap), Math.min(config.minDepth(), cap));
    }

    /** We sent a request for {@code block}. */
    public void requestSent(int block, long nowNanos) {
        if (count == blocks.length) {
            blocks = Arrays.copyOf(blocks, count << 1);
            sentAt = Arrays.copyOf(sentAt, count << 1);
        }
        if (count == 0) {
            waitingSince = nowNanos;
        }
        blocks[count] = block;
        sentAt[count] = nowNanos;
        count++;
    }

    /** Number of requests outstanding. */
    public int outstanding() {
        return count;
    }

    /** True if {@code block} is outstanding at this peer. */
    public boolean isOutstanding(int block) {
        return indexOf(block) >= 0;
    }

    /** Appends the outstanding blocks, oldest first. */
    public void outstandingBlocks(IntList out) {
        for (int i = 0; i < count; i++) {
            out.add(blocks[i]);
        }
    }

    /**
     * A block of {@code bytes} arrived. Every block counts for the rate and clears the snubbed flag; only an
     * {@link Answer#EXPECTED} one updates the latency estimate and slow start.
     */
    public Answer blockReceived(int block, int bytes, long nowNanos) {
        rate.add(bytes, nowNanos);
        snubbed = false;
        waitingSince = nowNanos;
        lastBlockAt = nowNanos;
        anyBlock = true;
        int i = indexOf(block);
        if (i < 0) {
            return forgetLate(block) ? Answer.LATE : Answer.UNEXPECTED;
        }
        long rtt = nowNanos - sentAt[i];
        if (i == 0 && rtt >= 0) { // the oldest request: its time includes the least of our own queueing
            rttMin = Math.min(rttMin, rtt);
        }
        remove(i);
        if (slowStart) {
            slowStartDepth = Math.min(slowStartDepth + 1, config.maxDepth());
        }
        return Answer.EXPECTED;
    }

    /** The peer rejected a request (BEP 6 reject request). */
    public Answer rejected(int block) {
        int i = indexOf(block);
        if (i < 0) {
            return forgetLate(block) ? Answer.LATE : Answer.UNEXPECTED;
        }
        remove(i);
        slowStart = false;
        return Answer.EXPECTED;
    }

    /** We cancel an outstanding request (endgame, or the piece is no longer wanted). Returns false if not outstanding. */
    public boolean cancel(int block) {
        int i = indexOf(block);
        if (i < 0) {
            return false;
        }
        remove(i);
        rememberLate(block);
        return true;
    }

    /** The connection closed: every outstanding block is appended to {@code out} and forgotten. */
    public int drain(IntList out) {
        return drainInto(out);
    }

    /**
     * Periodic check (every 100 ms to 1 s): snub detection, per-request timeouts, slow-start exit and latency
     * window. Blocks released are appended to {@code released}: send cancels for them and return them to the
     * picker. Returns how many were released.
     */
    public int tick(long nowNanos, IntList released) {
        if (nowNanos - rttWindowStart >= RTT_WINDOW) {
            rttPrevMin = rttMin;
            rttMin = Long.MAX_VALUE;
            rttWindowStart = nowNanos;
        }
        if (slowStart && nowNanos - lastSlowStartCheck >= SAMPLE) {
            long r = rate.rate(nowNanos);
            if (lastSlowStartRate > 0 && r * 10 < lastSlowStartRate * 11) {
                slowStart = false;
            }
            lastSlowStartRate = r;
            lastSlowStartCheck = nowNanos;
        }
        if (count == 0) {
            return 0;
        }
        if (!chokedUs && !snubbed && nowNanos - waitingSince >= config.snubTimeoutNanos()) {
            snubbed = true;
            slowStart = false;
            return drainInto(released);
        }
        int n = 0;
        long limit = requestTimeout(nowNanos);
        for (int i = count - 1; i >= 0; i--) {
            long age = nowNanos - sentAt[i];
            // skipped while the peer served later requests, or left unanswered while it chokes us
            boolean stuck = (age >= limit && anyBlock && lastBlockAt - sentAt[i] > 0)
                    || (chokedUs && age >= config.snubTimeoutNanos());
            if (stuck) {
                int b = blocks[i];
                remove(i);
                rememberLate(b);
                released.add(b);
                n++;
            }
        }
        return n;
    }

    /** The payload rate from this peer, bytes per second. */
    public long downloadRate(long nowNanos) {
        return rate.rate(nowNanos);
    }

    /** Payload bytes received from this peer. */
    public long downloaded() {
        return rate.total();
    }

    /** The smallest request-to-block time seen recently, or {@link Long#MAX_VALUE} if none yet. */
    public long rttMinimum() {
        return Math.min(rttMin, rttPrevMin);
    }

    public boolean inSlowStart() {
        return slowStart;
    }

    private long requestTimeout(long now) {
        long r = rate.rate(now);
        if (r <= 0) {
            return config.requestTimeoutNanos();
        }
        double queueNanos = 3e9 * count * (double) config.blockSize() / r;
        return Math.max(config.requestTimeoutNanos(), (long) Math.min(queueNanos, Long.MAX_VALUE / 2.0));
    }

    private int drainInto(IntList out) {
        int n = count;
        for (int i = 0; i < n; i++) {
            out.add(blocks[i]);
            rememberLate(blocks[i]);
        }
        count = 0;
        return n;
    }

    private int indexOf(int block) {
        for (int i = 0; i < count; i++) {
            if (blocks[i] == block) {
                return i;
            }
        }
        return -1;
    }

    private void remove(int i) {
        int tail = count - i - 1;
        if (tail > 0) {
            System.arraycopy(blocks, i + 1, blocks, i, tail);
            System.arraycopy(sentAt, i + 1, sentAt, i, tail);
        }
        count--;
    }

    private void rememberLate(int block) {
        late[lateNext] = block;
        lateNext = lateNext + 1 == late.length ? 0 : lateNext + 1;
        if (lateCount < late.length) {
            lateCount++;
        }
    }

    /** Removes {@code block} from the late memory; true if it was there. */
    private boolean forgetLate(int block) {
        for (int k = 0; k < lateCount; k++) {
            int idx = Math.floorMod(lateNext - 1 - k, late.length);
            if (late[idx] == block) {
                late[idx] = -1;
                return true;
            }
        }
        return false;
    }
}
