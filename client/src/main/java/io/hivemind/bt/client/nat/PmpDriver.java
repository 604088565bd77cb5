package io.hivemind.bt.client.nat;

import io.hivemind.bt.client.nat.NatException.Reason;
import io.hivemind.bt.client.nat.core.EpochTracker;
import io.hivemind.bt.client.nat.core.LeaseBook;
import io.hivemind.bt.client.nat.core.NatPmpMessages;
import io.hivemind.bt.client.nat.core.PcpMessages;
import io.hivemind.bt.client.nat.core.RetrySchedule;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * NAT-PMP (RFC 6886) and PCP (RFC 6887) to the default gateway. PCP is tried first when enabled; a gateway that
 * answers with "unsupported version" (a NAT-PMP-only gateway answers a PCP request that way, RFC 6887 §9) is spoken
 * to in NAT-PMP from then on. Requests are retransmitted on the RFC schedules ({@link RetrySchedule}); replies are
 * accepted only from the gateway's address and server port (RFC 6886 §3.1) and matched to the request by opcode and
 * internal port (NAT-PMP) or by nonce (PCP). Each reply's epoch is checked ({@link EpochTracker}); a gateway that
 * lost its state gets every mapping again at once. On close, mappings are deleted (lifetime 0; PCP with the same
 * nonce, §15).
 *
 * <p>Confined to the mapper's event loop. Buffers: each received datagram is copied and released by
 * {@link SimpleChannelInboundHandler}; requests wrap fresh arrays that Netty releases.
 */
final class PmpDriver extends MappingDriver {
    private static final System.Logger LOG = System.getLogger(PmpDriver.class.getName());

    private enum Phase { IDLE, STARTING, READY, FAILED }

    private Phase phase = Phase.IDLE;
    private long retryAt;
    private int failures;
    private String error;
    private InetAddress gateway;
    private InetAddress local;
    private Channel channel;
    private boolean pcp;
    private InetAddress externalAddress;
    private final Map<MappingKey, byte[]> nonces = new HashMap<>();
    private final List<Exchange> pending = new ArrayList<>();
    private final EpochTracker natPmpEpoch = new EpochTracker(EpochTracker.Rule.NAT_PMP);
    private final EpochTracker pcpEpoch = new EpochTracker(EpochTracker.Rule.PCP);

    PmpDriver(PortMapper mapper) {
        super(mapper);
        this.pcp = mapper.pcpEnabled;
    }

    @Override
    MappingMethod method() {
        return pcp ? MappingMethod.PCP : MappingMethod.NATPMP;
    }

    @Override
    String device() {
        return gateway == null ? null : gateway.getHostAddress() + ":" + mapper.pmpPort + (pcp ? " (PCP)" : " (NAT-PMP)");
    }

    InetAddress gateway() {
        return gateway;
    }

    @Override
    String error() {
        return error;
    }

    @Override
    long nextWakeupNanos(long now) {
        if (book.size() == 0) {
            return Long.MAX_VALUE;
        }
        return switch (phase) {
            case IDLE -> now;
            case FAILED -> retryAt;
            case STARTING -> Long.MAX_VALUE;
            case READY -> book.nextWakeupNanos();
        };
    }

    @Override
    void tick(long now) {
        if (book.size() == 0) {
            return;
        }
        switch (phase) {
            case IDLE -> start();
            case FAILED -> {
                if (now - retryAt >= 0) {
                    start();
                }
            }
            case READY -> {
                for (MappingKey key : book.due(now)) {
                    request(key);
                }
            }
            case STARTING -> {
            }
        }
    }

