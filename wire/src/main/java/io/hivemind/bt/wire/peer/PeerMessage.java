package io.hivemind.bt.wire.peer;

import io.hivemind.bt.wire.internal.Hex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Objects;

/**
 * A peer-wire message after the handshake: BEP 3 (keep-alive to cancel), BEP 5 ({@code port}), BEP 6 (fast
 * extension), BEP 10 ({@code extended}), BEP 52 (hash request, hashes, hash reject), and {@link Unknown} for any
 * other id, kept rather than dropped (an "open enum").
 *
 * <p>Payload-free messages are enum singletons ({@code Choke.INSTANCE}); fixed-size messages are records of
 * {@code int}s. Unsigned 32-bit wire fields are Java {@code int}s: the decoder refuses values at or above 2^31
 * ({@link PeerProtocolException.Reason#FIELD_OUT_OF_RANGE}) and the constructors refuse negative ones, so every
 * field is a non-negative {@code int}.
 *
 * <h2>Buffer ownership</h2>
 * Messages with a variable payload ({@link Bitfield}, {@link Piece}, {@link Extended}, {@link Hashes},
 * {@link Unknown}) implement {@link WithPayload}, a {@link ByteBufHolder} over that payload; all others hold no
 * buffer and their reference-counting is a no-op in {@link io.netty.util.ReferenceCountUtil}. The rules are Netty's:
 * <ul>
 *   <li>Inbound: {@link PeerMessageDecoder} creates each payload with {@code readRetainedSlice} (no copy) and the
 *   handler that receives the message owns it: it releases it ({@code ReferenceCountUtil.release(msg)}, or extends
 *   {@code SimpleChannelInboundHandler}) or passes it on, for example to the torrent that copies a block into its
 *   piece buffer and then releases it. A slice keeps the whole read buffer it came from alive, so release promptly.</li>
 *   <li>Outbound: a message written to the channel belongs to the pipeline from then on; {@link PeerMessageEncoder}
 *   passes the payload on without copying and the transport releases it after writing (or on failure). Retain a
 *   message before writing it if you still need it.</li>
 *   <li>Constructors take ownership of the buffer they are given: one reference moves into the message.</li>
 * </ul>
 *
 * <p>Messages are immutable; the payload buffers are not thread-safe and belong to one thread at a time.
 * {@code equals} on payload messages compares the readable bytes (useful in tests; not for released messages).
 */
public sealed interface PeerMessage {

    /** The message id byte (BEP 3 numbering), or -1 for {@link KeepAlive}, which has none. */
    int id();

    /** Length on the wire including the 4-byte length prefix. */
    int wireLength();

    /** True if {@code id} is one of the ids this class decodes into a typed record (so {@link Unknown} may not use it). */
    static boolean isKnownId(int id) {
        return (id >= Choke.ID && id <= Port.ID) || (id >= SuggestPiece.ID && id <= AllowedFast.ID)
                || (id >= Extended.ID && id <= HashReject.ID);
    }

    /**
     * A message that carries a variable-length payload as a {@link ByteBuf}; reference counting delegates to it.
     * See {@link PeerMessage} for who releases what.
     */
    sealed interface WithPayload extends PeerMessage, ByteBufHolder permits Bitfield, Piece, Extended, Hashes, Unknown {

        /** The payload (after the fixed fields). Its readable bytes are the payload; do not change its indices. */
        ByteBuf payload();

        /** Same as {@link #payload()}. */
        @Override
        default ByteBuf content() {
            return payload();
        }

        /** The same message over another payload; takes ownership of {@code content}. */
        @Override
        WithPayload replace(ByteBuf content);

        @Override
        default WithPayload copy() {
            return replace(payload().copy());
        }

        @Override
        default WithPayload duplicate() {
            return replace(payload().duplicate());
        }

        @Override
        default WithPayload retainedDuplicate() {
            return replace(payload().retainedDuplicate());
        }

        @Override
        default int refCnt() {
            return payload().refCnt();
        }

        @Override
        default WithPayload retain() {
            payload().retain();
            return this;
        }

        @Override
        default WithPayload retain(int increment) {
            payload().retain(increment);
            return this;
        }

        @Override
        default WithPayload touch() {
            payload().touch();
            return this;
        }

        @Override
        default WithPayload touch(Object hint) {
            payload().touch(hint);
            return this;
        }

        @Override
        default boolean release() {
            return payload().release();
        }

        @Override
        default boolean release(int decrement) {
            return payload().release(decrement);
        }
    }

    /** BEP 3: a zero-length message that keeps the connection open. */
    enum KeepAlive implements PeerMessage {
        INSTANCE;

