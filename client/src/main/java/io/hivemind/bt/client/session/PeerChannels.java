package io.hivemind.bt.client.session;

import io.hivemind.bt.wire.peer.PeerHandshakeDecoder;
import io.hivemind.bt.wire.peer.PeerHandshakeEncoder;
import io.hivemind.bt.wire.peer.PeerIdleHandler;
import io.hivemind.bt.wire.peer.PeerMessageDecoder;
import io.hivemind.bt.wire.peer.PeerMessageEncoder;
import io.netty.channel.ChannelPipeline;
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
        PeerConnection conn = new PeerConnection(session, null, true, null);
        build(ch.pipeline(), PeerHandshakeDecoder.incoming(h -> !session.isClosed() && session.torrentFor(h) != null), conn);
    }

    static void initOutgoing(SocketChannel ch, PeerConnection conn, byte[][] acceptedInfoHashes) {
        build(ch.pipeline(), PeerHandshakeDecoder.outgoing(acceptedInfoHashes), conn);
    }

    private static void build(ChannelPipeline p, PeerHandshakeDecoder handshake, PeerConnection conn) {
        p.addLast("flush", new FlushConsolidationHandler(64, true));
        p.addLast("handshake", handshake);
        p.addLast("idle", new PeerIdleHandler());
        p.addLast("messages", new PeerMessageDecoder());
        p.addLast("handshake-encoder", PeerHandshakeEncoder.INSTANCE);
        p.addLast("message-encoder", PeerMessageEncoder.INSTANCE);
        p.addLast("peer", conn);
    }
}
