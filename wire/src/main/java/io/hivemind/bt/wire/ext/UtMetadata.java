package io.hivemind.bt.wire.ext;

import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import io.hivemind.bt.wire.bencode.BencodeEncoder;
import io.hivemind.bt.wire.ext.ExtensionProtocolException.Reason;
import io.hivemind.bt.wire.peer.PeerMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Objects;

/**
 * BEP 9 {@code ut_metadata} messages: fetching the info dictionary from peers in 16 KiB pieces.
 *
 * <p>A message is a bencoded dictionary with {@code msg_type} (0 request, 1 data, 2 reject) and {@code piece}; a
 * {@link Data} message adds {@code total_size}, and the raw metadata piece follows the dictionary inside the same
 * payload (decoded with {@code BencodeDecoder.decodePrefix}). A {@code msg_type} this class does not know becomes
 * {@link Unknown}: BEP 9 says it "MUST be ignored", so it is not an error.
 *
 * <p>Decoding checks (each an {@link ExtensionProtocolException}): {@code BencodeLimits.EXTENSION}; required keys;
 * {@code total_size} at most the configured maximum ({@link #DEFAULT_MAX_METADATA_SIZE} = 16 MiB, HARDENING.md);
 * piece index inside the metadata; every data block exactly 16 KiB except the last, which holds the remainder. The
 * metadata itself is not hash-checked here: the session checks the assembled whole against the info-hash.
 *
 * <p>Messages are immutable values without buffers: decoding copies the payload (at most 16 KiB and a small
 * dictionary, a few times per torrent) so no reference counting is needed; the caller keeps ownership of the
 * payload it decodes.
 */
public sealed interface UtMetadata {

    /** The extension name in the BEP 10 {@code m} dictionary. */
    String NAME = "ut_metadata";
    /** The size of every metadata piece but the last. */
    int PIECE_SIZE = 16 * 1024;
    /** Largest {@code total_size} accepted by {@link #decode(ByteBuf)}: 16 MiB. */
    int DEFAULT_MAX_METADATA_SIZE = 16 * 1024 * 1024;

    /** The metadata piece the message is about, or -1 for an {@link Unknown} message without one. */
    int piece();

    /** The payload: the bencoded dictionary, and for {@link Data} the piece after it. */
    byte[] encode();

    /** An {@code extended} message carrying this one under {@code extendedId} (the id the receiver chose for ut_metadata). */
    default PeerMessage.Extended toMessage(int extendedId) {
        return new PeerMessage.Extended(extendedId, Unpooled.wrappedBuffer(encode()));
    }

    /** Number of 16 KiB pieces of metadata of {@code totalSize} bytes. */
    static int pieceCount(long totalSize) {
        return (int) ((totalSize + PIECE_SIZE - 1) / PIECE_SIZE);
    }

    /** Length of piece {@code piece} of metadata of {@code totalSize} bytes (16 KiB except the last). */
    static int pieceLength(int piece, long totalSize) {
        return (int) Math.min(PIECE_SIZE, totalSize - (long) piece * PIECE_SIZE);
    }

    /** Decodes with {@link #DEFAULT_MAX_METADATA_SIZE}; see {@link #decode(ByteBuf, int)}. */
    static UtMetadata decode(ByteBuf payload) {
        return decode(payload, DEFAULT_MAX_METADATA_SIZE);
    }

    /**
     * Decodes the readable bytes of {@code payload} without changing its indices; the caller keeps ownership.
     *
     * @param maxMetadataSize the largest {@code total_size} accepted (and so the highest piece index)
     * @throws ExtensionProtocolException if the message is malformed or breaks a limit
     */
    static UtMetadata decode(ByteBuf payload, int maxMetadataSize) {
        return decode(ByteBufUtil.getBytes(payload), maxMetadataSize);
    }