        @Override
        public int id() {
            return -1;
        }

        @Override
        public int wireLength() {
            return 4;
        }
    }

    /** BEP 3 {@code choke} (id 0): the sender will not answer requests. */
    enum Choke implements PeerMessage {
        INSTANCE;

        public static final int ID = 0;

        @Override
        public int id() {
            return ID;
        }

        @Override
        public int wireLength() {
            return 5;
        }
    }

    /** BEP 3 {@code unchoke} (id 1). */
    enum Unchoke implements PeerMessage {
        INSTANCE;

        public static final int ID = 1;

        @Override
        public int id() {
            return ID;
        }

        @Override
        public int wireLength() {
            return 5;
        }
    }

    /** BEP 3 {@code interested} (id 2). */
    enum Interested implements PeerMessage {
        INSTANCE;

        public static final int ID = 2;

        @Override
        public int id() {
            return ID;
        }

        @Override
        public int wireLength() {
            return 5;
        }
    }

    /** BEP 3 {@code not interested} (id 3). */
    enum NotInterested implements PeerMessage {
        INSTANCE;

        public static final int ID = 3;

        @Override
        public int id() {
            return ID;
        }

        @Override
        public int wireLength() {
            return 5;
        }
    }

    /** BEP 3 {@code have} (id 4): the sender completed and verified {@code piece}. */
    record Have(int piece) implements PeerMessage {
        public static final int ID = 4;

        public Have {
            nonNegative(piece, "piece");
        }

        @Override
        public int id() {
            return ID;
        }

        @Override
        public int wireLength() {
            return 9;
        }
    }

    /**
     * BEP 3 {@code bitfield} (id 5): the pieces the sender has, first piece in the high bit of the first byte.
     * The decoder does not know the piece count; {@link #toBitfield(int)} checks length and spare bits.
     */
    record Bitfield(ByteBuf payload) implements WithPayload {
        public static final int ID = 5;

        public Bitfield {
            Objects.requireNonNull(payload, "payload");
        }

        /** The wire form of {@code bits} in a new unpooled buffer. */
        public static Bitfield of(io.hivemind.bt.wire.bits.Bitfield bits) {
            return new Bitfield(Unpooled.wrappedBuffer(bits.toWire()));
        }

        /**
         * Parses the payload for a torrent of {@code pieceCount} pieces (copying it; the message keeps its buffer).
         *
         * @throws io.hivemind.bt.wire.bits.Bitfield.InvalidBitfieldException wrong length or spare bits set (BEP 3:
         *                                                                    drop the connection)
         */
        public io.hivemind.bt.wire.bits.Bitfield toBitfield(int pieceCount) {
            ByteBuf p = payload;
            if (p.hasArray()) {
                return io.hivemind.bt.wire.bits.Bitfield.fromWire(p.array(), p.arrayOffset() + p.readerIndex(),
                        p.readableBytes(), pieceCount);
            }
            return io.hivemind.bt.wire.bits.Bitfield.fromWire(ByteBufUtil.getBytes(p), pieceCount);
        }

        @Override
        public Bitfield replace(ByteBuf content) {
            return new Bitfield(content);
        }

        @Override
        public int id() {
            return ID;
        }

        @Override
        public int wireLength() {
            return 5 + payload.readableBytes();
        }

        @Override
        public String toString() {
            return "Bitfield[" + payload.readableBytes() + " bytes]";
        }
    }

    /** BEP 3 {@code request} (id 6): asks for {@code length} bytes of {@code piece} at offset {@code begin}. */
    record Request(int piece, int begin, int length) implements PeerMessage {
        public static final int ID = 6;

        public Request {
            nonNegative(piece, "piece");
            nonNegative(begin, "begin");
            nonNegative(length, "length");
        }

        @Override
        public int id() {
            return ID;
        }

        @Override
        public int wireLength() {
            return 17;
        }
    }

    /**
     * BEP 3 {@code piece} (id 7): a block of {@code piece} starting at {@code begin}; the payload is the block
     * (normally 16 KiB). Decoded payloads are retained slices of the read buffer: no copy.
     */
    record Piece(int piece, int begin, ByteBuf payload) implements WithPayload {
        public static final int ID = 7;
        /** Bytes before the block on the wire: length prefix, id, index, begin. */
        public static final int HEADER_LENGTH = 13;

        public Piece {
            nonNegative(piece, "piece");
            nonNegative(begin, "begin");
            Objects.requireNonNull(payload, "payload");
        }

        /** The block length. */
        public int length() {
            return payload.readableBytes();
        }

