package io.hivemind.bt.tracker.server.internal;

import io.hivemind.bt.tracker.AnnounceEvent;
import io.hivemind.bt.tracker.TrackerException;
import io.hivemind.bt.tracker.protocol.UdpTrackerProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The BEP 15 server: connect, announce, scrape. Requests are decoded by {@link UdpTrackerProtocol}; connection ids
 * come from {@link ConnectionIds} and are checked before anything is looked up or stored, so an unauthenticated
 * packet costs one MAC and creates no state. Replies to packets without a valid id (the connect response, error
 * replies) are never longer than the packet that caused them: the tracker cannot be used to amplify a spoofed
 * flood. Malformed packets get no reply at all.
 *
 * <p>One instance per datagram channel (it writes without flushing and flushes once per read batch, and keeps its
 * own scratch state); not {@code @Sharable}. Buffers: the inbound datagram is released by {@link SimpleChannelInboundHandler}; replies are
 * allocated from the channel's allocator and released by the transport after writing.
 */
public final class UdpTrackerHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final System.Logger LOG = System.getLogger(UdpTrackerHandler.class.getName());
    private static final String BAD_ID = "connection id expired or invalid";
    private static final String NOT_REGISTERED = "unregistered torrent";
    private static final String FULL = "tracker full";

    private final ServerContext ctx;
    private final ConnectionIds.Context ids;
    private final SwarmRegistry.AnnounceResult result;
    private boolean pendingFlush;

    public UdpTrackerHandler(ServerContext ctx) {
        this.ctx = ctx;
        this.ids = ctx.connectionIds.newContext();
        this.result = new SwarmRegistry.AnnounceResult(ctx.config.maxPeers());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext c, DatagramPacket packet) {
        ByteBuf in = packet.content();
        InetSocketAddress sender = packet.sender();
        if (sender == null || sender.getAddress() == null || sender.getPort() == 0) {
            return;
        }
        UdpTrackerProtocol.Request request;
        try {
            request = UdpTrackerProtocol.parseRequest(in, ctx.config.maxScrapeHashes());
        } catch (TrackerException e) {
            ctx.rejected.increment();
            if (LOG.isLoggable(Level.DEBUG)) {
                LOG.log(Level.DEBUG, "dropped UDP tracker packet from {0}: {1}", sender, e.getMessage());
            }
            return;
        }
        int length = in.readableBytes();
        byte[] address = sender.getAddress().getAddress();
        long now = ctx.ticker.getAsLong();
        switch (request) {
            case UdpTrackerProtocol.ConnectRequest conn -> {
                long id = ctx.connectionIds.mint(ids, address, sender.getPort(), now);
                ByteBuf out = c.alloc().buffer(UdpTrackerProtocol.CONNECT_RESPONSE_LENGTH);
                UdpTrackerProtocol.writeConnectResponse(out, conn.transactionId(), id);
                ctx.connects.increment();
                send(c, out, sender);
            }
            case UdpTrackerProtocol.AnnounceRequestPacket a -> {
                if (!ctx.connectionIds.verify(ids, a.connectionId(), address, sender.getPort(), now)) {
                    ctx.rejected.increment();
                    error(c, a.transactionId(), BAD_ID, length, sender);
                    return;
                }
                announce(c, a, address, sender, length, now);
            }
            case UdpTrackerProtocol.ScrapeRequest s -> {
                if (!ctx.connectionIds.verify(ids, s.connectionId(), address, sender.getPort(), now)) {
                    ctx.rejected.increment();
                    error(c, s.transactionId(), BAD_ID, length, sender);
                    return;
                }
                scrape(c, s, sender);
            }
        }
    }

    private void announce(ChannelHandlerContext c, UdpTrackerProtocol.AnnounceRequestPacket a, byte[] address,
                          InetSocketAddress sender, int length, long now) {
        if (!ctx.allowed(a.infoHash())) {
            ctx.rejected.increment();
            error(c, a.transactionId(), NOT_REGISTERED, length, sender);
            return;
        }
        if (a.port() == 0) {
            ctx.rejected.increment();
            error(c, a.transactionId(), "invalid port", length, sender);
            return;
        }
        if (a.ip() != 0 && address.length == 4 && ctx.trusted(sender.getAddress())) {
            int ip = a.ip(); // BEP 15 "IP address": believed only from a trusted range
            address = new byte[] {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip};
        }
        SwarmRegistry.AnnounceResult r = result;
        int want = a.event() == AnnounceEvent.STOPPED ? 0 : ctx.numWant(a.numWant());
        ctx.registry.announce(a.infoHash(), address, a.port(), a.left() == 0, a.event(), want, false, now,
                ThreadLocalRandom.current(), r);
        if (r.outcome == SwarmRegistry.Outcome.SWARM_LIMIT) {
            ctx.rejected.increment();
            error(c, a.transactionId(), FULL, length, sender);
            return;
        }
        boolean v4 = address.length == 4;
        int peerBytes = v4 ? 6 * r.count4 : 18 * r.count6;
        ByteBuf out = c.alloc().buffer(UdpTrackerProtocol.ANNOUNCE_RESPONSE_HEADER + peerBytes);
        UdpTrackerProtocol.writeAnnounceResponseHeader(out, a.transactionId(), ctx.intervalSeconds, r.leechers,
                r.seeders);
        out.writeBytes(v4 ? r.peers4 : r.peers6, 0, peerBytes);
        ctx.announces.increment();
        send(c, out, sender);
    }

    private void scrape(ChannelHandlerContext c, UdpTrackerProtocol.ScrapeRequest s, InetSocketAddress sender) {
        List<byte[]> hashes = s.infoHashes();
        ByteBuf out = c.alloc().buffer(UdpTrackerProtocol.SCRAPE_RESPONSE_HEADER + 12 * hashes.size());
        UdpTrackerProtocol.writeScrapeResponseHeader(out, s.transactionId());
        int[] counters = new int[3];
        for (byte[] h : hashes) {
            if (ctx.allowed(h)) {
                ctx.registry.scrape(h, counters, 0);
            } else {
                counters[0] = 0;
                counters[1] = 0;
                counters[2] = 0;
            }
            out.writeInt(counters[0]).writeInt(counters[1]).writeInt(counters[2]);
        }
        ctx.scrapes.increment();
        send(c, out, sender);
    }

    /** An error reply, cut to at most the request's length (no amplification). */
    private void error(ChannelHandlerContext c, int tx, String message, int requestLength, InetSocketAddress to) {
        if (requestLength < 8) {
            return;
        }
        ByteBuf out = c.alloc().buffer(Math.min(requestLength, 8 + message.length()));
        UdpTrackerProtocol.writeError(out, tx, message, requestLength);
        send(c, out, to);
    }

    private void send(ChannelHandlerContext c, ByteBuf out, InetSocketAddress to) {
        c.write(new DatagramPacket(out, to), c.voidPromise());
        pendingFlush = true;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext c) {
        if (pendingFlush) {
            pendingFlush = false;
            c.flush();
        }
        c.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        // A UDP socket error (ICMP unreachable from a spoofed sender, buffer full) concerns one packet only.
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "UDP tracker socket error: {0}", cause.toString());
        }
    }
}
