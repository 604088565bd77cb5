package io.hivemind.bt.tracker.internal;

import io.hivemind.bt.tracker.AnnounceRequest;
import io.hivemind.bt.tracker.AnnounceResponse;
import io.hivemind.bt.tracker.ScrapeResponse;
import io.hivemind.bt.tracker.TrackerException;
import io.hivemind.bt.tracker.TrackerException.Reason;
import io.hivemind.bt.tracker.UdpRetransmitSchedule;
import io.hivemind.bt.tracker.protocol.UdpTrackerProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * One UDP tracker exchange (BEP 15): connect if no valid connection id is cached, then announce or scrape, with
 * the retransmission schedule and the transaction-id checks. Pure: it turns events (start, a packet, a timeout)
 * into {@link Step}s (send these bytes and wait until then; done; failed) and never touches a socket or a clock.
 *
 * <p>Implementation note. One counter {@code n} runs through the whole exchange as in BEP 15's "Announce times
 * out" example: a retransmission waits {@code 15·2ⁿ} s, an answer resets n to 0. A new random transaction id is
 * chosen for each request (connect, then announce) and kept across its retransmissions, so a late answer to an
 * earlier transmission is still accepted. When the connection id is older than one minute at a retransmission,
 * the exchange connects again. An error packet in answer to a request made with a <em>cached</em> id makes it
 * reconnect once (the tracker may have restarted); otherwise an error packet is the tracker's failure reason.
 *
 * <p>Not thread-safe: owned by the UDP client's event loop.
 */
public final class UdpExchange {

    /** What the shell must do next. */
    public sealed interface Step permits Send, Ignore, Done, Fail {
    }

    /** Send {@code packet} to the tracker, and call {@link #onTimeout} at {@code deadlineNanos} if no answer came. */
    public record Send(byte[] packet, long deadlineNanos) implements Step {
    }

    /** The packet was not for this exchange (or came too late); nothing changes. */
    public enum Ignore implements Step { INSTANCE }

    /** Finished: {@code result} is an {@link AnnounceResponse} or a {@link ScrapeResponse}. */
    public record Done(Object result) implements Step {
    }

    public record Fail(TrackerException error) implements Step {
    }

    private enum Phase { NEW, CONNECTING, REQUESTING, FINISHED }

    private final InetSocketAddress tracker;
    private final boolean ipv6;
    private final AnnounceRequest announce;
    private final List<byte[]> scrapeHashes;
    private final UdpConnectionCache cache;
    private final UdpRetransmitSchedule schedule;
    private final RandomGenerator random;
    private final int maxPeers;
    private Phase phase = Phase.NEW;
    private int n;
    private int transactionId;
    private long connectionId;
    private boolean usingCachedId;
    private boolean reconnectedAfterError;

    private UdpExchange(InetSocketAddress tracker, AnnounceRequest announce, List<byte[]> scrapeHashes,
                        UdpConnectionCache cache, UdpRetransmitSchedule schedule, RandomGenerator random,
                        int maxPeers) {
        this.tracker = Objects.requireNonNull(tracker, "tracker");
        this.ipv6 = tracker.getAddress() != null && tracker.getAddress().getAddress().length == 16;
        this.announce = announce;
        this.scrapeHashes = scrapeHashes;
        this.cache = Objects.requireNonNull(cache, "cache");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.random = Objects.requireNonNull(random, "random");
        this.maxPeers = maxPeers;
    }

    /** An announce exchange with a resolved tracker address. */
    public static UdpExchange announce(InetSocketAddress tracker, AnnounceRequest request, UdpConnectionCache cache,
                                       UdpRetransmitSchedule schedule, RandomGenerator random, int maxPeers) {
        return new UdpExchange(tracker, Objects.requireNonNull(request), null, cache, schedule, random, maxPeers);
    }

    /** A scrape exchange for 1 to 74 info-hashes. */
    public static UdpExchange scrape(InetSocketAddress tracker, List<byte[]> infoHashes, UdpConnectionCache cache,
                                     UdpRetransmitSchedule schedule, RandomGenerator random) {
        if (infoHashes.isEmpty() || infoHashes.size() > UdpTrackerProtocol.MAX_SCRAPE_HASHES_PER_PACKET) {
            throw new IllegalArgumentException("scrape needs 1.." + UdpTrackerProtocol.MAX_SCRAPE_HASHES_PER_PACKET
                    + " info-hashes");
        }
        List<byte[]> copy = new ArrayList<>();
        for (byte[] h : infoHashes) {
            if (h.length != 20) {
                throw new IllegalArgumentException("info-hash must be 20 bytes");
            }
            copy.add(h.clone());
        }
        return new UdpExchange(tracker, null, copy, cache, schedule, random, 0);
    }

    public InetSocketAddress tracker() {
        return tracker;
    }

    /** The transaction id an answer must carry now. */
    public int transactionId() {
        return transactionId;
    }

    public boolean finished() {
        return phase == Phase.FINISHED;
    }

