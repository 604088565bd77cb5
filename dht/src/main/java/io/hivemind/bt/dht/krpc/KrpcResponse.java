package io.hivemind.bt.dht.krpc;

import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.wire.bencode.BValue;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A KRPC response ({@code "y": "r"}). Responses do not name their method on the wire, so one record holds every
 * field any method may return; absent fields are null (lists are empty, never null).
 *
 * @param transactionId echoed transaction id
 * @param id            the responder's id
 * @param ip            BEP 42 top-level {@code ip}: the requester's address as the responder saw it, or null
 * @param nodes         compact IPv4 nodes ({@code nodes})
 * @param nodes6        compact IPv6 nodes ({@code nodes6}, BEP 32)
 * @param token         write token from {@code get_peers} or {@code get}, or null
 * @param values        peers from {@code get_peers} ({@code values})
 * @param v             BEP 44 item value, or null
 * @param k             BEP 44 public key of a mutable item, or null
 * @param seq           BEP 44 sequence number, or null
 * @param sig           BEP 44 signature, or null
 * @param samples       BEP 51 sampled info-hashes, or null when the key was absent
 * @param num           BEP 51 number of info-hashes stored, or -1
 * @param interval      BEP 51 refresh interval in seconds, or -1
 */
public record KrpcResponse(byte[] transactionId, NodeId id, InetSocketAddress ip, List<NodeInfo> nodes,
                           List<NodeInfo> nodes6, byte[] token, List<InetSocketAddress> values, BValue v, byte[] k,
                           Long seq, byte[] sig, List<NodeId> samples, long num, long interval)
        implements KrpcMessage {

    public KrpcResponse {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        nodes6 = nodes6 == null ? List.of() : List.copyOf(nodes6);
        values = values == null ? List.of() : List.copyOf(values);
        samples = samples == null ? null : List.copyOf(samples);
    }

    /** A builder for a response with id {@code id} answering transaction {@code tid}. */
    public static Builder builder(byte[] tid, NodeId id) {
        return new Builder(tid, id);
    }

    /** All nodes of both families. */
    public List<NodeInfo> allNodes() {
        if (nodes6.isEmpty()) {
            return nodes;
        }
        if (nodes.isEmpty()) {
            return nodes6;
        }
        var all = new java.util.ArrayList<NodeInfo>(nodes.size() + nodes6.size());
        all.addAll(nodes);
        all.addAll(nodes6);
        return all;
    }

    /** Mutable builder. Not thread-safe. */
    public static final class Builder {
        private final byte[] tid;
        private final NodeId id;
        private InetSocketAddress ip;
        private List<NodeInfo> nodes;
        private List<NodeInfo> nodes6;
        private byte[] token;
        private List<InetSocketAddress> values;
        private BValue v;
        private byte[] k;
        private Long seq;
        private byte[] sig;
        private List<NodeId> samples;
        private long num = -1;
        private long interval = -1;

        private Builder(byte[] tid, NodeId id) {
            this.tid = tid;
            this.id = id;
        }

        public Builder ip(InetSocketAddress ip) {
            this.ip = ip;
            return this;
        }

        public Builder nodes(List<NodeInfo> nodes) {
            this.nodes = nodes;
            return this;
        }

        public Builder nodes6(List<NodeInfo> nodes6) {
            this.nodes6 = nodes6;
            return this;
        }

        public Builder token(byte[] token) {
            this.token = token;
            return this;
        }

        public Builder values(List<InetSocketAddress> values) {
            this.values = values;
            return this;
        }

        /** An immutable item's value, or a mutable one's with its key, sequence number and signature. */
        public Builder item(BValue v, byte[] k, Long seq, byte[] sig) {
            this.v = v;
            this.k = k;
            this.seq = seq;
            this.sig = sig;
            return this;
        }

        /** Only the sequence number of a stored mutable item (BEP 44 get with a {@code seq} not exceeded). */
        public Builder seq(Long seq) {
            this.seq = seq;
            return this;
        }

        public Builder samples(List<NodeId> samples, long num, long interval) {
            this.samples = samples;
            this.num = num;
            this.interval = interval;
            return this;
        }

        public KrpcResponse build() {
            return new KrpcResponse(tid, id, ip, nodes, nodes6, token, values, v, k, seq, sig, samples, num,
                    interval);
        }
    }
}