        @Override
        public Piece replace(ByteBuf content) {
            return new Piece(piece, begin, content);
        }

        @Override
        public int id() {
            return ID;
        }

        @Override
        public int wireLength() {
            return HEADER_LENGTH + payload.readableBytes();
        }

        @Override
        public String toString() {
            return "Piece[piece=" + piece + ", begin=" + begin + ", length=" + payload.readableBytes() + "]";
        }
    }

    /** BEP 3 {@code cancel} (id 8): withdraws a {@link Request} with the same fields. */
    record Cancel(int piece, int begin, int length) implements PeerMessage {
        public static final int ID = 8;

        public Cancel {
            nonNegative(piece, "piece");
            nonNegative(begin, "begin");
            nonNegative(length, "length");
        }

        @Override
        public int id() {
            return ID;
        }

        @Override
        public int wireLength() {
            return 17;
        }
    }

    /** BEP 5 {@code port} (id 9): the sender's DHT node listens on this UDP port. */
    record Port(int port) implements PeerMessage {
        public static final int ID = 9;

        public Port {
            if (port < 0 || port > 0xffff) {
                throw new IllegalArgumentException("port " + port);
            }
        }

        @Override
        public int id() {
            return ID;
        }

        @Override
        public int wireLength() {
            return 7;
        }
    }

    /** BEP 6 {@code suggest piece} (id 13). */
    record SuggestPiece(int piece) implements PeerMessage {
        public static final int ID = 13;

        public SuggestPiece {
            nonNegative(piece, "piece");
        }

        @Override
        public int id() {
            return ID;
        }

        @Override
        public int wireLength() {
            return 9;
        }
    }

    /** BEP 6 {@code have all} (id 14): replaces a full bitfield. */
    enum HaveAll implements PeerMessage {
        INSTANCE;

        public static final int ID = 14;

        @Override
        public int id() {
            return ID;
        }

        @Override
        public int wireLength() {
            return 5;
        }
    }

    /** BEP 6 {@code have none} (id 15): replaces an empty bitfield. */
    enum HaveNone implements PeerMessage {
        INSTANCE;

        public static final int ID = 15;

        @Override
        public int id() {
            return ID;
        }

        @Override
        public int wireLength() {
            return 5;
        }
    }

    /** BEP 6 {@code reject request} (id 16): the sender will not serve the {@link Request} with these fields. */
    record RejectRequest(int piece, int begin, int length) implements PeerMessage {
        public static final int ID = 16;

        public RejectRequest {
            nonNegative(piece, "piece");
            nonNegative(begin, "begin");
            nonNegative(length, "length");
        }

        @Override
        public int id() {
            return ID;
        }

        @Override
        public int wireLength() {
            return 17;
        }
    }

    /** BEP 6 {@code allowed fast} (id 17): the receiver may request this piece even while choked. */
    record AllowedFast(int piece) implements PeerMessage {
        public static final int ID = 17;

        public AllowedFast {
            nonNegative(piece, "piece");
        }

        @Override
        public int id() {
            return ID;
        }

        @Override
        public int wireLength() {
            return 9;
        }
    }

    /**
     * BEP 10 {@code extended} (id 20): extension message {@code extendedId} (0 is the extension handshake; other ids
     * are the ones the receiver chose in its handshake) with its raw payload. Decode the payload with the
     * {@code io.hivemind.bt.wire.ext} codecs.
     */
    record Extended(int extendedId, ByteBuf payload) implements WithPayload {
        public static final int ID = 20;
        /** The extended id of the BEP 10 extension handshake. */
        public static final int HANDSHAKE_ID = 0;

        public Extended {
            if (extendedId < 0 || extendedId > 0xff) {
                throw new IllegalArgumentException("extended message id " + extendedId);
            }
            Objects.requireNonNull(payload, "payload");
        }

        @Override
        public Extended replace(ByteBuf content) {
            return new Extended(extendedId, content);
        }

        @Override
        public int id() {
            return ID;
        }

        @Override
        public int wireLength() {
            return 6 + payload.readableBytes();
        }

        @Override
        public String toString() {
            return "Extended[extendedId=" + extendedId + ", " + payload.readableBytes() + " bytes]";
        }
    }

