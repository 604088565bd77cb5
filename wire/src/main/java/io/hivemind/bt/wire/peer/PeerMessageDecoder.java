package io.hivemind.bt.wire.peer;

import io.hivemind.bt.wire.peer.PeerMessage.AllowedFast;
import io.hivemind.bt.wire.peer.PeerMessage.Bitfield;
import io.hivemind.bt.wire.peer.PeerMessage.Cancel;
import io.hivemind.bt.wire.peer.PeerMessage.Choke;
import io.hivemind.bt.wire.peer.PeerMessage.Extended;
import io.hivemind.bt.wire.peer.PeerMessage.HashReject;
import io.hivemind.bt.wire.peer.PeerMessage.HashRequest;
import io.hivemind.bt.wire.peer.PeerMessage.Hashes;
import io.hivemind.bt.wire.peer.PeerMessage.Have;
import io.hivemind.bt.wire.peer.PeerMessage.HaveAll;
import io.hivemind.bt.wire.peer.PeerMessage.HaveNone;
import io.hivemind.bt.wire.peer.PeerMessage.Interested;
import io.hivemind.bt.wire.peer.PeerMessage.KeepAlive;
import io.hivemind.bt.wire.peer.PeerMessage.NotInterested;
import io.hivemind.bt.wire.peer.PeerMessage.Piece;
import io.hivemind.bt.wire.peer.PeerMessage.Port;
import io.hivemind.bt.wire.peer.PeerMessage.RejectRequest;
import io.hivemind.bt.wire.peer.PeerMessage.Request;
import io.hivemind.bt.wire.peer.PeerMessage.SuggestPiece;
import io.hivemind.bt.wire.peer.PeerMessage.Unchoke;
import io.hivemind.bt.wire.peer.PeerMessage.Unknown;
import io.hivemind.bt.wire.peer.PeerProtocolException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Decodes the length-prefixed peer-wire message stream (BEP 3 "messages") into {@link PeerMessage}s.
 *
 * <p>Hardening: a length prefix above {@link #maxMessageLength()} fails at once with
 * {@link Reason#MESSAGE_TOO_LONG}, after reading only the 4-byte prefix, so a peer cannot make us buffer more than
 * that (HARDENING.md: "&gt; 1 MiB → disconnect after reading at most that"). A message whose length does not fit its
 * id fails as soon as the id byte is in ({@link Reason#BAD_MESSAGE_LENGTH}); unsigned fields at or above 2^31 fail
 * with {@link Reason#FIELD_OUT_OF_RANGE}; a BEP 52 request breaking the BEP's rules with
 * {@link Reason#INVALID_HASH_REQUEST}. After a failure every further byte is dropped. Ids it does not know become
 * {@link Unknown} messages.
 *
 * <p>Memory per peer: with {@link Limits#STRICT} (what a session uses) each message type has its own cap, checked
 * as soon as the id byte is in: a {@code piece} at most a 16 KiB block plus its header, a {@code bitfield} what the
 * torrent's piece count needs ({@link #setMaxBitfieldLength}), extension and other messages 64 KiB. A message above
 * {@link Limits#largeMessage()} bytes (longer than a block message: bitfields of torrents with over 131,000 pieces, a
 * BEP 9 metadata piece with its dictionary, unusually large extension messages) must first reserve
 * its length from a {@link MessageBudget} shared by every connection of the session, so many slow peers sending
 * partial large messages cannot together hold more than the budget (HARDENING.md: heap growth under 200 hostile
 * peers stays under 50 MiB). A refused reservation fails with {@link Reason#MESSAGE_TOO_LONG}.
 *
 * <p>Buffer ownership: payloads are {@code readRetainedSlice}s of the cumulation buffer (no copy); the handler that
 * receives a message owns it (see {@link PeerMessage}).
 *
 * <p>Implementation note: the cumulator is {@link #ADAPTIVE_CUMULATOR}: Netty's {@link #COMPOSITE_CUMULATOR} for
 * reads of at least 4 KiB that fill at least half their buffer, Netty's {@link #MERGE_CUMULATOR} (a copy) for the
 * rest. A block almost never ends where a socket read ends, so with merging nearly every read is copied behind the
 * unfinished message before it is decoded; the composite cumulator appends the read as a component instead, and the
 * block's slice may span two read buffers. In {@code PeerMessageCodecBenchmark} (64 KiB reads) this decoded streams
 * of 16 KiB blocks 2.2 times faster than merging, and streams of 17-byte requests 1.7 times slower (reading fields
 * across components costs more); blocks are more than 99.9 % of the bytes a peer receives. Composing tiny reads,
 * though, would let a peer that sends a message a byte at a time pin one read buffer (and a component) per byte:
 * those are copied, so what a partial message holds stays within a small multiple of its length. Call
 * {@link #setCumulator} before use to choose otherwise.
 *
 * <p>Not sharable: one instance per channel, used on its event loop. Handshake objects and any other non-buffer
 * messages pass through unchanged, so this decoder can sit behind {@link PeerHandshakeDecoder} from the start.
 */
public final class PeerMessageDecoder extends ByteToMessageDecoder {

    /**
     * The default maximum length of one message (the prefix's value, excluding the prefix itself): 1 MiB for any
     * payload (a bitfield of 2,097,152 pieces is 256 KiB; a 16 KiB block with its header is far below) plus 1 KiB
     * of slack for the headers of a payload that is exactly 1 MiB.
     */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = (1 << 20) + 1024;

    /** Reads below this size, or filling less than half their buffer, are copied rather than composed. */
    static final int COMPOSE_MIN_READ = 4096;

    /** See the class comment: compose well-filled reads of 4 KiB or more, copy the rest. */
    public static final Cumulator ADAPTIVE_CUMULATOR = (alloc, cumulation, in) -> {
        int n = in.readableBytes();
        if (n >= COMPOSE_MIN_READ && n >= in.capacity() >>> 1) {
            return COMPOSITE_CUMULATOR.cumulate(alloc, cumulation, in);
        }
        return MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
    };

    /**
     * Memory that messages longer than {@link Limits#largeMessage()} reserve while they are being assembled, shared
     * by the decoders of many connections. Implementations are thread-safe.
     */
    public interface MessageBudget {
        /** Reserves {@code bytes}; false if that would exceed the budget. */
        boolean tryReserve(int bytes);

        /** Returns a reservation. */
        void release(int bytes);

        /** A budget of {@code maxBytes} in all (thread-safe). */
        static MessageBudget of(long maxBytes) {
            if (maxBytes < 0) {
                throw new IllegalArgumentException("budget " + maxBytes);
            }
            java.util.concurrent.atomic.AtomicLong used = new java.util.concurrent.atomic.AtomicLong();
            return new MessageBudget() {
                @Override
                public boolean tryReserve(int bytes) {
                    long now = used.addAndGet(bytes);
                    if (now > maxBytes) {
                        used.addAndGet(-bytes);
                        return false;
                    }
                    return true;
                }

                @Override
                public void release(int bytes) {
                    used.addAndGet(-bytes);
                }

                @Override
                public String toString() {
                    return "MessageBudget[" + used.get() + " of " + maxBytes + " bytes]";
                }
            };
        }

        /** No limit. */
        MessageBudget UNLIMITED = new MessageBudget() {
            @Override
            public boolean tryReserve(int bytes) {
                return true;
            }

            @Override
            public void release(int bytes) {
            }
        };
    }

    /**
     * Length caps, each of a whole message after its 4-byte prefix (id byte included).
     *
     * @param maxMessageLength  any message
     * @param maxPieceLength    {@code piece} (BEP 3: 9 bytes of header and the block)
     * @param maxBitfieldLength {@code bitfield} (1 + ceil(pieces / 8) once the torrent is known)
     * @param maxExtendedLength BEP 10 {@code extended}
     * @param maxOtherLength    BEP 52 {@code hashes} and ids this decoder does not know
     * @param largeMessage      messages longer than this reserve their length from the {@link MessageBudget}
     */
    public record Limits(int maxMessageLength, int maxPieceLength, int maxBitfieldLength, int maxExtendedLength,
                         int maxOtherLength, int largeMessage) {

        /** One cap for everything ({@code maxMessageLength}), no budget threshold. */
        public static Limits uniform(int maxMessageLength) {
            return new Limits(maxMessageLength, maxMessageLength, maxMessageLength, maxMessageLength, maxMessageLength,
                    Integer.MAX_VALUE);
        }

        /**
         * What a session uses: blocks of at most 16 KiB (we never request more), bitfields for up to 2,097,152
         * pieces (HARDENING.md's piece limit) until the torrent says how many, 64 KiB for extension and other
         * messages (a BEP 9 metadata piece is 16 KiB plus a small dictionary); anything longer than a block message
         * reserves from the budget. So a connection holds at most a block message without the budget.
         */
        public static final Limits STRICT = new Limits(DEFAULT_MAX_MESSAGE_LENGTH, 9 + 16 * 1024, 1 + (2_097_152 / 8),
                64 * 1024, 64 * 1024, 9 + 16 * 1024);

        public Limits {
            if (maxMessageLength < 64) {
                throw new IllegalArgumentException("maxMessageLength " + maxMessageLength + " below 64 bytes");
            }
            if (maxPieceLength < 9 || maxBitfieldLength < 1 || maxExtendedLength < 2 || maxOtherLength < 1
                    || largeMessage < 0) {
                throw new IllegalArgumentException("message caps too small: " + maxPieceLength + ", "
                        + maxBitfieldLength + ", " + maxExtendedLength + ", " + maxOtherLength + ", " + largeMessage);
            }
        }

        /** These limits with another bitfield cap. */
        public Limits withMaxBitfieldLength(int n) {
            return new Limits(maxMessageLength, maxPieceLength, n, maxExtendedLength, maxOtherLength, largeMessage);
        }
    }

    private final int maxMessageLength;
    private final Limits limits;
    private final MessageBudget budget;
    private volatile int maxBitfieldLength;
    private int reserved;
    private boolean failed;

    /** A decoder with {@link #DEFAULT_MAX_MESSAGE_LENGTH} for every message. */
    public PeerMessageDecoder() {
        this(DEFAULT_MAX_MESSAGE_LENGTH);
    }

    /** A decoder refusing messages longer than {@code maxMessageLength} bytes (excluding the 4-byte prefix). */
    public PeerMessageDecoder(int maxMessageLength) {
        this(Limits.uniform(maxMessageLength), MessageBudget.UNLIMITED);
    }

    /** A decoder with per-type caps; messages above {@link Limits#largeMessage()} reserve from {@code budget}. */
    public PeerMessageDecoder(Limits limits, MessageBudget budget) {
        this.limits = java.util.Objects.requireNonNull(limits, "limits");
        this.budget = java.util.Objects.requireNonNull(budget, "budget");
        this.maxMessageLength = limits.maxMessageLength();
        this.maxBitfieldLength = limits.maxBitfieldLength();
        setCumulator(ADAPTIVE_CUMULATOR);
    }

    public int maxMessageLength() {
        return maxMessageLength;
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Lowers (or raises, up to the overall maximum) the bitfield cap once the torrent's piece count is known:
     * {@code 1 + ceil(pieces / 8)}. May be called from any thread; applies to bitfields whose id byte arrives later.
     */
    public void setMaxBitfieldLength(int length) {
        if (length < 1) {
            throw new IllegalArgumentException("bitfield cap " + length);
        }
        this.maxBitfieldLength = Math.min(length, maxMessageLength);
    }

    /** Bytes this decoder holds reserved from the budget (for tests). */
    int reservedBytes() {
        return reserved;
    }

    /** Bytes held in the cumulation buffer, waiting for the rest of a message (for tests). */
    int bufferedBytes() {
        return actualReadableBytes();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int readable = in.readableBytes();
        if (readable < 4) {
            return;
        }
        int base = in.readerIndex();
        long length = in.getUnsignedInt(base);
        if (length > maxMessageLength) {
            throw fail(in, Reason.MESSAGE_TOO_LONG, "message of " + length + " bytes, limit " + maxMessageLength);
        }
        if (length == 0) {
            in.skipBytes(4);
            out.add(KeepAlive.INSTANCE);
            return;
        }
        if (readable < 5) {
            return;
        }
        int len = (int) length;
        int id = in.getUnsignedByte(base + 4);
        checkLength(in, id, len);
        if (readable < 4 + len) {
            if (len > limits.largeMessage() && reserved == 0) {
                if (!budget.tryReserve(len)) {
                    throw fail(in, Reason.MESSAGE_TOO_LONG, "message id " + id + " of " + len
                            + " bytes: the session's budget for large messages is spent");
                }
                reserved = len;
            }
            return;
        }
        releaseReservation();
        in.skipBytes(5);
        out.add(switch (id) {
            case Choke.ID -> Choke.INSTANCE;
            case Unchoke.ID -> Unchoke.INSTANCE;
            case Interested.ID -> Interested.INSTANCE;
            case NotInterested.ID -> NotInterested.INSTANCE;
            case Have.ID -> new Have(readIndex(in, "piece"));
            case Bitfield.ID -> new Bitfield(in.readRetainedSlice(len - 1));
            case Request.ID -> new Request(readIndex(in, "piece"), readIndex(in, "begin"), readIndex(in, "length"));
            case Piece.ID -> {
                int piece = readIndex(in, "piece");
                int begin = readIndex(in, "begin");
                yield new Piece(piece, begin, in.readRetainedSlice(len - 9));
            }
            case Cancel.ID -> new Cancel(readIndex(in, "piece"), readIndex(in, "begin"), readIndex(in, "length"));
            case Port.ID -> new Port(in.readUnsignedShort());
            case SuggestPiece.ID -> new SuggestPiece(readIndex(in, "piece"));
            case HaveAll.ID -> HaveAll.INSTANCE;
            case HaveNone.ID -> HaveNone.INSTANCE;
            case RejectRequest.ID -> new RejectRequest(readIndex(in, "piece"), readIndex(in, "begin"), readIndex(in, "length"));
            case AllowedFast.ID -> new AllowedFast(readIndex(in, "piece"));
            case Extended.ID -> {
                int extendedId = in.readUnsignedByte();
                yield new Extended(extendedId, in.readRetainedSlice(len - 2));
            }
            case HashRequest.ID -> readHashRequest(in);
            case Hashes.ID -> {
                HashRequest request = readHashRequest(in);
                yield new Hashes(request, in.readRetainedSlice(len - 1 - HashRequest.FIELDS_LENGTH));
            }
            case HashReject.ID -> new HashReject(readHashRequest(in));
            default -> new Unknown(id, in.readRetainedSlice(len - 1));
        });
    }

    /** Checks the length against the id before waiting for the body, so a wrong length fails early. */
    private void checkLength(ByteBuf in, int id, int len) {
        boolean ok = switch (id) {
            case Choke.ID, Unchoke.ID, Interested.ID, NotInterested.ID, HaveAll.ID, HaveNone.ID -> len == 1;
            case Have.ID, SuggestPiece.ID, AllowedFast.ID -> len == 5;
            case Request.ID, Cancel.ID, RejectRequest.ID -> len == 13;
            case Piece.ID -> len >= 9;
            case Port.ID -> len == 3;
            case Extended.ID -> len >= 2;
            case HashRequest.ID, HashReject.ID -> len == 1 + HashRequest.FIELDS_LENGTH;
            case Hashes.ID -> len >= 1 + HashRequest.FIELDS_LENGTH && (len - 1 - HashRequest.FIELDS_LENGTH) % 32 == 0;
            default -> true; // bitfield and unknown ids: any length up to the maximum
        };
        if (!ok) {
            throw fail(in, Reason.BAD_MESSAGE_LENGTH, "message id " + id + " with length " + len);
        }
        int cap = switch (id) {
            case Piece.ID -> limits.maxPieceLength();
            case Bitfield.ID -> maxBitfieldLength;
            case Extended.ID -> limits.maxExtendedLength();
            case Choke.ID, Unchoke.ID, Interested.ID, NotInterested.ID, HaveAll.ID, HaveNone.ID, Have.ID, SuggestPiece.ID,
                 AllowedFast.ID, Request.ID, Cancel.ID, RejectRequest.ID, Port.ID, HashRequest.ID, HashReject.ID ->
                    Integer.MAX_VALUE; // fixed lengths, checked above
            default -> limits.maxOtherLength();
        };
        if (len > cap) {
            throw fail(in, Reason.MESSAGE_TOO_LONG, "message id " + id + " of " + len + " bytes, limit " + cap);
        }
    }

    private void releaseReservation() {
        if (reserved > 0) {
            budget.release(reserved);
            reserved = 0;
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releaseReservation();
    }

    private int readIndex(ByteBuf in, String field) {
        int v = in.readInt();
        if (v < 0) {
            throw fail(in, Reason.FIELD_OUT_OF_RANGE, field + " " + Integer.toUnsignedString(v) + " is 2^31 or more");
        }
        return v;
    }

    private HashRequest readHashRequest(ByteBuf in) {
        byte[] root = new byte[32];
        in.readBytes(root);
        int baseLayer = readIndex(in, "base layer");
        int index = readIndex(in, "index");
        int length = readIndex(in, "length");
        int proofLayers = readIndex(in, "proof layers");
        HashRequest r = new HashRequest(root, baseLayer, index, length, proofLayers);
        if (!r.isWellFormed()) {
            throw fail(in, Reason.INVALID_HASH_REQUEST, "hash request with index " + index + " and length " + length);
        }
        return r;
    }

    private PeerProtocolException fail(ByteBuf in, Reason reason, String message) {
        failed = true;
        releaseReservation();
        in.skipBytes(in.readableBytes());
        return new PeerProtocolException(reason, message);
    }
}
