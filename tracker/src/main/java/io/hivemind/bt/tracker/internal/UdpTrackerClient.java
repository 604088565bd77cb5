package io.hivemind.bt.tracker.internal;

import io.hivemind.bt.tracker.AnnounceRequest;
import io.hivemind.bt.tracker.AnnounceResponse;
import io.hivemind.bt.tracker.ScrapeResponse;
import io.hivemind.bt.tracker.TrackerException;
import io.hivemind.bt.tracker.TrackerException.Reason;
import io.hivemind.bt.tracker.TrackerResolver;
import io.hivemind.bt.tracker.TrackerTransport;
import io.hivemind.bt.tracker.UdpRetransmitSchedule;
import io.hivemind.bt.tracker.protocol.TrackerUrls;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The UDP tracker client shell (BEP 15): one datagram channel, bound on first use to an ephemeral port on the
 * wildcard address, carries every exchange; answers are matched by transaction id <em>and</em> source address
 * (a datagram from anyone but the tracker is dropped). The protocol decisions live in {@link UdpExchange}; the
 * connection-id cache ({@link UdpConnectionCache}) is shared by all exchanges.
 *
 * <p>Thread-safe: public methods post to the channel's event loop, which owns all mutable state. Buffers: inbound
 * datagrams are released by {@link SimpleChannelInboundHandler}; outbound packets are wrapped {@code byte[]}s.
 */
public final class UdpTrackerClient {
    private final TrackerTransport transport;
    private final TrackerResolver resolver;
    private final UdpRetransmitSchedule schedule;
    private final RandomGenerator random;
    private final LongSupplier ticker;
    private final int maxPeers;
    private final EventLoop loop;
    private final UdpConnectionCache cache = new UdpConnectionCache();
    private final Map<Integer, Pending> pending = new HashMap<>();
    private ChannelFuture bound;
    private boolean closed;

    private static final class Pending {
        final UdpExchange exchange;
        final CompletableFuture<Object> future;
        ScheduledFuture<?> timeout;
        int registeredTx;
        boolean registered;

        Pending(UdpExchange exchange, CompletableFuture<Object> future) {
            this.exchange = exchange;
            this.future = future;
        }
    }

    public UdpTrackerClient(TrackerTransport transport, TrackerResolver resolver, UdpRetransmitSchedule schedule,
                            RandomGenerator random, LongSupplier ticker, int maxPeers) {
        this.transport = Objects.requireNonNull(transport);
        this.resolver = Objects.requireNonNull(resolver);
        this.schedule = Objects.requireNonNull(schedule);
        this.random = Objects.requireNonNull(random);
        this.ticker = Objects.requireNonNull(ticker);
        this.maxPeers = maxPeers;
        this.loop = transport.group().next();
    }

    public CompletableFuture<AnnounceResponse> announce(URI uri, AnnounceRequest request) {
        return cast(run(uri, addr -> UdpExchange.announce(addr, request, cache, schedule, random, maxPeers)),
                AnnounceResponse.class);
    }

    public CompletableFuture<ScrapeResponse> scrape(URI uri, List<byte[]> infoHashes) {
        return cast(run(uri, addr -> UdpExchange.scrape(addr, infoHashes, cache, schedule, random)),
                ScrapeResponse.class);
    }

    private static <T> CompletableFuture<T> cast(CompletableFuture<Object> in, Class<T> type) {
        CompletableFuture<T> out = new CompletableFuture<>();
        in.whenComplete((v, e) -> {
            if (e != null) {
                out.completeExceptionally(HttpTrackerClient.unwrap(e));
            } else {
                out.complete(type.cast(v));
            }
        });
        return out;
    }