    /** Decodes a whole payload; see {@link #decode(ByteBuf, int)}. */
    static UtMetadata decode(byte[] payload, int maxMetadataSize) {
        if (maxMetadataSize < 1) {
            throw new IllegalArgumentException("maxMetadataSize " + maxMetadataSize);
        }
        BencodeDecoder.Prefix p = Payloads.decodePrefix(payload);
        BDict d = Payloads.dict(p.value(), "ut_metadata message");
        long type = Payloads.requireLong(d, "msg_type");
        if (type < Request.MSG_TYPE || type > Reject.MSG_TYPE) {
            return new Unknown(type, d);
        }
        long piece = Payloads.requireLong(d, "piece");
        if (piece < 0 || piece >= pieceCount(maxMetadataSize)) {
            throw new ExtensionProtocolException(Reason.BAD_METADATA_PIECE, "piece " + piece + " beyond the largest metadata accepted");
        }
        int index = (int) piece;
        if (type == Request.MSG_TYPE) {
            return new Request(index);
        }
        if (type == Reject.MSG_TYPE) {
            return new Reject(index);
        }
        long total = Payloads.requireLong(d, "total_size");
        if (total <= 0) {
            throw new ExtensionProtocolException(Reason.INVALID_VALUE, "total_size " + total);
        }
        if (total > maxMetadataSize) {
            throw new ExtensionProtocolException(Reason.METADATA_TOO_LARGE, "total_size " + total + " above the limit of " + maxMetadataSize);
        }
        if (index >= pieceCount(total)) {
            throw new ExtensionProtocolException(Reason.BAD_METADATA_PIECE, "piece " + index + " of metadata of " + total + " bytes");
        }
        int length = payload.length - p.end();
        int expected = pieceLength(index, total);
        if (length != expected) {
            throw new ExtensionProtocolException(Reason.BAD_METADATA_PIECE,
                    "piece " + index + " of " + length + " bytes, expected " + expected);
        }
        return new Data(index, (int) total, Arrays.copyOfRange(payload, p.end(), payload.length));
    }

    /** BEP 9 {@code request} (msg_type 0): asks for metadata piece {@code piece}. */
    record Request(int piece) implements UtMetadata {
        public static final int MSG_TYPE = 0;

        public Request {
            if (piece < 0) {
                throw new IllegalArgumentException("piece " + piece);
            }
        }

        @Override
        public byte[] encode() {
            return BDict.builder().put("msg_type", MSG_TYPE).put("piece", piece).build().encode();
        }
    }

    /**
     * BEP 9 {@code data} (msg_type 1): metadata piece {@code piece} of metadata of {@code totalSize} bytes.
     *
     * @param data the piece: 16 KiB, or the remainder for the last piece (copied in and out)
     */
    record Data(int piece, int totalSize, byte[] data) implements UtMetadata {
        public static final int MSG_TYPE = 1;

        public Data {
            if (piece < 0 || totalSize <= 0 || piece >= pieceCount(totalSize)) {
                throw new IllegalArgumentException("piece " + piece + " of metadata of " + totalSize + " bytes");
            }
            if (data.length != pieceLength(piece, totalSize)) {
                throw new IllegalArgumentException("piece " + piece + " of " + data.length + " bytes, expected "
                        + pieceLength(piece, totalSize));
            }
            data = data.clone();
        }

        /** A copy of the piece. */
        @Override
        public byte[] data() {
            return data.clone();
        }

        /** The piece length. */
        public int length() {
            return data.length;
        }

        /** Copies the piece into {@code dst} at {@code offset} (no intermediate copy). */
        public void copyTo(byte[] dst, int offset) {
            System.arraycopy(data, 0, dst, offset, data.length);
        }

        @Override
        public byte[] encode() {
            BDict d = BDict.builder().put("msg_type", MSG_TYPE).put("piece", piece).put("total_size", totalSize).build();
            int dictLength = BencodeEncoder.encodedLength(d);
            byte[] out = Arrays.copyOf(d.encode(), dictLength + data.length);
            System.arraycopy(data, 0, out, dictLength, data.length);
            return out;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Data x && x.piece == piece && x.totalSize == totalSize && Arrays.equals(x.data, data);
        }

        @Override
        public int hashCode() {
            return (piece * 31 + totalSize) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Data[piece=" + piece + ", totalSize=" + totalSize + ", length=" + data.length + "]";
        }
    }

    /** BEP 9 {@code reject} (msg_type 2): the sender will not send metadata piece {@code piece}. */
    record Reject(int piece) implements UtMetadata {
        public static final int MSG_TYPE = 2;

        public Reject {
            if (piece < 0) {
                throw new IllegalArgumentException("piece " + piece);
            }
        }

        @Override
        public byte[] encode() {
            return BDict.builder().put("msg_type", MSG_TYPE).put("piece", piece).build().encode();
        }
    }

    /** A {@code msg_type} other than 0, 1 and 2, kept as decoded; BEP 9: "an unrecognized message ID MUST be ignored". */
    record Unknown(long msgType, BDict dict) implements UtMetadata {

        public Unknown {
            Objects.requireNonNull(dict, "dict");
            if (msgType >= Request.MSG_TYPE && msgType <= Reject.MSG_TYPE) {
                throw new IllegalArgumentException("msg_type " + msgType + " is known");
            }
            if (dict.getLong("msg_type", msgType + 1) != msgType) {
                throw new IllegalArgumentException("dictionary without msg_type " + msgType);
            }
        }

        @Override
        public int piece() {
            return -1;
        }

        @Override
        public byte[] encode() {
            return dict.encode();
        }
    }
}