    /** Begins: the first packet to send. */
    public Step start(long nowNanos) {
        if (phase != Phase.NEW) {
            throw new IllegalStateException("already started");
        }
        if (cache.has(tracker, nowNanos)) {
            connectionId = cache.get(tracker, nowNanos);
            usingCachedId = true;
            phase = Phase.REQUESTING;
        } else {
            phase = Phase.CONNECTING;
        }
        return transmit(nowNanos, true);
    }

    /** No answer came by the last {@link Send#deadlineNanos()}. */
    public Step onTimeout(long nowNanos) {
        if (phase == Phase.FINISHED || phase == Phase.NEW) {
            return Ignore.INSTANCE;
        }
        if (schedule.givesUpAfter(n)) {
            return fail(new TrackerException(Reason.TIMEOUT, "UDP tracker " + tracker + " did not answer after "
                    + (n + 1) + " transmissions (" + schedule.totalTimeout().toSeconds() + " s)"));
        }
        n++;
        if (phase == Phase.REQUESTING) {
            if (cache.has(tracker, nowNanos)) {
                connectionId = cache.get(tracker, nowNanos);
            } else {
                phase = Phase.CONNECTING; // BEP 15: re-request a connection id once it expired
                return transmit(nowNanos, true);
            }
        }
        return transmit(nowNanos, false);
    }

    /**
     * A datagram arrived from the tracker's address. The caller keeps ownership of {@code packet} and releases it.
     */
    public Step onPacket(ByteBuf packet, long nowNanos) {
        if (phase == Phase.FINISHED || phase == Phase.NEW) {
            return Ignore.INSTANCE;
        }
        long tx = UdpTrackerProtocol.peekTransactionId(packet);
        if (tx < 0 || (int) tx != transactionId) {
            return Ignore.INSTANCE;
        }
        UdpTrackerProtocol.Response r;
        try {
            r = UdpTrackerProtocol.parseResponse(packet, ipv6, maxPeers);
        } catch (TrackerException e) {
            return fail(e);
        }
        if (r instanceof UdpTrackerProtocol.ErrorResponse err) {
            if (phase == Phase.REQUESTING && usingCachedId && !reconnectedAfterError) {
                reconnectedAfterError = true;
                usingCachedId = false;
                cache.invalidate(tracker);
                phase = Phase.CONNECTING;
                n = 0;
                return transmit(nowNanos, true);
            }
            String msg = err.message().isEmpty() ? "UDP tracker error without a message" : err.message();
            return fail(new TrackerException(Reason.TRACKER_FAILURE, msg));
        }
        if (phase == Phase.CONNECTING) {
            if (!(r instanceof UdpTrackerProtocol.ConnectResponse c)) {
                return fail(unexpected(r, "connect"));
            }
            connectionId = c.connectionId();
            cache.put(tracker, connectionId, nowNanos);
            usingCachedId = false;
            phase = Phase.REQUESTING;
            n = 0;
            return transmit(nowNanos, true);
        }
        if (announce != null) {
            if (!(r instanceof UdpTrackerProtocol.AnnounceResponse a)) {
                return fail(unexpected(r, "announce"));
            }
            phase = Phase.FINISHED;
            return new Done(new AnnounceResponse(a.interval(), -1, null, a.seeders(), a.leechers(), -1, a.peers(),
                    null, null));
        }
        if (!(r instanceof UdpTrackerProtocol.ScrapeResponse s)) {
            return fail(unexpected(r, "scrape"));
        }
        phase = Phase.FINISHED;
        List<ScrapeResponse.Entry> entries = new ArrayList<>();
        int[] c = s.counters();
        for (int i = 0; i < Math.min(s.count(), scrapeHashes.size()); i++) {
            entries.add(new ScrapeResponse.Entry(scrapeHashes.get(i), c[3 * i], c[3 * i + 2], c[3 * i + 1]));
        }
        return new Done(new ScrapeResponse(entries));
    }

    /** The exchange is abandoned (client closed); later events are ignored. */
    public void cancel() {
        phase = Phase.FINISHED;
    }

    private Step transmit(long nowNanos, boolean newRequest) {
        if (newRequest) {
            transactionId = random.nextInt();
        }
        ByteBuf buf = Unpooled.buffer(UdpTrackerProtocol.ANNOUNCE_REQUEST_LENGTH);
        byte[] packet;
        try {
            if (phase == Phase.CONNECTING) {
                UdpTrackerProtocol.writeConnect(buf, transactionId);
            } else if (announce != null) {
                UdpTrackerProtocol.writeAnnounce(buf, connectionId, transactionId, announce);
            } else {
                UdpTrackerProtocol.writeScrape(buf, connectionId, transactionId, scrapeHashes);
            }
            packet = new byte[buf.readableBytes()];
            buf.readBytes(packet);
        } finally {
            buf.release();
        }
        return new Send(packet, nowNanos + schedule.timeoutNanos(n));
    }

    private Step fail(TrackerException e) {
        phase = Phase.FINISHED;
        return new Fail(e);
    }

    private static TrackerException unexpected(UdpTrackerProtocol.Response r, String expected) {
        return new TrackerException(Reason.MALFORMED_RESPONSE, "UDP tracker answered a " + expected
                + " request with " + r.getClass().getSimpleName());
    }
}
