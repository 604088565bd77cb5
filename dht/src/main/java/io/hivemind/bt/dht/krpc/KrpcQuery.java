package io.hivemind.bt.dht.krpc;

import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.wire.bencode.BValue;

/**
 * A KRPC query ({@code "y": "q"}). One record per method of BEP 5 (ping, find_node, get_peers, announce_peer),
 * BEP 44 (get, put) and BEP 51 (sample_infohashes); any other method is kept as {@link Unknown} (an open enum):
 * BEP 5's forward-compatibility rule answers it like {@code find_node} when it carries a target.
 *
 * <p>Every query carries the sender's id and the BEP 43 read-only flag ({@code "ro": 1}).
 */
public sealed interface KrpcQuery extends KrpcMessage {

    /** The id of the querying node ({@code a.id}). */
    NodeId id();

    /** BEP 43: the sender is read-only and must not be added to routing tables. */
    boolean readOnly();

    /** The method name as it appears in {@code q}. */
    String method();

    /** {@code ping}. */
    record Ping(byte[] transactionId, NodeId id, boolean readOnly) implements KrpcQuery {
        @Override
        public String method() {
            return "ping";
        }
    }

    /** {@code find_node} with an optional BEP 32 {@code want} ({@link Want} flags). */
    record FindNode(byte[] transactionId, NodeId id, boolean readOnly, NodeId target, int want) implements KrpcQuery {
        @Override
        public String method() {
            return "find_node";
        }
    }

    /** {@code get_peers}. */
    record GetPeers(byte[] transactionId, NodeId id, boolean readOnly, NodeId infoHash, int want)
            implements KrpcQuery {
        @Override
        public String method() {
            return "get_peers";
        }
    }

    /**
     * {@code announce_peer}: the sender is a peer of {@code infoHash} on {@code port} (or on the source port of the
     * packet when {@code impliedPort}), proven by a {@code token} from an earlier {@code get_peers}.
     */
    record AnnouncePeer(byte[] transactionId, NodeId id, boolean readOnly, NodeId infoHash, int port,
                        boolean impliedPort, byte[] token) implements KrpcQuery {
        @Override
        public String method() {
            return "announce_peer";
        }
    }

    /** BEP 44 {@code get}; {@code seq} is the optional "only if newer than" ({@code null} when absent). */
    record Get(byte[] transactionId, NodeId id, boolean readOnly, NodeId target, Long seq, int want)
            implements KrpcQuery {
        @Override
        public String method() {
            return "get";
        }
    }

    /**
     * BEP 44 {@code put}. Immutable when {@code k} is null; otherwise a mutable item signed by {@code k} over
     * {@code salt}/{@code seq}/{@code v}, with an optional compare-and-swap {@code cas} ({@code null} when absent).
     * {@code salt} is empty (never null) when absent. {@code v} is canonical bencode (the codec checks).
     */
    record Put(byte[] transactionId, NodeId id, boolean readOnly, byte[] token, BValue v, byte[] k, byte[] salt,
               long seq, byte[] sig, Long cas) implements KrpcQuery {
        @Override
        public String method() {
            return "put";
        }

        /** True for a mutable item (one with a public key). */
        public boolean mutable() {
            return k != null;
        }
    }

    /** BEP 51 {@code sample_infohashes}. */
    record SampleInfohashes(byte[] transactionId, NodeId id, boolean readOnly, NodeId target, int want)
            implements KrpcQuery {
        @Override
        public String method() {
            return "sample_infohashes";
        }
    }

    /** Any other method; {@code target} is its {@code target} or {@code info_hash} argument, or null. */
    record Unknown(byte[] transactionId, NodeId id, boolean readOnly, String method, NodeId target, int want)
            implements KrpcQuery {
    }
}
