package io.hivemind.bt.client.core.rate;

import io.hivemind.bt.client.core.IntList;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * Peers waiting for bandwidth quota, served fairly when the limits are tight.
 *
 * <p>A waiter asks for {@code bytes} through up to three {@link BandwidthChannel}s (global, torrent, peer) with a
 * weight. Each {@link #assign} (the session calls it on its rate tick, e.g. every 50-100 ms, or when tokens
 * are expected) shares the tokens available now and returns the waiters whose whole request is covered; those
 * leave the queue and may transfer their bytes. Quota given to a waiter that is not yet complete stays assigned
 * to it (the tokens are taken), so a large request is filled over several ticks instead of starving behind
 * small ones.
 *
 * <h2>Implementation note</h2>
 * Sharing is weighted max-min fair ("water filling") per level: in each round every channel offers each of its
 * waiting users {@code max(1, floor(available * weight / totalWeightOnChannel))}, counting only waiters not
 * blocked by an exhausted level; a waiter receives the smallest offer among its channels (capped by what it
 * still needs and what is left), which is taken from all of them. What a round leaves (waiters that needed less
 * than their share, were held back by a tighter level, or rounding) is shared again in the next round, up to
 * eight rounds, the last bytes one each in rotating order; anything still left then goes to waiters in
 * rotating order. The rotation start advances on every call, so rounding favours no waiter for long: equal
 * waiters on one channel end every call within one byte of each other. No channel ever grants more than its
 * bucket holds. Cost: O(rounds * waiters * 3) per call, no allocation once the arrays have grown.
 *
 * <p>Not thread-safe: owned by the same loop as its channels.
 */
public final class BandwidthQueue {
    private static final int MAX_ROUNDS = 8;

    private int size;
    private int[] ids = new int[16];
    private long[] wanted = new long[16];
    private long[] assigned = new long[16];
    private int[] weight = new int[16];
    private BandwidthChannel[] channel = new BandwidthChannel[48];
    private int rotor;
    private int stamp;
    private final ArrayList<BandwidthChannel> used = new ArrayList<>();