    private void start() {
        phase = Phase.STARTING;
        InetAddress gw;
        try {
            gw = mapper.gatewayFinder.get();
        } catch (NatException e) {
            startFailed(e);
            return;
        }
        InetAddress localAddress;
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(gw, mapper.pmpPort); // picks the route; sends nothing
            localAddress = probe.getLocalAddress();
        } catch (SocketException e) {
            startFailed(new NatException(Reason.NETWORK, 0, "no route to the gateway " + gw.getHostAddress() + ": "
                    + e.getMessage(), e));
            return;
        }
        if (localAddress == null || localAddress.isAnyLocalAddress()) {
            startFailed(new NatException(Reason.NETWORK, "no local address routes to the gateway "
                    + gw.getHostAddress()));
            return;
        }
        if (!gw.equals(gateway)) {
            natPmpEpoch.reset();
            pcpEpoch.reset();
            pcp = mapper.pcpEnabled;
        }
        gateway = gw;
        local = localAddress;
        new Bootstrap().group(mapper.loop).channel(mapper.transport.datagram())
                .handler(new Inbound())
                .bind(new InetSocketAddress(localAddress, 0)).addListener((ChannelFutureListener) cf -> {
                    if (!cf.isSuccess()) {
                        startFailed(new NatException(Reason.NETWORK, 0, "cannot open the NAT-PMP/PCP socket: "
                                + cf.cause().getMessage(), cf.cause()));
                        return;
                    }
                    if (mapper.closing) {
                        cf.channel().close();
                        return;
                    }
                    channel = cf.channel();
                    phase = Phase.READY;
                    error = null;
                    book.renewAll(mapper.now());
                    mapper.changed();
                });
    }

    private void startFailed(NatException e) {
        long now = mapper.now();
        phase = Phase.FAILED;
        error = e.getMessage();
        long backoff = Math.min(mapper.maxBackoffNanos, mapper.baseBackoffNanos << Math.min(failures++, 20));
        retryAt = now + backoff;
        for (MappingKey key : book.due(now)) {
            book.failed(key, e.getMessage(), backoff, now);
            mapper.failed(this, key, e);
        }
        mapper.changed();
    }

    // ---- requests -----------------------------------------------------------------------------------------------

    private void request(MappingKey key) {
        LeaseBook.View<MappingKey> v = book.view(key);
        int suggested = v != null && v.externalPort() != 0 ? v.externalPort() : key.port();
        long lifetime = mapper.pmpLifetimeSeconds;
        CompletableFuture<Void> done = pcp ? requestPcp(key, suggested, lifetime) : requestNatPmp(key, suggested, lifetime);
        done.whenComplete((ok, err) -> {
            if (err == null || !book.contains(key)) {
                return;
            }
            NatException e = PortMapper.natException(err);
            if (e.reason() == Reason.UNSUPPORTED_VERSION && pcp) {
                LOG.log(System.Logger.Level.INFO, "gateway {0} speaks NAT-PMP, not PCP", gateway.getHostAddress());
                pcp = false;
                request(key);
                return;
            }
            long hint = e.reason() == Reason.PCP_REFUSED && pcpHintSeconds > 0
                    ? TimeUnit.SECONDS.toNanos(pcpHintSeconds) : 0;
            book.failed(key, e.getMessage(), hint, mapper.now());
            mapper.failed(this, key, e);
            mapper.changed();
        });
    }

    private long pcpHintSeconds;

    private byte[] nonce(MappingKey key) {
        return nonces.computeIfAbsent(key, k -> {
            byte[] n = new byte[PcpMessages.NONCE_BYTES];
            mapper.random.nextBytes(n);
            return n;
        });
    }

    private CompletableFuture<Void> requestPcp(MappingKey key, int suggested, long lifetime) {
        byte[] nonce = nonce(key);
        byte[] req = PcpMessages.mapRequest(nonce, key.protocol(), key.port(), suggested, lifetime, local);
        return exchange(req, mapper.pcpSchedule, pcpMatcher(nonce)).thenAccept(bytes -> {
            PcpMessages.MapResult r = PcpMessages.decodeMap(bytes);
            long now = mapper.now();
            epoch(pcpEpoch, r.epochSeconds(), now);
            pcpHintSeconds = r.resultCode() != PcpMessages.SUCCESS ? Math.min(r.lifetimeSeconds(), 86_400) : 0;
            PcpMessages.requireSuccess(r);
            externalAddress = r.externalAddress();
            book.granted(key, r.externalPort(), r.externalAddress(), r.lifetimeSeconds(), now);
            mapper.gatewayReportedAddress(r.externalAddress(), gateway.getHostAddress());
            mapper.granted(this, key);
            mapper.changed();
        });
    }

    private static Predicate<byte[]> pcpMatcher(byte[] nonce) {
        return bytes -> {
            PcpMessages.MapResult r;
            try {
                r = PcpMessages.decodeMap(bytes);
            } catch (NatException e) {
                if (e.reason() == Reason.UNSUPPORTED_VERSION) {
                    return true; // the caller decodes again and falls back to NAT-PMP
                }
                throw e;
            }
            return r.nonce() == null ? r.resultCode() != PcpMessages.SUCCESS : r.nonceEquals(nonce);
        };
    }

    private CompletableFuture<Void> requestNatPmp(MappingKey key, int suggested, long lifetime) {
        return exchange(NatPmpMessages.externalAddressRequest(), mapper.natPmpSchedule,
                b -> NatPmpMessages.decode(b) instanceof NatPmpMessages.ExternalAddress).thenCompose(bytes -> {
                    NatPmpMessages.ExternalAddress a = (NatPmpMessages.ExternalAddress) NatPmpMessages.decode(bytes);
                    epoch(natPmpEpoch, a.epochSeconds(), mapper.now());
                    NatPmpMessages.requireSuccess(a);
                    externalAddress = a.address();
                    mapper.gatewayReportedAddress(a.address(), gateway.getHostAddress());
                    byte[] req = NatPmpMessages.mappingRequest(key.protocol(), key.port(), suggested, lifetime);
                    return exchange(req, mapper.natPmpSchedule, natPmpMatcher(key));
                }).thenAccept(bytes -> {
                    NatPmpMessages.MappingResult r = (NatPmpMessages.MappingResult) NatPmpMessages.decode(bytes);
                    long now = mapper.now();
                    epoch(natPmpEpoch, r.epochSeconds(), now);
                    NatPmpMessages.requireSuccess(r);
                    book.granted(key, r.externalPort(), externalAddress, r.lifetimeSeconds(), now);
                    mapper.granted(this, key);
                    mapper.changed();
                });
    }

    private static Predicate<byte[]> natPmpMatcher(MappingKey key) {
        return b -> NatPmpMessages.decode(b) instanceof NatPmpMessages.MappingResult m && m.protocol() == key.protocol()
                && (m.internalPort() == key.port() || m.resultCode() != NatPmpMessages.SUCCESS && m.internalPort() == 0);
    }

    private void epoch(EpochTracker tracker, long epochSeconds, long now) {
        if (tracker.update(epochSeconds, now)) {
            LOG.log(System.Logger.Level.INFO, "gateway {0} lost its mappings (epoch {1}): mapping again",
                    gateway.getHostAddress(), epochSeconds);
            mapper.loop.execute(() -> {
                book.renewAll(mapper.now());
                mapper.changed();
            });
        }
    }

    // ---- deletion -----------------------------------------------------------------------------------------------

    @Override
    CompletableFuture<Void> delete(LeaseBook.View<MappingKey> view) {
        if (channel == null || view.state() != LeaseBook.State.MAPPED) {
            return CompletableFuture.completedFuture(null);
        }
        MappingKey key = view.key();
        CompletableFuture<byte[]> f;
        if (pcp) {
            byte[] nonce = nonce(key);
            f = exchange(PcpMessages.mapRequest(nonce, key.protocol(), key.port(), 0, 0, local), mapper.deleteSchedule,
                    pcpMatcher(nonce));
        } else {
            f = exchange(NatPmpMessages.mappingRequest(key.protocol(), key.port(), 0, 0), mapper.deleteSchedule,
                    natPmpMatcher(key));
        }
        return f.handle((b, err) -> {
            if (err != null) {
                LOG.log(System.Logger.Level.DEBUG, "deleting {0} at the gateway: {1}", key, err.getMessage());
            }
            return null;
        });
    }

    @Override
    CompletableFuture<Void> deleteAll() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (LeaseBook.View<MappingKey> v : book.views()) {
            all.add(delete(v));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    @Override
    void close() {
        for (Exchange x : List.copyOf(pending)) {
            x.fail(new NatException(Reason.CLOSED, "the port mapper was closed"));
        }
        if (channel != null) {
            channel.close();
            channel = null;
        }
        phase = Phase.IDLE;
    }

    // ---- one request/reply exchange -----------------------------------------------------------------------------

    private CompletableFuture<byte[]> exchange(byte[] request, RetrySchedule schedule, Predicate<byte[]> matcher) {
        Exchange x = new Exchange(request, schedule.start(), matcher);
        if (channel == null) {
            x.result.completeExceptionally(new NatException(Reason.CLOSED, "the NAT-PMP/PCP socket is closed"));
            return x.result;
        }
        pending.add(x);
        x.fire();
        return x.result;
    }

    private final class Exchange {
        final byte[] request;
        final RetrySchedule.Retransmission retransmission;
        final Predicate<byte[]> matcher;
        final CompletableFuture<byte[]> result = new CompletableFuture<>();
        ScheduledFuture<?> timer;
        NatException lastInvalid;
        int sends;

        Exchange(byte[] request, RetrySchedule.Retransmission retransmission, Predicate<byte[]> matcher) {
            this.request = request;
            this.retransmission = retransmission;
            this.matcher = matcher;
        }

        void fire() {
            if (result.isDone()) {
                return;
            }
            long wait = retransmission.nextDelayNanos();
            if (wait < 0) {
                String who = gateway.getHostAddress() + ":" + mapper.pmpPort;
                fail(lastInvalid != null
                        ? new NatException(lastInvalid.reason(), lastInvalid.code(), "no valid reply from " + who
                        + " after " + sends + " requests; last reply rejected: " + lastInvalid.getMessage())
                        : new NatException(Reason.TIMEOUT, "no reply from " + who + " after " + sends
                        + " requests (is NAT-PMP/PCP enabled on the router?)"));
                return;
            }
            sends++;
            channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(request),
                    new InetSocketAddress(gateway, mapper.pmpPort)));
            timer = mapper.loop.schedule(this::fire, wait, TimeUnit.NANOSECONDS);
        }

        void fail(NatException e) {
            pending.remove(this);
            if (timer != null) {
                timer.cancel(false);
            }
            result.completeExceptionally(e);
        }

        void succeed(byte[] reply) {
            pending.remove(this);
            if (timer != null) {
                timer.cancel(false);
            }
            result.complete(reply);
        }
    }

    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress from = packet.sender();
            if (!from.getAddress().equals(gateway) || from.getPort() != mapper.pmpPort) {
                return; // RFC 6886 §3.1: only the gateway we asked may answer
            }
            byte[] data = ByteBufUtil.getBytes(packet.content());
            for (Iterator<Exchange> it = List.copyOf(pending).iterator(); it.hasNext(); ) {
                Exchange x = it.next();
                try {
                    if (x.matcher.test(data)) {
                        x.succeed(data);
                        return;
                    }
                } catch (NatException e) {
                    x.lastInvalid = e;
                } catch (RuntimeException e) { // a matcher must not break the loop
                    x.lastInvalid = new NatException(Reason.MALFORMED_NATPMP, 0, "unreadable reply: " + e, e);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(System.Logger.Level.DEBUG, "NAT-PMP/PCP socket error: {0}", cause.toString());
        }
    }
}
