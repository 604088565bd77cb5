package io.hivemind.bt.client.session;

import io.hivemind.bt.wire.peer.PeerHandshakeDecoder;
import io.hivemind.bt.wire.peer.PeerHandshakeEncoder;
import io.hivemind.bt.wire.peer.PeerIdleHandler;
import io.hivemind.bt.wire.peer.PeerMessageDecoder;
import io.hivemind.bt.wire.peer.PeerMessageEncoder;
import io.hivemind.bt.client.DisconnectReason;
import io.hivemind.bt.client.ipfilter.FilterPoint;
import io.hivemind.bt.wire.mse.MseConfig;
import io.hivemind.bt.wire.mse.MseHandler;
import io.hivemind.bt.wire.mse.MsePolicy;
import io.netty.channel.ChannelPipeline;
import java.net.InetSocketAddress;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Builds peer channel pipelines:
 * {@code flush consolidation → handshake decoder (one-shot) → idle timers → message decoder → handshake encoder →
 * message encoder → PeerConnection}. Encryption (MSE/PE) goes first when enabled.
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
        build(ch.pipeline(), crypto, PeerHandshakeDecoder.incoming(h -> !session.isClosed() && session.torrentFor(h) != null), conn);
    }

    /** @param encrypt start with an MSE handshake ({@code skey}: the info-hash the connection is for) */
    static void initOutgoing(SocketChannel ch, PeerConnection conn, byte[][] acceptedInfoHashes, MseConfig mse, byte[] skey) {
        MseHandler crypto = mse == null || mse.policy() == MsePolicy.DISABLED ? null : MseHandler.initiator(mse, skey);
        build(ch.pipeline(), crypto, PeerHandshakeDecoder.outgoing(acceptedInfoHashes), conn);
    }

    private static void build(ChannelPipeline p, MseHandler crypto, PeerHandshakeDecoder handshake, PeerConnection conn) {
        if (crypto != null) {
            p.addLast("mse", crypto);
        }
        p.addLast("flush", new FlushConsolidationHandler(64, true));
        p.addLast("handshake", handshake);
        p.addLast("idle", new PeerIdleHandler());
        p.addLast("messages", new PeerMessageDecoder());
        p.addLast("handshake-encoder", PeerHandshakeEncoder.INSTANCE);
        p.addLast("message-encoder", PeerMessageEncoder.INSTANCE);
        p.addLast("peer", conn);
    }
}
