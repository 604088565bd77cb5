package io.hivemind.bt.client.nat;

import io.hivemind.bt.client.nat.NatException.Reason;
import io.hivemind.bt.client.nat.core.IgdDescription;
import io.hivemind.bt.client.nat.core.LeaseBook;
import io.hivemind.bt.client.nat.core.SoapMessages;
import io.hivemind.bt.client.nat.core.SsdpMessages;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * UPnP IGD: SSDP discovery (M-SEARCH for IGD v1 and v2, sent {@link PortMapper#ssdpRounds} times a second apart,
 * replies collected until the SSDP timeout), the first device whose description names a WAN connection service and
 * answers {@code GetExternalIPAddress} is used; then {@code AddPortMapping} per wanted mapping (retried as permanent
 * on error 725, as {@code AddAnyPortMapping} on 718 with an IGD v2 device), renewal at half the lease and
 * {@code DeletePortMapping} on close. A network error or timeout talking to the device sends the driver back to
 * discovery (the router may have restarted on another port).
 *
 * <p>Confined to the mapper's event loop. Buffers: each SSDP datagram's content is copied and the packet released
 * by {@link SimpleChannelInboundHandler}; sent datagrams wrap fresh arrays that Netty releases.
 */
final class UpnpDriver extends MappingDriver {
    private static final System.Logger LOG = System.getLogger(UpnpDriver.class.getName());

    private enum Phase { IDLE, DISCOVERING, READY, FAILED }

    private Phase phase = Phase.IDLE;
    private long retryAt;
    private int discoveryFailures;
    private IgdDescription device;
    private InetAddress localAddress;
    private InetAddress externalAddress;
    private boolean permanentOnly;
    private String error;
    private Channel ssdp;
    private ScheduledFuture<?> ssdpTimer;
    private final ArrayDeque<URI> candidates = new ArrayDeque<>();
    private final Set<URI> seen = new HashSet<>();
    private boolean trying;
    private boolean deadlinePassed;
    private String lastInvalid;
    private String lastCandidateError;
    private Reason lastCandidateReason;
    private Reason lastInvalidReason;

    UpnpDriver(PortMapper mapper) {
        super(mapper);
    }

    @Override
    MappingMethod method() {
        return MappingMethod.UPNP;
    }

    @Override
    String device() {
        return device == null ? null : (device.friendlyName().isEmpty() ? "IGD" : device.friendlyName())
                + " at " + device.controlUrl();
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
            case DISCOVERING -> Long.MAX_VALUE;
            case READY -> book.nextWakeupNanos();
        };
    }

    @Override
    void tick(long now) {
        if (book.size() == 0) {
            return;
        }
        switch (phase) {
            case IDLE -> discover();
            case FAILED -> {
                if (now - retryAt >= 0) {
                    discover();
                }
            }
            case READY -> {
                for (MappingKey key : book.due(now)) {
                    add(key, permanentOnly ? 0 : mapper.upnpLeaseSeconds, false);
                }
            }
            case DISCOVERING -> {
            }
        }
    }

    // ---- discovery ----------------------------------------------------------------------------------------------

    private void discover() {
        phase = Phase.DISCOVERING;
        candidates.clear();
        seen.clear();
        trying = false;
        deadlinePassed = false;
        lastInvalid = null;
        lastCandidateError = null;
        lastInvalidReason = null;
        lastCandidateReason = null;
        new Bootstrap().group(mapper.loop).channel(mapper.transport.datagram())
                .option(ChannelOption.IP_MULTICAST_TTL, 2)
                .handler(new SsdpInbound())
                .bind(new InetSocketAddress(0)).addListener((ChannelFutureListener) cf -> {
                    if (!cf.isSuccess()) {
                        discoveryFailed(new NatException(Reason.NETWORK, 0, "cannot open the SSDP socket: "
                                + cf.cause().getMessage(), cf.cause()));
                        return;
                    }
                    if (phase != Phase.DISCOVERING || mapper.closing) {
                        cf.channel().close();
                        return;
                    }
                    ssdp = cf.channel();
                    search(0);
                });
    }

    private void search(int round) {
        if (phase != Phase.DISCOVERING || ssdp == null) {
            return;
        }
        if (round < mapper.ssdpRounds) {
            for (String st : List.of(SsdpMessages.IGD_V1, SsdpMessages.IGD_V2)) {
                ssdp.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(SsdpMessages.mSearch(st, 2)),
                        mapper.ssdpTarget));
            }
            ssdpTimer = mapper.loop.schedule(() -> search(round + 1), 1, TimeUnit.SECONDS);
        } else {
            long rest = Math.max(0, mapper.ssdpTimeoutMillis - 1000L * mapper.ssdpRounds);
            ssdpTimer = mapper.loop.schedule(this::searchDeadline, rest, TimeUnit.MILLISECONDS);
        }
    }

    private void searchDeadline() {
        deadlinePassed = true;
        if (phase == Phase.DISCOVERING && !trying && candidates.isEmpty()) {
            String msg;
            if (lastCandidateError != null) {
                msg = lastCandidateError;
            } else if (lastInvalid != null) {
                msg = "no usable UPnP reply within " + mapper.ssdpTimeoutMillis + " ms; last rejected: " + lastInvalid;
            } else {
                msg = "no UPnP Internet Gateway Device answered M-SEARCH within " + mapper.ssdpTimeoutMillis
                        + " ms (is UPnP enabled on the router?)";
            }
            Reason reason = lastCandidateReason != null ? lastCandidateReason
                    : lastInvalidReason != null ? lastInvalidReason : Reason.TIMEOUT;
            discoveryFailed(new NatException(reason, msg));
        }
    }

    private final class SsdpInbound extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            if (phase != Phase.DISCOVERING) {
                return;
            }
            byte[] data = ByteBufUtil.getBytes(packet.content());
            InetAddress sender = packet.sender().getAddress();
            try {
                SsdpMessages.Response r = SsdpMessages.parseResponse(data);
                if (!SsdpMessages.isIgd(r)) {
                    return; // another kind of device
                }
                SsdpMessages.checkLocation(r, sender);
                if (seen.add(r.location()) && seen.size() <= 8) {
                    candidates.add(r.location());
                    tryNext();
                }
            } catch (NatException e) {
                lastInvalid = "from " + sender.getHostAddress() + ": " + e.getMessage();
                lastInvalidReason = e.reason();
                LOG.log(System.Logger.Level.DEBUG, "ignored SSDP reply {0}", lastInvalid);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(System.Logger.Level.DEBUG, "SSDP socket error: {0}", cause.toString());
        }
    }

    private void tryNext() {
        if (trying || phase != Phase.DISCOVERING) {
            return;
        }
        URI location = candidates.poll();
        if (location == null) {
            if (deadlinePassed) {
                searchDeadline();
            }
            return;
        }
        trying = true;
        HttpExchange.send(mapper.loop, mapper.transport.socket(), location, HttpMethod.GET, Map.of(), null,
                IgdDescription.MAX_BYTES, mapper.httpTimeoutMillis).thenCompose(reply -> {
                    if (reply.status() != 200) {
                        throw new NatException(Reason.HTTP_STATUS, reply.status(), "device description "
                                + location + " answered HTTP " + reply.status());
                    }
                    IgdDescription d = IgdDescription.parse(reply.body(), location);
                    return soap(d, SoapMessages.getExternalIpAddress(d.serviceType())).thenApply(r -> {
                        InetAddress ext = SoapMessages.parseExternalIp(r.status(), r.body());
                        return new Object[] {d, r.localAddress().getAddress(), ext};
                    });
                }).whenComplete((found, err) -> mapper.onLoop(() -> {
                    trying = false;
                    if (phase != Phase.DISCOVERING) {
                        return;
                    }
                    if (err != null) {
                        NatException e = PortMapper.natException(err);
                        lastCandidateError = "UPnP device at " + location + ": " + e.getMessage();
                        lastCandidateReason = e.reason();
                        tryNext();
                        return;
                    }
                    ready((IgdDescription) found[0], (InetAddress) found[1], (InetAddress) found[2]);
                }));
    }

    private void ready(IgdDescription d, InetAddress local, InetAddress external) {
        stopSearch();
        phase = Phase.READY;
        device = d;
        localAddress = local;
        externalAddress = external;
        error = null;
        discoveryFailures = 0;
        LOG.log(System.Logger.Level.INFO, "UPnP: using {0}, external address {1}", device(),
                external.getHostAddress());
        mapper.gatewayReportedAddress(external, d.controlUrl().getHost());
        book.renewAll(mapper.now());
        mapper.changed();
    }

    private void discoveryFailed(NatException e) {
        stopSearch();
        long now = mapper.now();
        phase = Phase.FAILED;
        device = null;
        error = e.getMessage();
        long backoff = Math.min(mapper.maxBackoffNanos, mapper.baseBackoffNanos << Math.min(discoveryFailures++, 20));
        retryAt = now + backoff;
        for (MappingKey key : book.due(now)) {
            book.failed(key, e.getMessage(), backoff, now);
            mapper.failed(this, key, e);
        }
        mapper.changed();
    }

    private void stopSearch() {
        if (ssdpTimer != null) {
            ssdpTimer.cancel(false);
            ssdpTimer = null;
        }
        if (ssdp != null) {
            ssdp.close();
            ssdp = null;
        }
    }

    // ---- mapping ------------------------------------------------------------------------------------------------

    private CompletableFuture<HttpExchange.Result> soap(IgdDescription d, SoapMessages.Request req) {
        return HttpExchange.send(mapper.loop, mapper.transport.socket(), d.controlUrl(), HttpMethod.POST,
                Map.of("Content-Type", "text/xml; charset=\"utf-8\"", "SOAPAction", req.soapActionHeader()),
                req.body(), SoapMessages.MAX_REPLY_BYTES, mapper.httpTimeoutMillis);
    }

    private void add(MappingKey key, long lease, boolean any) {
        IgdDescription d = device;
        LeaseBook.View<MappingKey> v = book.view(key);
        int external = v != null && v.externalPort() != 0 ? v.externalPort() : key.port();
        SoapMessages.Request req = any
                ? SoapMessages.addAnyPortMapping(d.serviceType(), key.protocol(), external, localAddress, key.port(),
                mapper.description, lease)
                : SoapMessages.addPortMapping(d.serviceType(), key.protocol(), external, localAddress, key.port(),
                mapper.description, lease);
        soap(d, req).whenComplete((reply, err) -> mapper.onLoop(() -> {
            if (device != d || !book.contains(key)) {
                return;
            }
            long now = mapper.now();
            try {
                if (err != null) {
                    throw PortMapper.natException(err);
                }
                int port = any ? SoapMessages.parseReservedPort(reply.status(), reply.body()) : external;
                if (!any) {
                    SoapMessages.parseReply(req.action(), reply.status(), reply.body());
                }
                book.granted(key, port, externalAddress, lease, now);
                mapper.granted(this, key);
            } catch (NatException e) {
                if (e.reason() == Reason.SOAP_FAULT && e.code() == 725 && lease != 0) {
                    permanentOnly = true;
                    add(key, 0, any);
                    return;
                }
                if (e.reason() == Reason.SOAP_FAULT && e.code() == 718 && !any && d.version() >= 2) {
                    add(key, lease, true);
                    return;
                }
                book.failed(key, e.getMessage(), 0, now);
                if (e.reason() == Reason.NETWORK || e.reason() == Reason.TIMEOUT) {
                    phase = Phase.FAILED; // rediscover: the device may have restarted elsewhere
                    retryAt = now;
                    error = e.getMessage();
                }
                mapper.failed(this, key, e);
            }
            mapper.changed();
        }));
    }

    @Override
    CompletableFuture<Void> delete(LeaseBook.View<MappingKey> view) {
        IgdDescription d = device;
        if (d == null || view.state() != LeaseBook.State.MAPPED || view.externalPort() == 0) {
            return CompletableFuture.completedFuture(null);
        }
        SoapMessages.Request req = SoapMessages.deletePortMapping(d.serviceType(), view.key().protocol(),
                view.externalPort());
        return soap(d, req).handle((reply, err) -> {
            if (err == null) {
                try {
                    SoapMessages.parseReply(req.action(), reply.status(), reply.body());
                } catch (NatException e) {
                    err = e;
                }
            }
            if (err != null) {
                LOG.log(System.Logger.Level.DEBUG, "UPnP DeletePortMapping {0}: {1}", view.key(), err.getMessage());
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
        stopSearch();
        phase = Phase.IDLE;
    }
}
