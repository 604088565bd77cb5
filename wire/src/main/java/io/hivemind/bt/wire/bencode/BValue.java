package io.hivemind.bt.wire.bencode;

/**
 * A bencoded value (BEP 3): an integer, a byte string, a list or a dictionary.
 *
 * <p>Values are immutable and thread-safe. Byte strings are raw bytes, not text: use
 * {@link BBytes#asString()} when a field is known to be UTF-8.
 */
public sealed interface BValue permits BInt, BBytes, BList, BDict {

    /** The canonical bencoding of this value. */
    default byte[] encode() {
        return BencodeEncoder.encode(this);
    }
}
