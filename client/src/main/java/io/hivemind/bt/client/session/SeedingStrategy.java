package io.hivemind.bt.client.session;

import io.hivemind.bt.client.core.IntList;
import io.hivemind.bt.client.core.picker.BlockLayout;
import io.hivemind.bt.client.core.picker.PieceAvailability;
import io.hivemind.bt.client.core.seed.UploadPolicy;
import io.hivemind.bt.wire.bits.Bitfield;
import io.hivemind.bt.wire.peer.PeerMessage;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * How an initial seed (an origin) serves a swarm: the session's shell around the pure {@link UploadPolicy}. Only
 * a torrent that seeds without having downloaded anything in this session uses it; downloaders, and downloaders
 * that finished, serve requests in arrival order.
 *
 * <h2>Implementation note</h2>
 * In a swarm fed by one origin, every piece the origin sends twice is bandwidth nobody else can give back
 * (DESIGN.md, "What decides swarm efficiency"). The origin cannot choose what peers ask for, but it chooses
 * <i>which queued request it serves next</i>, and it can <i>hint</i>:
 * <ul>
 *   <li><b>Serve order.</b> Each connection serves, among its queued requests, the block of the piece sent the
 *       fewest times, then the rarest, then the one closest to having left whole (so pieces complete, and can be
 *       forwarded, sooner). A request for a piece that already left us, or that is reserved for another peer,
 *       is deferred ({@link UploadPolicy.Verdict#SERVE_LATER}) while any connection has a request for fresh data
 *       waiting, so duplicates only fill an uplink that would otherwise idle. A deferred request is turned down
 *       (BEP 6 reject) after {@link #DEFER_REJECT_NANOS} so the peer fetches it elsewhere; peers without the
 *       fast extension wait (they cannot be told).</li>
 *   <li><b>Short queues.</b> Ordering only matters if little is committed ahead: a seeding connection keeps
 *       {@link #PENDING_LOW}–{@link #PENDING_HIGH} bytes in Netty's buffer and at most {@link #NOTSENT_LOWAT}
 *       unsent bytes in the kernel (TCP_NOTSENT_LOWAT, epoll and io_uring), instead of the megabytes a bulk
 *       sender queues, and has at most four block reads in flight. Bytes in flight on the wire are not limited,
 *       so the uplink stays full.</li>
 *   <li><b>Hints.</b> Each unchoked peer holds {@link #SUGGESTIONS} BEP 6 suggest-piece for a fresh piece
 *       reserved for it (once every piece has left: the piece sent fewest times), renewed as soon as that piece
 *       has left or the peer has it, so two peers are not steered to the same piece. hivebt downloaders take a
 *       lone seed's suggestions first and ask it only for pieces no other peer has
 *       ({@link io.hivemind.bt.client.core.picker.PickerPeer#preferUnique()}).</li>
 * </ul>
 * The choker gives a seed {@link #SEED_UNCHOKE_SLOTS} regular slots (every interested peer in a swarm of that
 * size): the more peers pull fresh pieces from the origin at once, the sooner every piece has left it once and
 * the more peers have something to forward. Measured alternatives that lost (bench/swarm/README.md): four slots
 * (origin idle), serving one or two connections at a time so that pieces complete faster (downloaders' request
 * pipelines to the origin then run dry), four suggestions per peer (more duplicates).
 *
 * <p>Logs (INFO) how many blocks it sent, the duplicates among them and when every piece had left.
 *
 * <p>Not thread-safe: owned by the torrent's event loop. Holds no buffers.
 */
final class SeedingStrategy {
    /** Regular unchoke slots while seeding. */
    static final int SEED_UNCHOKE_SLOTS = 24;
    /** Fresh pieces suggested to each unchoked peer at a time. */
    static final int SUGGESTIONS = 1;
    static final int PENDING_LOW = 32 * 1024;
    static final int PENDING_HIGH = 64 * 1024;
    static final long NOTSENT_LOWAT = 32 * 1024;
    static final long DEFER_REJECT_NANOS = TimeUnit.MILLISECONDS.toNanos(1500);
    /** Queued requests of one peer among which {@link #next} chooses (see there). */
    static final int SCAN_WINDOW = 64;
    private static final long DEMAND_CACHE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final Torrent torrent;
    private final BlockLayout layout;
    private final UploadPolicy policy;
    private final PieceAvailability availability;
    private final IntList scratch = new IntList();
    private final int[] sentOfPiece;

    private static final System.Logger LOG = System.getLogger(SeedingStrategy.class.getName());
    private long demandAt = Long.MIN_VALUE;
    private long firstSent = Long.MIN_VALUE;
    private long lastReport = Long.MIN_VALUE;
    private boolean reportedAllLeft;
    private int freshDemand;

    SeedingStrategy(Torrent torrent, BlockLayout layout, PieceAvailability availability, RandomGenerator random) {
        this.torrent = torrent;
        this.layout = layout;
        this.availability = availability;
        this.policy = new UploadPolicy(layout, availability, random, UploadPolicy.Config.DEFAULT);
        this.sentOfPiece = new int[layout.pieceCount()];
    }

    UploadPolicy policy() {
        return policy;
    }

    /**
     * Index (in entries of {@code stride} ints: piece, begin, length, ...) of the queued request {@code peer}
     * should be served next, or -1 to wait. {@code peerHas} is the peer's bitfield. The choice is made among the
     * {@link #SCAN_WINDOW} oldest requests, and among the others only when none of those may be served now: a fast
     * peer keeps hundreds of requests queued, and a scan of all of them for every block sent took a third of a
     * seeder's CPU on loopback (bench/loopback/warm.sh, perf), while in a swarm an origin's per-peer queues are
     * shorter than the window anyway.
     */
    int next(int peerId, Bitfield peerHas, IntList queue, int stride, long now) {
        int best = -1;
        long bestKey = Long.MAX_VALUE;
        boolean bestLater = true;
        UploadPolicy.FreshOption scan = new UploadPolicy.FreshOption();
        int window = SCAN_WINDOW * stride;
        for (int i = 0; i + stride - 1 < queue.size(); i += stride) {
            if (i >= window && !bestLater) {
                break; // the oldest requests hold one that may be served now: choose among them
            }
            int block = blockOf(queue.get(i), queue.get(i + 1));
            boolean later = peerHas != null
                    && policy.judge(block, peerId, peerHas, now, scan) != UploadPolicy.Verdict.SERVE;
            // fewest copies, then rarest, then the piece closest to having left us whole
            int p = layout.pieceOf(block);
            long key = ((long) Math.min(policy.copiesSent(p), 0x7fff) << 48)
                    | ((long) Math.min(availability.availability(p), 0xffff) << 16)
                    | (0xffff - Math.min(0xffff, sentOfPiece[p]));
            if ((bestLater && !later) || (later == bestLater && key < bestKey)) {
                best = i / stride;
                bestKey = key;
                bestLater = later;
            }
        }
        if (best < 0 || !bestLater) {
            return best;
        }
        return freshDemand(now) == 0 ? best : -1;
    }

    /** True if the request at entry {@code index} is a deferred one old enough to turn down. */
    boolean shouldReject(int peerId, Bitfield peerHas, int piece, int begin, long queuedAt, long now) {
        if (peerHas == null || now - queuedAt < DEFER_REJECT_NANOS) {
            return false;
        }
        return policy.judge(blockOf(piece, begin), peerId, peerHas, now) != UploadPolicy.Verdict.SERVE;
    }

    /** Requests for fresh data waiting at any connection (recounted at most every 20 ms). */
    private int freshDemand(long now) {
        if (demandAt != Long.MIN_VALUE && now - demandAt < DEMAND_CACHE_NANOS) {
            return freshDemand;
        }
        demandAt = now;
        int n = 0;
        for (PeerConnection p : torrent.peers) {
            n += p.freshRequests(this, now);
        }
        freshDemand = n;
        return n;
    }

    /** Counts the queued requests of one peer that would be served now. */
    int countFresh(int peerId, Bitfield peerHas, IntList queue, int stride, long now) {
        if (peerHas == null) {
            return queue.size() / stride;
        }
        int n = 0;
        UploadPolicy.FreshOption scan = new UploadPolicy.FreshOption();
        for (int i = 0; i + stride - 1 < queue.size(); i += stride) {
            int block = blockOf(queue.get(i), queue.get(i + 1));
            if (policy.judge(block, peerId, peerHas, now, scan) == UploadPolicy.Verdict.SERVE) {
                n++;
            }
        }
        return n;
    }

    /** A block went out to a peer. */
    void sent(int peerId, int piece, int begin, long now) {
        policy.blockSent(blockOf(piece, begin), peerId, now);
        sentOfPiece[piece]++;
        demandAt = Long.MIN_VALUE;

        if (firstSent == Long.MIN_VALUE) {
            firstSent = now;
            lastReport = now;
        }
        if (!reportedAllLeft && policy.allLeft()) {
            reportedAllLeft = true;
            report(now, "every piece has left");
        } else if (now - lastReport >= 2_000_000_000L) {
            report(now, "progress");
        }
    }

    /**
     * Tops up the peer's suggestions: sends suggest-piece for pieces it lacks (fresh ones while any piece has
     * not left us, then those sent fewest times) until it holds {@link #SUGGESTIONS} that were not sent again
     * since. {@code outstanding} holds (piece, copies sent when suggested) pairs, kept by the connection.
     */
    void suggest(PeerConnection peer, Bitfield peerHas, IntList outstanding, long now) {
        if (peerHas == null) {
            return;
        }
        for (int i = outstanding.size() - 2; i >= 0; i -= 2) {
            int p = outstanding.get(i);
            if (peerHas.get(p) || policy.copiesSent(p) > outstanding.get(i + 1)) {
                outstanding.removeAt(i + 1);
                outstanding.removeAt(i);
            }
        }
        int held = outstanding.size() / 2;
        if (held >= SUGGESTIONS) {
            return;
        }
        scratch.clear();
        policy.suggest(peerHas, peer.id(), SUGGESTIONS + held, now, scratch);
        boolean fresh = !policy.allLeft();
        for (int i = 0; i < scratch.size() && outstanding.size() / 2 < SUGGESTIONS; i++) {
            int p = scratch.get(i);
            if (fresh && policy.hasLeft(p)) {
                continue;
            }
            boolean known = false;
            for (int k = 0; k < outstanding.size(); k += 2) {
                known |= outstanding.get(k) == p;
            }
            if (!known) {
                outstanding.add(p);
                outstanding.add(policy.copiesSent(p));
                peer.send(new PeerMessage.SuggestPiece(p));
            }
        }
    }

    private void report(long now, String what) {
        lastReport = now;
        if (LOG.isLoggable(System.Logger.Level.INFO)) {
            LOG.log(System.Logger.Level.INFO, String.format(java.util.Locale.ROOT,
                    "seeding %s at %.1f s: %d blocks sent (%.3f of the torrent), %d duplicates, %d of %d pieces left",
                    what, (now - firstSent) / 1e9, policy.blocksSent(), (double) policy.blocksSent() / layout.totalBlocks(),
                    policy.duplicateBlocksSent(), policy.piecesLeft(), layout.pieceCount()));
        }
    }

    /** The block holding byte {@code begin} of the piece (requests need not be block-aligned, BEP 3). */
    private int blockOf(int piece, int begin) {
        return layout.firstBlock(piece) + Math.min(begin >>> 14, layout.blocksInPiece(piece) - 1);
    }

    void peerGone(int peerId) {
        policy.peerGone(peerId);

        demandAt = Long.MIN_VALUE;
    }
}
