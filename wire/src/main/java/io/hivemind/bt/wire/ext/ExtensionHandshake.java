package io.hivemind.bt.wire.ext;

import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BInt;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeEncoder;
import io.hivemind.bt.wire.ext.ExtensionProtocolException.Reason;
import io.hivemind.bt.wire.peer.PeerMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The BEP 10 extension handshake: the bencoded dictionary of {@code extended} message id 0.
 *
 * <p>Every field is optional on the wire; absent ones are {@code null} here ({@link #messages()} is empty instead).
 * Keys hivebt does not model are kept in {@link #extra()} and written back by {@link #encode()}, so nothing is lost.
 * BEP 10 makes {@code m} additive across repeated handshakes and id 0 means "disabled": {@link #messages()} keeps the
 * zeros, merging is the session's job.
 *
 * <p>Decoding applies {@code BencodeLimits.EXTENSION} and sanity limits ({@value #MAX_MESSAGES} names in {@code m},
 * names up to {@value #MAX_NAME_LENGTH} bytes, {@code v} up to {@value #MAX_CLIENT_LENGTH} bytes) and checks each known
 * field's type and range, throwing {@link ExtensionProtocolException}. {@code metadata_size} is only checked to be
 * non-negative: it is a hint the session compares with its own limit (HARDENING: ignore hints above 16 MiB).
 *
 * <p>Immutable and thread-safe; holds no buffers.
 *
 * @param messages     {@code m}: extension name → the id the sender wants to receive it under (0 = disabled)
 * @param port         {@code p}: the sender's TCP listen port
 * @param client       {@code v}: client name and version (UTF-8)
 * @param requestQueue {@code reqq}: how many outstanding requests the sender accepts
 * @param yourIp       {@code yourip}: our address as the sender sees it (4 or 16 bytes on the wire)
 * @param ipv4         {@code ipv4}: the sender's IPv4 address
 * @param ipv6         {@code ipv6}: the sender's IPv6 address
 * @param metadataSize {@code metadata_size} (BEP 9): size of the info dictionary in bytes
 * @param uploadOnly   {@code upload_only} (libtorrent, BEP 21): the sender only uploads
 * @param completeAgo  {@code complete_ago} (libtorrent): seconds since the sender last completed the torrent
 * @param encryption   {@code e}: the sender prefers encrypted connections
 * @param extra        every other key, as decoded
 */
public record ExtensionHandshake(
        Map<String, Integer> messages,
        Integer port,
        String client,
        Integer requestQueue,
        InetAddress yourIp,
        Inet4Address ipv4,
        Inet6Address ipv6,
        Long metadataSize,
        Boolean uploadOnly,
        Long completeAgo,
        Boolean encryption,
        BDict extra) {

    /** Most extension names accepted in {@code m}. */
    public static final int MAX_MESSAGES = 128;
    /** Longest extension name accepted, in bytes. */
    public static final int MAX_NAME_LENGTH = 128;
    /** Longest client name ({@code v}) accepted, in bytes. */
    public static final int MAX_CLIENT_LENGTH = 256;

    private static final Set<String> KNOWN_KEYS = Set.of("m", "p", "v", "reqq", "yourip", "ipv4", "ipv6",
            "metadata_size", "upload_only", "complete_ago", "e");

    public ExtensionHandshake {
        Map<String, Integer> copy = new TreeMap<>();
        for (Map.Entry<String, Integer> e : messages.entrySet()) {
            int id = Objects.requireNonNull(e.getValue(), "id");
            if (id < 0 || id > 0xff) {
                throw new IllegalArgumentException("extension " + e.getKey() + " with id " + id);
            }
            copy.put(Objects.requireNonNull(e.getKey(), "name"), id);
        }
        messages = Collections.unmodifiableMap(copy);
        if (port != null && (port < 0 || port > 0xffff)) {
            throw new IllegalArgumentException("port " + port);
        }
        if (requestQueue != null && requestQueue < 0) {
            throw new IllegalArgumentException("reqq " + requestQueue);
        }
        if (metadataSize != null && metadataSize < 0) {
            throw new IllegalArgumentException("metadata_size " + metadataSize);
        }
        BDict.Builder rest = BDict.builder();
        if (extra != null) {
            rest.putAll(extra);
        }
        for (String k : KNOWN_KEYS) {
            rest.remove(k);
        }
        extra = rest.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this handshake's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.messages.putAll(messages);
        b.port = port;
        b.client = client;
        b.requestQueue = requestQueue;
        b.yourIp = yourIp;
        b.ipv4 = ipv4;
        b.ipv6 = ipv6;
        b.metadataSize = metadataSize;
        b.uploadOnly = uploadOnly;
        b.completeAgo = completeAgo;
        b.encryption = encryption;
        b.extra = extra;
        return b;
    }

    /** The id under which the sender wants extension {@code name}, or 0 if it is absent or disabled. */
    public int messageId(String name) {
        Integer id = messages.get(name);
        return id == null ? 0 : id;
    }

    /**
     * Decodes the readable bytes of {@code payload} (an {@code extended} message with id 0) without changing its
     * indices; the caller keeps ownership of {@code payload}.
     *
     * @throws ExtensionProtocolException if the payload is malformed or breaks a limit
     */
    public static ExtensionHandshake decode(ByteBuf payload) {
        return decode(ByteBufUtil.getBytes(payload));
    }

    /** Decodes a bencoded extension handshake; see {@link #decode(ByteBuf)}. */
    public static ExtensionHandshake decode(byte[] payload) {
        // Bytes after the dictionary are ignored, as libtorrent does: they harm nothing.
        BDict d = Payloads.dict(Payloads.decodePrefix(payload).value(), "extension handshake");
        Builder b = new Builder();
        BValue m = d.get("m");
        if (m != null) {
            BDict md = Payloads.dict(m, "'m'");
            if (md.size() > MAX_MESSAGES) {
                throw new ExtensionProtocolException(Reason.TOO_MANY_ENTRIES, "'m' has " + md.size() + " entries, limit " + MAX_MESSAGES);
            }
            for (Map.Entry<BBytes, BValue> e : md.entries().entrySet()) {
                if (e.getKey().length() > MAX_NAME_LENGTH) {
                    throw new ExtensionProtocolException(Reason.STRING_TOO_LONG, "extension name of " + e.getKey().length() + " bytes");
                }
                if (!(e.getValue() instanceof BInt id)) {
                    throw Payloads.wrongType("m/" + e.getKey(), "an integer");
                }
                b.messages.put(e.getKey().asString(), Payloads.intInRange(id.value(), 0, 0xff, "m/" + e.getKey()));
            }
        }
        Long port = Payloads.optLong(d, "p");
        if (port != null) {
            b.port = Payloads.intInRange(port, 0, 0xffff, "p");
        }
        BBytes v = Payloads.optBytes(d, "v");
        if (v != null) {
            if (v.length() > MAX_CLIENT_LENGTH) {
                throw new ExtensionProtocolException(Reason.STRING_TOO_LONG, "'v' of " + v.length() + " bytes");
            }
            b.client = v.asString();
        }
        Long reqq = Payloads.optLong(d, "reqq");
        if (reqq != null) {
            b.requestQueue = Payloads.intInRange(reqq, 0, Integer.MAX_VALUE, "reqq");
        }
        BBytes yourIp = Payloads.optBytes(d, "yourip");
        if (yourIp != null) {
            b.yourIp = address(yourIp, "yourip", true, true);
        }
        BBytes ipv4 = Payloads.optBytes(d, "ipv4");
        if (ipv4 != null) {
            b.ipv4 = (Inet4Address) address(ipv4, "ipv4", true, false);
        }
        BBytes ipv6 = Payloads.optBytes(d, "ipv6");
        if (ipv6 != null) {
            b.ipv6 = (Inet6Address) address(ipv6, "ipv6", false, true);
        }
        Long metadataSize = Payloads.optLong(d, "metadata_size");
        if (metadataSize != null) {
            if (metadataSize < 0) {
                throw new ExtensionProtocolException(Reason.INVALID_VALUE, "negative metadata_size " + metadataSize);
            }
            b.metadataSize = metadataSize;
        }
        Long uploadOnly = Payloads.optLong(d, "upload_only");
        if (uploadOnly != null) {
            b.uploadOnly = uploadOnly != 0;
        }
        b.completeAgo = Payloads.optLong(d, "complete_ago");
        Long e = Payloads.optLong(d, "e");
        if (e != null) {
            b.encryption = e != 0;
        }
        b.extra = d;
        return b.build();
    }

    private static InetAddress address(BBytes b, String key, boolean v4, boolean v6) {
        int n = b.length();
        if (!((v4 && n == 4) || (v6 && n == 16))) {
            throw new ExtensionProtocolException(Reason.INVALID_VALUE, "'" + key + "' of " + n + " bytes");
        }
        return Payloads.address(b.bytes(), 0, n);
    }

    /** The bencoded dictionary: {@link #extra()} plus every non-null field. */
    public BDict toDict() {
        BDict.Builder b = BDict.builder().putAll(extra);
        BDict.Builder m = BDict.builder();
        for (Map.Entry<String, Integer> e : messages.entrySet()) {
            m.put(e.getKey(), e.getValue());
        }
        b.put("m", m.build());
        if (port != null) {
            b.put("p", port);
        }
        if (client != null) {
            b.put("v", client);
        }
        if (requestQueue != null) {
            b.put("reqq", requestQueue);
        }
        if (yourIp != null) {
            b.put("yourip", Payloads.raw(yourIp));
        }
        if (ipv4 != null) {
            b.put("ipv4", Payloads.raw(ipv4));
        }
        if (ipv6 != null) {
            b.put("ipv6", Payloads.raw(ipv6));
        }
        if (metadataSize != null) {
            b.put("metadata_size", metadataSize);
        }
        if (uploadOnly != null) {
            b.put("upload_only", uploadOnly ? 1 : 0);
        }
        if (completeAgo != null) {
            b.put("complete_ago", completeAgo);
        }
        if (encryption != null) {
            b.put("e", encryption ? 1 : 0);
        }
        return b.build();
    }

    /** The canonical bencoding of {@link #toDict()}. */
    public byte[] encode() {
        return BencodeEncoder.encode(toDict());
    }

    /** An {@code extended} message with id 0 carrying this handshake, over a new unpooled buffer. */
    public PeerMessage.Extended toMessage() {
        return new PeerMessage.Extended(PeerMessage.Extended.HANDSHAKE_ID, Unpooled.wrappedBuffer(encode()));
    }

    /** Mutable builder; not thread-safe. Every field starts absent. */
    public static final class Builder {
        private final Map<String, Integer> messages = new LinkedHashMap<>();
        private Integer port;
        private String client;
        private Integer requestQueue;
        private InetAddress yourIp;
        private Inet4Address ipv4;
        private Inet6Address ipv6;
        private Long metadataSize;
        private Boolean uploadOnly;
        private Long completeAgo;
        private Boolean encryption;
        private BDict extra;

        private Builder() {
        }

        /** Adds or replaces one entry of {@code m}; id 0 announces the extension as disabled. */
        public Builder message(String name, int id) {
            messages.put(name, id);
            return this;
        }

        public Builder port(Integer port) {
            this.port = port;
            return this;
        }

        public Builder client(String client) {
            this.client = client;
            return this;
        }

        public Builder requestQueue(Integer requestQueue) {
            this.requestQueue = requestQueue;
            return this;
        }

        public Builder yourIp(InetAddress yourIp) {
            this.yourIp = yourIp;
            return this;
        }

        public Builder ipv4(Inet4Address ipv4) {
            this.ipv4 = ipv4;
            return this;
        }

        public Builder ipv6(Inet6Address ipv6) {
            this.ipv6 = ipv6;
            return this;
        }

        public Builder metadataSize(Long metadataSize) {
            this.metadataSize = metadataSize;
            return this;
        }

        public Builder uploadOnly(Boolean uploadOnly) {
            this.uploadOnly = uploadOnly;
            return this;
        }

        public Builder completeAgo(Long completeAgo) {
            this.completeAgo = completeAgo;
            return this;
        }

        public Builder encryption(Boolean encryption) {
            this.encryption = encryption;
            return this;
        }

        /** Other keys to send (known keys in it are ignored: the typed fields win). */
        public Builder extra(BDict extra) {
            this.extra = extra;
            return this;
        }

        public ExtensionHandshake build() {
            return new ExtensionHandshake(messages, port, client, requestQueue, yourIp, ipv4, ipv6, metadataSize,
                    uploadOnly, completeAgo, encryption, extra);
        }
    }
}
