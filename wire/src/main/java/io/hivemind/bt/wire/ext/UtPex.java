package io.hivemind.bt.wire.ext;

import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.ext.ExtensionProtocolException.Reason;
import io.hivemind.bt.wire.peer.PeerMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A BEP 11 {@code ut_pex} message: peers the sender connected to ({@code added}, with flags) and disconnected from
 * ({@code dropped}) since its last message.
 *
 * <p>On the wire each list is split by family into compact strings ({@code added}/{@code added6},
 * {@code dropped}/{@code dropped6}: 6 or 18 bytes per peer, address then big-endian port), with one flag byte per
 * added peer in {@code added.f}/{@code added6.f}. Here they are two lists of both families, IPv4 first. A 16-byte
 * address stays an IPv6 address even when it is IPv4-mapped (normalising is the session's business).
 *
 * <p>Decoding applies {@code BencodeLimits.EXTENSION}, at most {@value #MAX_PEERS_PER_LIST} peers in each of the four
 * lists ({@link Reason#TOO_MANY_ENTRIES}; BEP 11 allows 50 per message after the first), compact lengths that are a
 * whole number of entries ({@link Reason#BAD_COMPACT_LENGTH}) and the types of the known keys. A flag string whose
 * length differs from its list is ignored (flags 0), as are unknown keys. BEP 11's rules about duplicates, peers both
 * added and dropped, and the message rate are the session's to enforce. PEX data is untrusted: see BEP 11 "Security
 * Considerations".
 *
 * <p>Immutable and thread-safe; holds no buffers. The caller keeps ownership of a payload it decodes.
 *
 * @param added   peers connected to, with their flags
 * @param dropped peers disconnected from
 */
public record UtPex(List<PexPeer> added, List<InetSocketAddress> dropped) {

    /** The extension name in the BEP 10 {@code m} dictionary. */
    public static final String NAME = "ut_pex";
    /** Most peers accepted in each of {@code added}, {@code added6}, {@code dropped} and {@code dropped6}. */
    public static final int MAX_PEERS_PER_LIST = 200;

    public UtPex {
        added = List.copyOf(added);
        dropped = List.copyOf(dropped);
        for (InetSocketAddress a : dropped) {
            if (a.isUnresolved()) {
                throw new IllegalArgumentException("unresolved address " + a);
            }
        }
    }

    /** Decodes the readable bytes of {@code payload} without changing its indices; the caller keeps ownership. */
    public static UtPex decode(ByteBuf payload) {
        return decode(ByteBufUtil.getBytes(payload));
    }

    /**
     * Decodes a bencoded {@code ut_pex} payload.
     *
     * @throws ExtensionProtocolException if the payload is malformed or a list is too long
     */
    public static UtPex decode(byte[] payload) {
        BDict d = Payloads.dict(Payloads.decodePrefix(payload).value(), "ut_pex message");
        List<PexPeer> added = new ArrayList<>();
        List<InetSocketAddress> dropped = new ArrayList<>();
        readAdded(d, "added", "added.f", 4, added);
        readAdded(d, "added6", "added6.f", 16, added);
        readDropped(d, "dropped", 4, dropped);
        readDropped(d, "dropped6", 16, dropped);
        return new UtPex(added, dropped);
    }

    private static void readAdded(BDict d, String key, String flagsKey, int addressLength, List<PexPeer> out) {
        BBytes list = Payloads.optBytes(d, key);
        BBytes flags = Payloads.optBytes(d, flagsKey);
        if (list == null) {
            return;
        }
        byte[] raw = list.bytes();
        int n = count(raw, addressLength, key);
        byte[] f = flags != null && flags.length() == n ? flags.bytes() : null;
        for (int i = 0; i < n; i++) {
            out.add(new PexPeer(entry(raw, i, addressLength), f == null ? 0 : f[i] & 0xff));
        }
    }

    private static void readDropped(BDict d, String key, int addressLength, List<InetSocketAddress> out) {
        BBytes list = Payloads.optBytes(d, key);
        if (list == null) {
            return;
        }
        byte[] raw = list.bytes();
        int n = count(raw, addressLength, key);
        for (int i = 0; i < n; i++) {
            out.add(entry(raw, i, addressLength));
        }
    }

    private static int count(byte[] raw, int addressLength, String key) {
        int entry = addressLength + 2;
        if (raw.length % entry != 0) {
            throw new ExtensionProtocolException(Reason.BAD_COMPACT_LENGTH,
                    "'" + key + "' of " + raw.length + " bytes is not a multiple of " + entry);
        }
        int n = raw.length / entry;
        if (n > MAX_PEERS_PER_LIST) {
            throw new ExtensionProtocolException(Reason.TOO_MANY_ENTRIES,
                    "'" + key + "' has " + n + " peers, limit " + MAX_PEERS_PER_LIST);
        }
        return n;
    }

    private static InetSocketAddress entry(byte[] raw, int i, int addressLength) {
        int at = i * (addressLength + 2);
        InetAddress a = Payloads.address(raw, at, addressLength);
        int port = ((raw[at + addressLength] & 0xff) << 8) | (raw[at + addressLength + 1] & 0xff);
        return new InetSocketAddress(a, port);
    }

    /** The bencoded dictionary with all six lists (empty ones as empty strings, as libtorrent sends them). */
    public BDict toDict() {
        Compact added4 = new Compact(4, true);
        Compact added6 = new Compact(16, true);
        Compact dropped4 = new Compact(4, false);
        Compact dropped6 = new Compact(16, false);
        for (PexPeer p : added) {
            (p.address().getAddress() instanceof Inet4Address ? added4 : added6).add(p.address(), p.flags());
        }
        for (InetSocketAddress a : dropped) {
            (a.getAddress() instanceof Inet4Address ? dropped4 : dropped6).add(a, 0);
        }
        return BDict.builder()
                .put("added", added4.entries()).put("added.f", added4.flags())
                .put("added6", added6.entries()).put("added6.f", added6.flags())
                .put("dropped", dropped4.entries())
                .put("dropped6", dropped6.entries())
                .build();
    }

    /** The canonical bencoding of {@link #toDict()}. */
    public byte[] encode() {
        return toDict().encode();
    }

    /** An {@code extended} message carrying this one under {@code extendedId} (the id the receiver chose for ut_pex). */
    public PeerMessage.Extended toMessage(int extendedId) {
        return new PeerMessage.Extended(extendedId, Unpooled.wrappedBuffer(encode()));
    }

    /** Accumulates one compact list and, for added lists, its flags. */
    private static final class Compact {
        private final int addressLength;
        private final boolean withFlags;
        private final java.io.ByteArrayOutputStream entries = new java.io.ByteArrayOutputStream();
        private final java.io.ByteArrayOutputStream flags = new java.io.ByteArrayOutputStream();

        Compact(int addressLength, boolean withFlags) {
            this.addressLength = addressLength;
            this.withFlags = withFlags;
        }

        void add(InetSocketAddress a, int f) {
            byte[] raw = Objects.requireNonNull(a.getAddress(), "unresolved").getAddress();
            if (raw.length != addressLength) {
                throw new IllegalArgumentException("address " + a);
            }
            entries.writeBytes(raw);
            entries.write(a.getPort() >>> 8);
            entries.write(a.getPort());
            if (withFlags) {
                flags.write(f);
            }
        }

        byte[] entries() {
            return entries.toByteArray();
        }

        byte[] flags() {
            return flags.toByteArray();
        }
    }
}
