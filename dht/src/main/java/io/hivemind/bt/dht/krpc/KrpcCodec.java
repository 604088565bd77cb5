package io.hivemind.bt.dht.krpc;

import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.dht.krpc.KrpcException.Reason;
import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BInt;
import io.hivemind.bt.wire.bencode.BList;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import io.hivemind.bt.wire.bencode.BencodeEncoder;
import io.hivemind.bt.wire.bencode.BencodeException;
import io.hivemind.bt.wire.bencode.BencodeLimits;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pure encoder and decoder between KRPC messages and UDP payloads (BEP 5, 32, 42, 43, 44, 51).
 *
 * <p>Decoding goes through {@link BencodeDecoder} with {@link BencodeLimits#KRPC} (depth ≤ 10, ≤ 500 values,
 * ≤ 1,500 bytes), then checks every field the method needs: lengths of ids (20), keys (32), signatures (64),
 * compact nodes (multiples of 26/38), transaction ids (≤ {@value #MAX_TRANSACTION_ID}) and tokens
 * (≤ {@value #MAX_TOKEN}), and ports. Unknown keys are ignored and unknown query methods are kept, as BEP 5's
 * forward compatibility asks. A BEP 44 {@code v} must be canonical bencode: its signature and hash are computed
 * over its bytes, and only canonical bencode re-encodes to the same bytes.
 *
 * <p>Stateless and thread-safe. Works on {@code byte[]}; the Netty handler copies a datagram's content out and
 * releases the packet itself.
 */
public final class KrpcCodec {
    /** Largest transaction id accepted. */
    public static final int MAX_TRANSACTION_ID = 16;
    /** Largest token accepted. */
    public static final int MAX_TOKEN = 64;
    /** BEP 44: largest encoded {@code v}. */
    public static final int MAX_ITEM_VALUE = 1000;
    /** Our client version, sent as the top-level {@code v} (two letters and two version bytes). */
    private static final byte[] VERSION = {'H', 'B', 0, 1};

    private KrpcCodec() {
    }

    // ------------------------------------------------------------------------------------------------ encode

    /** The UDP payload of {@code message}. */
    public static byte[] encode(KrpcMessage message) {
        return BencodeEncoder.encode(toBencode(message));
    }

    /** The bencoded dictionary of {@code message}. */
    public static BDict toBencode(KrpcMessage message) {
        BDict.Builder top = BDict.builder().put("t", message.transactionId()).put("v", VERSION);
        switch (message) {
            case KrpcQuery q -> {
                top.put("y", "q").put("q", q.method()).put("a", arguments(q));
                if (q.readOnly()) {
                    top.put("ro", 1);
                }
            }
            case KrpcResponse r -> {
                top.put("y", "r").put("r", results(r));
                if (r.ip() != null) {
                    top.put("ip", Compact.peer(r.ip()));
                }
            }
            case KrpcError e -> top.put("y", "e").put("e", BList.of(BInt.of(e.code()), BBytes.of(e.message())));
        }
        return top.build();
    }

    private static BDict arguments(KrpcQuery q) {
        BDict.Builder a = BDict.builder().put("id", q.id().toBytes());
        switch (q) {
            case KrpcQuery.Ping p -> {
            }
            case KrpcQuery.FindNode f -> {
                a.put("target", f.target().toBytes());
                want(a, f.want());
            }
            case KrpcQuery.GetPeers g -> {
                a.put("info_hash", g.infoHash().toBytes());
                want(a, g.want());
            }
            case KrpcQuery.AnnouncePeer ap -> {
                a.put("info_hash", ap.infoHash().toBytes()).put("port", ap.port()).put("token", ap.token());
                if (ap.impliedPort()) {
                    a.put("implied_port", 1);
                }
            }
            case KrpcQuery.Get g -> {
                a.put("target", g.target().toBytes());
                if (g.seq() != null) {
                    a.put("seq", g.seq());
                }
                want(a, g.want());
            }
            case KrpcQuery.Put p -> {
                a.put("token", p.token()).put("v", p.v());
                if (p.k() != null) {
                    a.put("k", p.k()).put("seq", p.seq()).put("sig", p.sig());
                    if (p.salt() != null && p.salt().length > 0) {
                        a.put("salt", p.salt());
                    }
                    if (p.cas() != null) {
                        a.put("cas", p.cas());
                    }
                }
            }
            case KrpcQuery.SampleInfohashes s -> {
                a.put("target", s.target().toBytes());
                want(a, s.want());
            }
            case KrpcQuery.Unknown u -> {
                if (u.target() != null) {
                    a.put("target", u.target().toBytes());
                }
                want(a, u.want());
            }
        }
        return a.build();
    }

    private static void want(BDict.Builder a, int want) {
        if (want == Want.DEFAULT) {
            return;
        }
        List<BValue> w = new ArrayList<>(2);
        if ((want & Want.N4) != 0) {
            w.add(BBytes.of("n4"));
        }
        if ((want & Want.N6) != 0) {
            w.add(BBytes.of("n6"));
        }
        a.put("want", new BList(w));
    }

    private static BDict results(KrpcResponse r) {
        BDict.Builder d = BDict.builder().put("id", r.id().toBytes());
        if (!r.nodes().isEmpty()) {
            d.put("nodes", Compact.nodes(r.nodes(), false));
        }
        if (!r.nodes6().isEmpty()) {
            d.put("nodes6", Compact.nodes(r.nodes6(), true));
        }
        if (r.token() != null) {
            d.put("token", r.token());
        }
        if (!r.values().isEmpty()) {
            List<BValue> values = new ArrayList<>(r.values().size());
            for (InetSocketAddress a : r.values()) {
                values.add(BBytes.of(Compact.peer(a)));
            }
            d.put("values", new BList(values));
        }
        if (r.v() != null) {
            d.put("v", r.v());
        }
        if (r.k() != null) {
            d.put("k", r.k());
        }
        if (r.seq() != null) {
            d.put("seq", r.seq());
        }
        if (r.sig() != null) {
            d.put("sig", r.sig());
        }
        if (r.samples() != null) {
            byte[] s = new byte[r.samples().size() * NodeId.LENGTH];
            for (int i = 0; i < r.samples().size(); i++) {
                r.samples().get(i).writeTo(s, i * NodeId.LENGTH);
            }
            d.put("samples", s).put("num", r.num()).put("interval", r.interval());
        }
        return d.build();
    }

    // ------------------------------------------------------------------------------------------------ decode

    /** Decodes a whole UDP payload. */
    public static KrpcMessage decode(byte[] packet) {
        return decode(packet, 0, packet.length);
    }

    /**
     * Decodes {@code packet[offset, offset+length)}.
     *
     * @throws KrpcException with a {@link Reason}; {@link KrpcException#transactionId()} is set when the packet was
     *                       a query that could be read far enough to answer with an error
     */
    public static KrpcMessage decode(byte[] packet, int offset, int length) {
        BValue top;
        try {
            top = BencodeDecoder.decode(packet, offset, length, BencodeLimits.KRPC);
        } catch (BencodeException e) {
            throw new KrpcException(Reason.MALFORMED_BENCODE, "not KRPC bencode: " + e.getMessage(), null, e);
        }
        if (!(top instanceof BDict d)) {
            throw new KrpcException(Reason.NOT_A_DICT, "top-level value is not a dictionary");
        }
        byte[] tid = bytes(d, "t", true).bytes();
        if (tid.length > MAX_TRANSACTION_ID) {
            throw new KrpcException(Reason.BAD_LENGTH, "transaction id of " + tid.length + " bytes");
        }
        BBytes y = bytes(d, "y", true);
        if (y.length() != 1) {
            throw new KrpcException(Reason.UNKNOWN_TYPE, "message type " + y);
        }
        return switch (y.byteAt(0)) {
            case 'q' -> {
                try {
                    yield query(d, tid, packet);
                } catch (KrpcException e) {
                    throw e.forQuery(tid);
                }
            }
            case 'r' -> response(d, tid, packet);
            case 'e' -> error(d, tid);
            default -> throw new KrpcException(Reason.UNKNOWN_TYPE, "message type " + y);
        };
    }

    private static KrpcQuery query(BDict d, byte[] tid, byte[] packet) {
        String method = bytes(d, "q", true).asString();
        BDict a = dict(d, "a");
        NodeId id = id(a, "id", true);
        boolean ro = integer(d, "ro", false, 0) == 1;
        return switch (method) {
            case "ping" -> new KrpcQuery.Ping(tid, id, ro);
            case "find_node" -> new KrpcQuery.FindNode(tid, id, ro, id(a, "target", true), want(a));
            case "get_peers" -> new KrpcQuery.GetPeers(tid, id, ro, id(a, "info_hash", true), want(a));
            case "announce_peer" -> {
                boolean implied = integer(a, "implied_port", false, 0) == 1;
                long port = integer(a, "port", !implied, 0);
                if (port < 0 || port > 65535 || (!implied && port == 0)) {
                    throw new KrpcException(Reason.BAD_VALUE, "port " + port);
                }
                yield new KrpcQuery.AnnouncePeer(tid, id, ro, id(a, "info_hash", true), (int) port, implied,
                        token(a));
            }
            case "get" -> {
                Long seq = a.containsKey("seq") ? integer(a, "seq", true, 0) : null;
                yield new KrpcQuery.Get(tid, id, ro, id(a, "target", true), seq, want(a));
            }
            case "put" -> put(a, tid, id, ro, packet);
            case "sample_infohashes" ->
                    new KrpcQuery.SampleInfohashes(tid, id, ro, id(a, "target", true), want(a));
            default -> {
                NodeId target = id(a, "target", false);
                if (target == null) {
                    target = id(a, "info_hash", false);
                }
                yield new KrpcQuery.Unknown(tid, id, ro, method, target, want(a));
            }
        };
    }

    private static KrpcQuery.Put put(BDict a, byte[] tid, NodeId id, boolean ro, byte[] packet) {
        byte[] token = token(a);
        BValue v = value(a, packet);
        if (v == null) {
            throw new KrpcException(Reason.MISSING_FIELD, "missing 'v'");
        }
        BBytes k = bytes(a, "k", false);
        if (k == null) {
            return new KrpcQuery.Put(tid, id, ro, token, v, null, new byte[0], 0, null, null);
        }
        if (k.length() != 32) {
            throw new KrpcException(Reason.BAD_LENGTH, "'k' is " + k.length() + " bytes, not 32");
        }
        BBytes sig = bytes(a, "sig", true);
        if (sig.length() != 64) {
            throw new KrpcException(Reason.BAD_LENGTH, "'sig' is " + sig.length() + " bytes, not 64");
        }
        long seq = integer(a, "seq", true, 0);
        if (seq < 0) {
            throw new KrpcException(Reason.BAD_VALUE, "negative seq " + seq);
        }
        BBytes salt = bytes(a, "salt", false);
        Long cas = a.containsKey("cas") ? integer(a, "cas", true, 0) : null;
        return new KrpcQuery.Put(tid, id, ro, token, v, k.bytes(), salt == null ? new byte[0] : salt.bytes(), seq,
                sig.bytes(), cas);
    }

    private static KrpcResponse response(BDict d, byte[] tid, byte[] packet) {
        BDict r = dict(d, "r");
        KrpcResponse.Builder b = KrpcResponse.builder(tid, id(r, "id", true));
        BBytes ip = bytes(d, "ip", false);
        if (ip != null) {
            byte[] raw = ip.bytes();
            b.ip(Compact.parsePeer(raw, 0, raw.length)); // null for another length: ignored
        }
        BBytes nodes = bytes(r, "nodes", false);
        if (nodes != null) {
            b.nodes(Compact.parseNodes(nodes.bytes(), false, "nodes"));
        }
        BBytes nodes6 = bytes(r, "nodes6", false);
        if (nodes6 != null) {
            b.nodes6(Compact.parseNodes(nodes6.bytes(), true, "nodes6"));
        }
        BBytes token = bytes(r, "token", false);
        if (token != null) {
            if (token.length() > MAX_TOKEN) {
                throw new KrpcException(Reason.BAD_LENGTH, "token of " + token.length() + " bytes");
            }
            b.token(token.bytes());
        }
        BList values = list(r, "values");
        if (values != null) {
            List<InetSocketAddress> peers = new ArrayList<>(values.size());
            for (BValue v : values.values()) {
                if (v instanceof BBytes p) {
                    byte[] raw = p.bytes();
                    InetSocketAddress a = Compact.parsePeer(raw, 0, raw.length);
                    if (a != null && a.getPort() != 0) {
                        peers.add(a);
                    }
                }
            }
            b.values(peers);
        }
        BValue v = value(r, packet);
        BBytes k = bytes(r, "k", false);
        BBytes sig = bytes(r, "sig", false);
        Long seq = r.containsKey("seq") ? integer(r, "seq", true, 0) : null;
        if (k != null && k.length() != 32) {
            throw new KrpcException(Reason.BAD_LENGTH, "'k' is " + k.length() + " bytes, not 32");
        }
        if (sig != null && sig.length() != 64) {
            throw new KrpcException(Reason.BAD_LENGTH, "'sig' is " + sig.length() + " bytes, not 64");
        }
        b.item(v, k == null ? null : k.bytes(), seq, sig == null ? null : sig.bytes());
        BBytes samples = bytes(r, "samples", false);
        if (samples != null) {
            if (samples.length() % NodeId.LENGTH != 0) {
                throw new KrpcException(Reason.BAD_LENGTH, "'samples' is " + samples.length() + " bytes");
            }
            byte[] raw = samples.bytes();
            List<NodeId> list = new ArrayList<>(raw.length / NodeId.LENGTH);
            for (int i = 0; i < raw.length; i += NodeId.LENGTH) {
                list.add(NodeId.of(raw, i));
            }
            b.samples(list, integer(r, "num", false, -1), integer(r, "interval", false, -1));
        }
        return b.build();
    }

    private static KrpcError error(BDict d, byte[] tid) {
        BValue e = d.get("e");
        int code = KrpcError.GENERIC;
        String message = "";
        if (e instanceof BList l) {
            if (!l.values().isEmpty() && l.get(0) instanceof BInt c) {
                code = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, c.value()));
            }
            if (l.size() > 1 && l.get(1) instanceof BBytes m) {
                message = m.asString();
            }
        } else if (e == null) {
            throw new KrpcException(Reason.MISSING_FIELD, "missing 'e'");
        } else {
            throw new KrpcException(Reason.WRONG_TYPE, "'e' is not a list");
        }
        return new KrpcError(tid, code, message);
    }

    /**
     * The BEP 44 {@code v} of a dictionary. Its bytes must be canonical bencode: its signature and hash are over
     * the bytes the sender sent, and only canonical bencode re-encodes to those bytes.
     */
    private static BValue value(BDict dict, byte[] packet) {
        BValue v = dict.get("v");
        if (v == null) {
            return null;
        }
        if (!canonical(v, packet)) {
            throw new KrpcException(Reason.NON_CANONICAL_VALUE, "'v' is not canonical bencode");
        }
        return v;
    }

    /**
     * True when every dictionary inside {@code v} was decoded from its canonical bytes. Strings and integers are
     * always canonical once decoded (the decoder rejects leading zeros); the lenient packet decoder accepts
     * unsorted and duplicate keys, which this catches by comparing each outermost dictionary's source bytes with
     * its re-encoding.
     */
    private static boolean canonical(BValue v, byte[] packet) {
        return switch (v) {
            case BDict d -> {
                if (d.sourceStart() < 0) {
                    yield true;
                }
                byte[] enc = d.encode();
                yield Arrays.equals(packet, d.sourceStart(), d.sourceEnd(), enc, 0, enc.length);
            }
            case BList l -> {
                for (BValue x : l.values()) {
                    if (!canonical(x, packet)) {
                        yield false;
                    }
                }
                yield true;
            }
            default -> true;
        };
    }

    // ------------------------------------------------------------------------------------------------ fields

    private static byte[] token(BDict a) {
        BBytes t = bytes(a, "token", true);
        if (t.length() > MAX_TOKEN) {
            throw new KrpcException(Reason.BAD_LENGTH, "token of " + t.length() + " bytes");
        }
        return t.bytes();
    }

    private static int want(BDict a) {
        BList w = list(a, "want");
        if (w == null) {
            return Want.DEFAULT;
        }
        int flags = 0;
        for (BValue v : w.values()) {
            if (v instanceof BBytes b) {
                if (b.contentEquals("n4")) {
                    flags |= Want.N4;
                } else if (b.contentEquals("n6")) {
                    flags |= Want.N6;
                }
            }
        }
        return flags;
    }

    private static NodeId id(BDict d, String key, boolean required) {
        BBytes b = bytes(d, key, required);
        if (b == null) {
            return null;
        }
        if (b.length() != NodeId.LENGTH) {
            throw new KrpcException(Reason.BAD_LENGTH, "'" + key + "' is " + b.length() + " bytes, not 20");
        }
        return NodeId.of(b.bytes());
    }

    private static BBytes bytes(BDict d, String key, boolean required) {
        BValue v = d.get(key);
        if (v == null) {
            if (required) {
                throw new KrpcException(Reason.MISSING_FIELD, "missing '" + key + "'");
            }
            return null;
        }
        if (!(v instanceof BBytes b)) {
            throw new KrpcException(Reason.WRONG_TYPE, "'" + key + "' is not a string");
        }
        return b;
    }

    private static long integer(BDict d, String key, boolean required, long fallback) {
        BValue v = d.get(key);
        if (v == null) {
            if (required) {
                throw new KrpcException(Reason.MISSING_FIELD, "missing '" + key + "'");
            }
            return fallback;
        }
        if (!(v instanceof BInt i)) {
            throw new KrpcException(Reason.WRONG_TYPE, "'" + key + "' is not an integer");
        }
        return i.value();
    }

    private static BDict dict(BDict d, String key) {
        BValue v = d.get(key);
        if (v == null) {
            throw new KrpcException(Reason.MISSING_FIELD, "missing '" + key + "'");
        }
        if (!(v instanceof BDict x)) {
            throw new KrpcException(Reason.WRONG_TYPE, "'" + key + "' is not a dictionary");
        }
        return x;
    }

    private static BList list(BDict d, String key) {
        BValue v = d.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof BList l)) {
            throw new KrpcException(Reason.WRONG_TYPE, "'" + key + "' is not a list");
        }
        return l;
    }
}