    /** Fails every exchange in flight with {@link Reason#CLOSED} and closes the channel. */
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            closed = true;
            for (Pending p : new ArrayList<>(pending.values())) {
                finish(p, null, new TrackerException(Reason.CLOSED, "tracker client closed"));
            }
            if (bound != null) {
                bound.channel().close().addListener(f -> done.complete(null));
            } else {
                done.complete(null);
            }
        });
        return done;
    }

    private interface ExchangeFactory {
        UdpExchange make(InetSocketAddress tracker);
    }

    private CompletableFuture<Object> run(URI uri, ExchangeFactory factory) {
        CompletableFuture<Object> out = new CompletableFuture<>();
        try {
            if (TrackerUrls.scheme(uri) != TrackerUrls.Scheme.UDP) {
                throw new TrackerException(Reason.UNSUPPORTED_URL, "not a UDP tracker URL: " + uri);
            }
        } catch (TrackerException e) {
            out.completeExceptionally(e);
            return out;
        }
        String host = TrackerUrls.host(uri);
        int port = uri.getPort();
        resolver.resolve(host).whenComplete((addresses, err) -> {
            if (err != null) {
                out.completeExceptionally(HttpTrackerClient.asTracker(HttpTrackerClient.unwrap(err),
                        Reason.UNRESOLVED_HOST, "cannot resolve " + host));
                return;
            }
            if (addresses.isEmpty()) {
                out.completeExceptionally(new TrackerException(Reason.UNRESOLVED_HOST, "no address for " + host));
                return;
            }
            InetAddress a = addresses.getFirst();
            UdpExchange ex;
            try {
                ex = factory.make(new InetSocketAddress(a, port));
            } catch (RuntimeException e) {
                out.completeExceptionally(e);
                return;
            }
            loop.execute(() -> begin(new Pending(ex, out)));
        });
        return out;
    }

    private void begin(Pending p) {
        if (closed) {
            p.future.completeExceptionally(new TrackerException(Reason.CLOSED, "tracker client closed"));
            return;
        }
        ChannelFuture b = channel();
        if (!b.isDone()) {
            b.addListener(f -> begin(p));
            return;
        }
        if (!b.isSuccess()) {
            p.future.completeExceptionally(new TrackerException(Reason.NETWORK, "cannot open a UDP socket: "
                    + b.cause().getMessage(), b.cause()));
            bound = null;
            return;
        }
        apply(p, p.exchange.start(ticker.getAsLong()));
    }

    private ChannelFuture channel() {
        if (bound == null) {
            bound = new Bootstrap().group(loop).channelFactory(transport.datagrams())
                    .handler(new Inbound()).bind(new InetSocketAddress(0));
        }
        return bound;
    }

    private void apply(Pending p, UdpExchange.Step step) {
        switch (step) {
            case UdpExchange.Send send -> {
                int tx = p.exchange.transactionId();
                if (!p.registered || p.registeredTx != tx) {
                    if (p.registered && pending.get(p.registeredTx) == p) {
                        pending.remove(p.registeredTx);
                    }
                    p.registeredTx = tx;
                    p.registered = true;
                    pending.put(tx, p);
                }
                Channel ch = bound.channel();
                ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(send.packet()), p.exchange.tracker()))
                        .addListener(f -> {
                            if (!f.isSuccess()) {
                                finish(p, null, new TrackerException(Reason.NETWORK, "cannot send to "
                                        + p.exchange.tracker() + ": " + f.cause().getMessage(), f.cause()));
                            }
                        });
                if (p.timeout != null) {
                    p.timeout.cancel(false);
                }
                long delay = Math.max(0, send.deadlineNanos() - ticker.getAsLong());
                p.timeout = loop.schedule(() -> {
                    if (!p.exchange.finished()) {
                        apply(p, p.exchange.onTimeout(ticker.getAsLong()));
                    }
                }, delay, TimeUnit.NANOSECONDS);
            }
            case UdpExchange.Done done -> finish(p, done.result(), null);
            case UdpExchange.Fail fail -> finish(p, null, fail.error());
            case UdpExchange.Ignore ignore -> {
            }
        }
    }

    private void finish(Pending p, Object result, TrackerException error) {
        p.exchange.cancel();
        if (p.registered && pending.get(p.registeredTx) == p) {
            pending.remove(p.registeredTx);
        }
        if (p.timeout != null) {
            p.timeout.cancel(false);
        }
        if (error != null) {
            p.future.completeExceptionally(error);
        } else {
            p.future.complete(result);
        }
    }

    /** Matches answers to exchanges. Runs on {@link #loop}; the datagram is released after channelRead0. */
    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
            if (msg.content().readableBytes() < 8) {
                return;
            }
            int tx = msg.content().getInt(msg.content().readerIndex() + 4);
            Pending p = pending.get(tx);
            if (p == null || !p.exchange.tracker().equals(msg.sender())) {
                return; // not ours, or not from the tracker we asked: drop (anti-spoofing)
            }
            apply(p, p.exchange.onPacket(msg.content(), ticker.getAsLong()));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable and similar: the exchange's timeout deals with it.
        }
    }
}