    /**
     * BEP 52 {@code hash request} (id 21): hashes of the merkle tree of the file with root {@code piecesRoot}.
     * The decoder checks the BEP's own rules ({@code length} a power of two ≥ 2, {@code index} a multiple of it);
     * it is also the key that {@link Hashes} and {@link HashReject} echo.
     *
     * @param piecesRoot  32-byte root hash of the file (copied in and out)
     * @param baseLayer   layers above the leaves where the requested hashes are (0 = 16 KiB blocks)
     * @param index       offset, in hashes, of the first requested hash in the base layer
     * @param length      number of hashes requested
     * @param proofLayers number of ancestor layers whose uncle hashes to include
     */
    record HashRequest(byte[] piecesRoot, int baseLayer, int index, int length, int proofLayers) implements PeerMessage {
        public static final int ID = 21;
        /** Length on the wire of the fields shared by hash request, hashes and hash reject. */
        static final int FIELDS_LENGTH = 48;

        public HashRequest {
            if (piecesRoot.length != 32) {
                throw new IllegalArgumentException("pieces root of " + piecesRoot.length + " bytes, expected 32");
            }
            nonNegative(baseLayer, "baseLayer");
            nonNegative(index, "index");
            nonNegative(length, "length");
            nonNegative(proofLayers, "proofLayers");
            piecesRoot = piecesRoot.clone();
        }

        /** A copy of the pieces root. */
        @Override
        public byte[] piecesRoot() {
            return piecesRoot.clone();
        }

        /** BEP 52: length is a power of two, at least 2, and index is a multiple of it. */
        public boolean isWellFormed() {
            return length >= 2 && Integer.bitCount(length) == 1 && index % length == 0;
        }

        void writeFields(ByteBuf dst) {
            dst.writeBytes(piecesRoot);
            dst.writeInt(baseLayer);
            dst.writeInt(index);
            dst.writeInt(length);
            dst.writeInt(proofLayers);
        }

        @Override
        public int id() {
            return ID;
        }

        @Override
        public int wireLength() {
            return 5 + FIELDS_LENGTH;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof HashRequest r && r.baseLayer == baseLayer && r.index == index && r.length == length
                    && r.proofLayers == proofLayers && Arrays.equals(r.piecesRoot, piecesRoot);
        }

        @Override
        public int hashCode() {
            return (((Arrays.hashCode(piecesRoot) * 31 + baseLayer) * 31 + index) * 31 + length) * 31 + proofLayers;
        }

        @Override
        public String toString() {
            return "HashRequest[piecesRoot=" + Hex.encode(piecesRoot) + ", baseLayer=" + baseLayer + ", index="
                    + index + ", length=" + length + ", proofLayers=" + proofLayers + "]";
        }
    }

    /**
     * BEP 52 {@code hashes} (id 22): the answer to {@code request}; the payload is a whole number of 32-byte hashes,
     * the base layer's first, then the uncle hashes up to the root.
     */
    record Hashes(HashRequest request, ByteBuf payload) implements WithPayload {
        public static final int ID = 22;

        public Hashes {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(payload, "payload");
        }

        /** Number of 32-byte hashes in the payload. */
        public int hashCount() {
            return payload.readableBytes() / 32;
        }

        @Override
        public Hashes replace(ByteBuf content) {
            return new Hashes(request, content);
        }

        @Override
        public int id() {
            return ID;
        }

        @Override
        public int wireLength() {
            return 5 + HashRequest.FIELDS_LENGTH + payload.readableBytes();
        }

        @Override
        public String toString() {
            return "Hashes[" + request + ", " + payload.readableBytes() + " bytes]";
        }
    }

    /** BEP 52 {@code hash reject} (id 23): the sender will not answer {@code request}. */
    record HashReject(HashRequest request) implements PeerMessage {
        public static final int ID = 23;

        public HashReject {
            Objects.requireNonNull(request, "request");
        }

        @Override
        public int id() {
            return ID;
        }

        @Override
        public int wireLength() {
            return 5 + HashRequest.FIELDS_LENGTH;
        }
    }

    /**
     * A message with an id this class does not know, kept whole so the session can count or log it (BEP 3: "unknown
     * messages are ignored"; dropping the connection is the session's choice).
     */
    record Unknown(int id, ByteBuf payload) implements WithPayload {

        public Unknown {
            if (id < 0 || id > 0xff || isKnownId(id)) {
                throw new IllegalArgumentException("id " + id + " is not an unknown message id");
            }
            Objects.requireNonNull(payload, "payload");
        }

        @Override
        public Unknown replace(ByteBuf content) {
            return new Unknown(id, content);
        }

        @Override
        public int wireLength() {
            return 5 + payload.readableBytes();
        }

        @Override
        public String toString() {
            return "Unknown[id=" + id + ", " + payload.readableBytes() + " bytes]";
        }
    }

    private static void nonNegative(int value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " " + value + " is negative");
        }
    }
}
