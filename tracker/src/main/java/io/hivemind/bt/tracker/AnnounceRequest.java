package io.hivemind.bt.tracker;

import io.hivemind.bt.wire.internal.Hex;
import java.util.Arrays;
import java.util.Objects;

/**
 * One announce to one tracker (BEP 3, BEP 15): which swarm, who we are, how far we got, and what happened.
 *
 * <p>For a hybrid torrent (BEP 52) the session announces twice, once with the v1 info-hash and once with the
 * truncated v2 info-hash; {@link TrackerSession} does that by itself.
 *
 * <p>Immutable and thread-safe; byte arrays are copied in and out.
 */
public final class AnnounceRequest {
    /** BEP 15's "default" {@code num_want}; HTTP omits the parameter. */
    public static final int NUMWANT_DEFAULT = -1;

    private final byte[] infoHash;
    private final byte[] peerId;
    private final int port;
    private final long uploaded;
    private final long downloaded;
    private final long left;
    private final AnnounceEvent event;
    private final int numWant;
    private final int key;
    private final String trackerId;

    private AnnounceRequest(Builder b) {
        this.infoHash = check20(b.infoHash, "infoHash");
        this.peerId = check20(b.peerId, "peerId");
        if (b.port < 0 || b.port > 65535) {
            throw new IllegalArgumentException("port " + b.port + " outside 0..65535");
        }
        if (b.uploaded < 0 || b.downloaded < 0 || b.left < 0) {
            throw new IllegalArgumentException("uploaded, downloaded and left must be >= 0");
        }
        if (b.numWant < -1) {
            throw new IllegalArgumentException("numWant " + b.numWant + " < -1");
        }
        this.port = b.port;
        this.uploaded = b.uploaded;
        this.downloaded = b.downloaded;
        this.left = b.left;
        this.event = Objects.requireNonNull(b.event, "event");
        this.numWant = b.numWant;
        this.key = b.key;
        this.trackerId = b.trackerId;
    }

    private static byte[] check20(byte[] bytes, String name) {
        Objects.requireNonNull(bytes, name);
        if (bytes.length != 20) {
            throw new IllegalArgumentException(name + " must be 20 bytes, got " + bytes.length);
        }
        return bytes.clone();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.infoHash = infoHash;
        b.peerId = peerId;
        b.port = port;
        b.uploaded = uploaded;
        b.downloaded = downloaded;
        b.left = left;
        b.event = event;
        b.numWant = numWant;
        b.key = key;
        b.trackerId = trackerId;
        return b;
    }

    /** A copy of the 20-byte info-hash (v1, or v2 truncated to 20 bytes). */
    public byte[] infoHash() {
        return infoHash.clone();
    }

    /** A copy of the 20-byte peer id. */
    public byte[] peerId() {
        return peerId.clone();
    }

    /** Copies the info-hash into {@code dst} at {@code offset} without allocating. */
    public void copyInfoHash(byte[] dst, int offset) {
        System.arraycopy(infoHash, 0, dst, offset, 20);
    }

    /** Copies the peer id into {@code dst} at {@code offset} without allocating. */
    public void copyPeerId(byte[] dst, int offset) {
        System.arraycopy(peerId, 0, dst, offset, 20);
    }

    /** The TCP port we accept peer connections on. */
    public int port() {
        return port;
    }

    public long uploaded() {
        return uploaded;
    }

    public long downloaded() {
        return downloaded;
    }

    /** Bytes still missing; 0 means we are a seed. */
    public long left() {
        return left;
    }

    public AnnounceEvent event() {
        return event;
    }

    /** Peers wanted, or {@link #NUMWANT_DEFAULT} to let the tracker choose. */
    public int numWant() {
        return numWant;
    }

    /** The BEP 7 / BEP 15 {@code key}: random per torrent session, the same for every tracker. */
    public int key() {
        return key;
    }

    /** The {@code tracker id} this tracker gave us last time, or null. */
    public String trackerId() {
        return trackerId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AnnounceRequest r && Arrays.equals(infoHash, r.infoHash) && Arrays.equals(peerId, r.peerId)
                && port == r.port && uploaded == r.uploaded && downloaded == r.downloaded && left == r.left
                && event == r.event && numWant == r.numWant && key == r.key && Objects.equals(trackerId, r.trackerId);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(infoHash) * 31 + Objects.hash(port, uploaded, downloaded, left, event, numWant, key);
    }

    @Override
    public String toString() {
        return "AnnounceRequest{" + Hex.encode(infoHash) + " port=" + port + " up=" + uploaded + " down=" + downloaded
                + " left=" + left + " event=" + event + " numwant=" + numWant + '}';
    }

    /** Mutable builder; not thread-safe. Defaults: port 6881, counters 0, {@link AnnounceEvent#NONE}, numwant 50. */
    public static final class Builder {
        private byte[] infoHash;
        private byte[] peerId;
        private int port = 6881;
        private long uploaded;
        private long downloaded;
        private long left;
        private AnnounceEvent event = AnnounceEvent.NONE;
        private int numWant = 50;
        private int key;
        private String trackerId;

        private Builder() {
        }

        public Builder infoHash(byte[] v) {
            this.infoHash = v;
            return this;
        }

        public Builder peerId(byte[] v) {
            this.peerId = v;
            return this;
        }

        public Builder port(int v) {
            this.port = v;
            return this;
        }

        public Builder uploaded(long v) {
            this.uploaded = v;
            return this;
        }

        public Builder downloaded(long v) {
            this.downloaded = v;
            return this;
        }

        public Builder left(long v) {
            this.left = v;
            return this;
        }

        public Builder event(AnnounceEvent v) {
            this.event = v;
            return this;
        }

        public Builder numWant(int v) {
            this.numWant = v;
            return this;
        }

        public Builder key(int v) {
            this.key = v;
            return this;
        }

        public Builder trackerId(String v) {
            this.trackerId = v;
            return this;
        }

        /** @throws IllegalArgumentException when a hash is not 20 bytes or a number is out of range */
        public AnnounceRequest build() {
            return new AnnounceRequest(this);
        }
    }
}
