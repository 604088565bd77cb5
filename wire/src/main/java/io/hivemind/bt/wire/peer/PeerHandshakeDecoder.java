package io.hivemind.bt.wire.peer;

import io.hivemind.bt.wire.internal.Hex;
import io.hivemind.bt.wire.peer.PeerProtocolException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One-shot decoder of the remote BEP 3 handshake. It reads exactly 68 bytes, fires one {@link PeerHandshake}
 * (preceded by a {@link PeerHandshakePrefix} in {@link #incoming incoming} mode) and removes itself from the
 * pipeline; bytes that arrived after the handshake in the same read are handed on to the next handler (normally
 * {@link PeerMessageDecoder}) after the handshake, so nothing is lost.
 *
 * <p>Checks, each as early as the bytes allow: the length byte is 19 ({@link Reason#BAD_PROTOCOL_LENGTH}), the
 * protocol string is {@code "BitTorrent protocol"}, byte by byte as it arrives ({@link Reason#BAD_PROTOCOL_STRING}),
 * and the info-hash is accepted by the filter once byte 48 is in ({@link Reason#UNKNOWN_INFO_HASH}), so an
 * unknown torrent is rejected before the peer id is read. The decoder never buffers more than what one read
 * delivered; after a failure it drops all further input.
 *
 * <p>Not sharable: one instance per channel. Runs on the channel's event loop; the info-hash filter is called on
 * that loop with a fresh array it may keep. The decoder holds no buffers of its own beyond
 * {@link ByteToMessageDecoder}'s cumulation, released when it is removed.
 */
public final class PeerHandshakeDecoder extends ByteToMessageDecoder {
    private static final int PROTOCOL_END = 20;
    private static final int STATE_PROTOCOL = 0;
    private static final int STATE_INFO_HASH = 1;
    private static final int STATE_PEER_ID = 2;
    private static final int STATE_DONE = 3;
    private static final int STATE_FAILED = 4;

    private final Predicate<byte[]> infoHashFilter;
    private final boolean firePrefix;
    private int state = STATE_PROTOCOL;
    private long reserved;
    private byte[] infoHash;

    private PeerHandshakeDecoder(Predicate<byte[]> infoHashFilter, boolean firePrefix) {
        this.infoHashFilter = Objects.requireNonNull(infoHashFilter, "infoHashFilter");
        this.firePrefix = firePrefix;
    }

    /**
     * For a connection we opened: the remote must answer with one of {@code acceptedInfoHashes}, normally the one we
     * sent (for a hybrid torrent, also its truncated v2 info-hash when we offered the BEP 52 upgrade). Fires only
     * the {@link PeerHandshake}.
     */
    public static PeerHandshakeDecoder outgoing(byte[]... acceptedInfoHashes) {
        if (acceptedInfoHashes.length == 0) {
            throw new IllegalArgumentException("no accepted info-hash");
        }
        byte[][] accepted = new byte[acceptedInfoHashes.length][];
        for (int i = 0; i < accepted.length; i++) {
            if (acceptedInfoHashes[i].length != 20) {
                throw new IllegalArgumentException("info-hash of " + acceptedInfoHashes[i].length + " bytes");
            }
            accepted[i] = acceptedInfoHashes[i].clone();
        }
        return new PeerHandshakeDecoder(h -> {
            for (byte[] a : accepted) {
                if (Arrays.equals(a, h)) {
                    return true;
                }
            }
            return false;
        }, false);
    }

    /**
     * For a connection a peer opened to us: {@code knownInfoHash} says whether we serve the torrent (a lookup of
     * both v1 and truncated v2 info-hashes). Fires a {@link PeerHandshakePrefix} once 48 bytes are in and the
     * info-hash was accepted (the session answers with its own handshake then), and the {@link PeerHandshake}
     * after the peer id.
     */
    public static PeerHandshakeDecoder incoming(Predicate<byte[]> knownInfoHash) {
        return new PeerHandshakeDecoder(knownInfoHash, true);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case STATE_PROTOCOL -> decodeProtocol(in);
            case STATE_INFO_HASH -> decodeInfoHash(in, out);
            case STATE_PEER_ID -> decodePeerId(ctx, in, out);
            default -> in.skipBytes(in.readableBytes()); // failed (or done and not yet removed): drop input
        }
    }

    private void decodeProtocol(ByteBuf in) {
        int available = Math.min(in.readableBytes(), PROTOCOL_END);
        if (available == 0) {
            return;
        }
        int base = in.readerIndex();
        int length = in.getUnsignedByte(base);
        if (length != PeerHandshake.PROTOCOL.length) {
            throw fail(in, Reason.BAD_PROTOCOL_LENGTH, "protocol string length " + length + ", expected 19");
        }
        for (int i = 1; i < available; i++) {
            if (in.getByte(base + i) != PeerHandshake.PROTOCOL[i - 1]) {
                throw fail(in, Reason.BAD_PROTOCOL_STRING, "protocol string differs from \"BitTorrent protocol\" at byte " + i);
            }
        }
        if (available == PROTOCOL_END) {
            in.skipBytes(PROTOCOL_END);
            state = STATE_INFO_HASH;
        }
    }

    private void decodeInfoHash(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < PeerHandshake.INFO_HASH_END - PROTOCOL_END) {
            return;
        }
        long bits = in.readLong();
        byte[] hash = new byte[20];
        in.readBytes(hash);
        if (!infoHashFilter.test(hash.clone())) {
            throw fail(in, Reason.UNKNOWN_INFO_HASH, "info-hash " + Hex.encode(hash) + " not accepted");
        }
        reserved = bits;
        infoHash = hash;
        state = STATE_PEER_ID;
        if (firePrefix) {
            out.add(new PeerHandshakePrefix(bits, hash));
        }
    }

    private void decodePeerId(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 20) {
            return;
        }
        byte[] peerId = new byte[20];
        in.readBytes(peerId);
        out.add(new PeerHandshake(reserved, infoHash, peerId));
        state = STATE_DONE;
        // ByteToMessageDecoder fires `out` first and then, in handlerRemoved, passes the unread rest of the
        // cumulation to the next handler: the handshake always precedes the first message.
        ctx.pipeline().remove(this);
    }

    private PeerProtocolException fail(ByteBuf in, Reason reason, String message) {
        state = STATE_FAILED;
        in.skipBytes(in.readableBytes());
        return new PeerProtocolException(reason, message);
    }
}