    /**
     * Queues a request of {@code bytes} (&gt; 0) for waiter {@code id} through the given channels (null to skip a
     * level), with a weight from 1 (normal) to 1000.
     */
    public void enqueue(int id, long bytes, int weight, BandwidthChannel global, BandwidthChannel torrent, BandwidthChannel peer) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes " + bytes);
        }
        if (weight < 1 || weight > 1000) {
            throw new IllegalArgumentException("weight " + weight + " not in [1, 1000]");
        }
        if ((global != null && (global == torrent || global == peer)) || (torrent != null && torrent == peer)) {
            throw new IllegalArgumentException("the same channel twice");
        }
        if (size == ids.length) {
            int n = size << 1;
            ids = Arrays.copyOf(ids, n);
            wanted = Arrays.copyOf(wanted, n);
            assigned = Arrays.copyOf(assigned, n);
            this.weight = Arrays.copyOf(this.weight, n);
            channel = Arrays.copyOf(channel, 3 * n);
        }
        ids[size] = id;
        wanted[size] = bytes;
        assigned[size] = 0;
        this.weight[size] = weight;
        channel[3 * size] = global;
        channel[3 * size + 1] = torrent;
        channel[3 * size + 2] = peer;
        size++;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Bytes already assigned to the first queued request of {@code id} (0 if none is queued). */
    public long assignedTo(int id) {
        for (int i = 0; i < size; i++) {
            if (ids[i] == id) {
                return assigned[i];
            }
        }
        return 0;
    }

    /**
     * Drops every queued request of {@code id} (its peer disconnected); quota assigned to them goes back to
     * their channels. Returns how many requests were dropped.
     */
    public int remove(int id, long nowNanos) {
        int kept = 0;
        int dropped = 0;
        for (int i = 0; i < size; i++) {
            if (ids[i] == id) {
                for (int j = 0; j < 3; j++) {
                    BandwidthChannel c = channel[3 * i + j];
                    if (c != null && assigned[i] > 0) {
                        c.bucket().refund(assigned[i], nowNanos);
                    }
                }
                dropped++;
            } else {
                move(i, kept++);
            }
        }
        clearTail(kept);
        size = kept;
        return dropped;
    }

    /**
     * Shares the tokens available at {@code nowNanos} among the waiters and appends to {@code done} the ids of
     * requests now fully covered (removed from the queue, in queue order). Returns how many were appended.
     */
    public int assign(long nowNanos, IntList done) {
        if (size == 0) {
            return 0;
        }
        stamp++;
        used.clear();
        for (int i = 0; i < 3 * size; i++) {
            BandwidthChannel c = channel[i];
            if (c != null && c.stamp != stamp) {
                c.stamp = stamp;
                c.live = c.bucket().available(nowNanos);
                used.add(c);
            }
        }
        for (int round = 0; round < MAX_ROUNDS; round++) {
            for (int k = 0, n = used.size(); k < n; k++) {
                BandwidthChannel c = used.get(k);
                c.roundStart = c.live;
                c.roundWeight = 0;
            }
            boolean anyWaiting = false;
            for (int i = 0; i < size; i++) {
                if (assigned[i] < wanted[i] && !blocked(i)) {
                    anyWaiting = true;
                    for (int j = 0; j < 3; j++) {
                        BandwidthChannel c = channel[3 * i + j];
                        if (c != null) {
                            c.roundWeight += weight[i];
                        }
                    }
                }
            }
            if (!anyWaiting) {
                break;
            }
            long progress = 0;
            for (int k = 0; k < size; k++) {
                int i = (rotor + k) % size;
                long need = wanted[i] - assigned[i];
                if (need <= 0 || blocked(i)) {
                    continue;
                }
                long g = need;
                for (int j = 0; j < 3; j++) {
                    BandwidthChannel c = channel[3 * i + j];
                    if (c != null && c.roundStart != Long.MAX_VALUE) {
                        long share = Math.max(1, floorShare(c.roundStart, weight[i], c.roundWeight));
                        g = Math.min(g, Math.min(share, c.live));
                    }
                }
                progress += give(i, g, nowNanos);
            }
            if (progress == 0) {
                break;
            }
        }
        // rounding crumbs, in rotating order
        for (int k = 0; k < size; k++) {
            int i = (rotor + k) % size;
            long g = wanted[i] - assigned[i];
            if (g <= 0) {
                continue;
            }
            for (int j = 0; j < 3; j++) {
                BandwidthChannel c = channel[3 * i + j];
                if (c != null) {
                    g = Math.min(g, c.live);
                }
            }
            give(i, g, nowNanos);
        }
        rotor = rotor + 1 >= size ? 0 : rotor + 1;
        int before = done.size();
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (assigned[i] >= wanted[i]) {
                done.add(ids[i]);
            } else {
                move(i, kept++);
            }
        }
        clearTail(kept);
        size = kept;
        if (rotor >= Math.max(1, size)) {
            rotor = 0;
        }
        return done.size() - before;
    }

    /** floor(available * weight / totalWeight), without overflow for any available below 2^53. */
    private static long floorShare(long available, int weight, long totalWeight) {
        long q = available / totalWeight;
        long r = available % totalWeight;
        return q * weight + r * weight / totalWeight;
    }

    /** True if one of the waiter's channels has nothing left this call. */
    private boolean blocked(int i) {
        for (int j = 0; j < 3; j++) {
            BandwidthChannel c = channel[3 * i + j];
            if (c != null && c.live <= 0) {
                return true;
            }
        }
        return false;
    }

    private long give(int i, long g, long now) {
        if (g <= 0) {
            return 0;
        }
        for (int j = 0; j < 3; j++) {
            BandwidthChannel c = channel[3 * i + j];
            if (c != null && c.live != Long.MAX_VALUE) {
                c.live -= g;
                c.bucket().consume(g, now);
            }
        }
        assigned[i] += g;
        return g;
    }

    private void move(int from, int to) {
        if (from == to) {
            return;
        }
        ids[to] = ids[from];
        wanted[to] = wanted[from];
        assigned[to] = assigned[from];
        weight[to] = weight[from];
        System.arraycopy(channel, 3 * from, channel, 3 * to, 3);
    }

    private void clearTail(int from) {
        Arrays.fill(channel, 3 * from, 3 * size, null);
    }
}
