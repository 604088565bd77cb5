package io.hivemind.bt.client.session;

import io.hivemind.bt.wire.peer.PeerHandshakeDecoder;
import io.hivemind.bt.wire.peer.PeerHandshakeEncoder;
import io.hivemind.bt.wire.peer.PeerMessageDecoder;
import io.hivemind.bt.wire.peer.PeerMessageEncoder;
import io.hivemind.bt.client.DisconnectReason;
import io.hivemind.bt.client.ipfilter.FilterPoint;
import io.hivemind.bt.wire.mse.MseConfig;
import io.hivemind.bt.wire.mse.MseHandler;
import io.hivemind.bt.wire.mse.MsePolicy;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import java.net.InetSocketAddress;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Builds peer channel pipelines:
 * {@code flush consolidation → handshake decoder (one-shot) → [incoming gate] → idle timers → message decoder →
 * handshake encoder → message encoder → PeerConnection}. Encryption (MSE/PE) goes first when enabled. Timers, the
 * decoder's caps and the bound on pending incoming connections come from the session's {@link PeerLimits}.
 */
final class PeerChannels {
    private PeerChannels() {
    }

    static void initIncoming(SocketChannel ch, DefaultSession session) {
        InetSocketAddress remote = ch.remoteAddress();
        if (remote != null && session.isBlocked(remote.getAddress(), FilterPoint.INCOMING_CONNECTION)) {
            session.counters().disconnected(DisconnectReason.IP_FILTERED);
            ch.close();
            return;
        }
        PeerConnection conn = new PeerConnection(session, null, true, null);
        MseConfig mse = session.mseConfig();
        MseHandler crypto = mse.policy() == MsePolicy.DISABLED ? null : MseHandler.responder(mse, session.skeys());
        build(session, ch.pipeline(), crypto, PeerHandshakeDecoder.incoming(h -> !session.isClosed() && session.torrentFor(h) != null),
                conn, session.incomingGate().admit(ch));
    }

    /** @param encrypt start with an MSE handshake ({@code skey}: the info-hash the connection is for) */
    static void initOutgoing(SocketChannel ch, DefaultSession session, PeerConnection conn, byte[][] acceptedInfoHashes,
                             MseConfig mse, byte[] skey) {
        MseHandler crypto = mse == null || mse.policy() == MsePolicy.DISABLED ? null : MseHandler.initiator(mse, skey);
        build(session, ch.pipeline(), crypto, PeerHandshakeDecoder.outgoing(acceptedInfoHashes), conn, null);
    }

    /**
     * The connection's torrent is known (outgoing: from the start; incoming: from the handshake's info-hash): cap
     * bitfields at what its piece count needs, if the metadata is known. Runs on the channel's event loop.
     */
    static void torrentKnown(ChannelPipeline p, Torrent t) {
        var info = t.info;
        PeerMessageDecoder d = p.get(PeerMessageDecoder.class);
        if (info != null && d != null) {
            d.setMaxBitfieldLength(1 + (info.pieceCount() + 7) / 8);
        }
    }

    private static void build(DefaultSession session, ChannelPipeline p, MseHandler crypto, PeerHandshakeDecoder handshake,
                              PeerConnection conn, ChannelHandler gate) {
        PeerLimits limits = session.peerLimits();
        if (crypto != null) {
            p.addLast("mse", crypto);
        }
        p.addLast("flush", new FlushConsolidationHandler(64, true));
        p.addLast("handshake", handshake);
        if (gate != null) {
            p.addLast("gate", gate);
        }
        p.addLast("idle", limits.newIdleHandler());
        p.addLast("messages", new PeerMessageDecoder(limits.messages(), session.messageBudget()));
        p.addLast("handshake-encoder", PeerHandshakeEncoder.INSTANCE);
        p.addLast("message-encoder", PeerMessageEncoder.INSTANCE);
        p.addLast("peer", conn);
    }
}
