package io.hivemind.bt.tracker.protocol;

import io.hivemind.bt.tracker.AnnounceEvent;
import io.hivemind.bt.tracker.AnnounceRequest;
import io.hivemind.bt.tracker.TrackerException;
import io.hivemind.bt.tracker.TrackerException.Reason;
import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The UDP tracker protocol (BEP 15) as pure encode and decode functions over {@link ByteBuf}s, for both sides.
 *
 * <p>Decoders read with absolute indices and never change the buffer's reader index; the caller keeps ownership
 * of every buffer passed in and must release it. Encoders write into a buffer the caller owns. Every decoder checks
 * lengths before reading, caps counts, and throws {@link TrackerException} ({@link Reason#MALFORMED_RESPONSE} on
 * the client side, {@link Reason#BAD_REQUEST} on the server side) with the byte offset, never anything else.
 * Packets longer than the fixed layout are accepted (BEP 15: "do not expect packets to be exactly of a certain
 * size"). Stateless and thread-safe.
 */
public final class UdpTrackerProtocol {
    /** The connect request's magic constant. */
    public static final long PROTOCOL_ID = 0x41727101980L;
    public static final int ACTION_CONNECT = 0;
    public static final int ACTION_ANNOUNCE = 1;
    public static final int ACTION_SCRAPE = 2;
    public static final int ACTION_ERROR = 3;

    public static final int CONNECT_REQUEST_LENGTH = 16;
    public static final int CONNECT_RESPONSE_LENGTH = 16;
    public static final int ANNOUNCE_REQUEST_LENGTH = 98;
    public static final int ANNOUNCE_RESPONSE_HEADER = 20;
    public static final int SCRAPE_REQUEST_HEADER = 16;
    public static final int SCRAPE_RESPONSE_HEADER = 8;
    /** BEP 15: "up to about 74 torrents can be scraped at once". */
    public static final int MAX_SCRAPE_HASHES_PER_PACKET = 74;
    /** Longest error message decoded, in bytes. */
    public static final int MAX_ERROR_MESSAGE = 1024;

    private UdpTrackerProtocol() {
    }

    // ---------------------------------------------------------------- client side: requests

    /** Writes a 16-byte connect request. */
    public static void writeConnect(ByteBuf out, int transactionId) {
        out.writeLong(PROTOCOL_ID).writeInt(ACTION_CONNECT).writeInt(transactionId);
    }

    /** Writes a 98-byte announce request. The {@code IP address} field is always 0. */
    public static void writeAnnounce(ByteBuf out, long connectionId, int transactionId, AnnounceRequest r) {
        byte[] tmp = new byte[20];
        out.writeLong(connectionId).writeInt(ACTION_ANNOUNCE).writeInt(transactionId);
        r.copyInfoHash(tmp, 0);
        out.writeBytes(tmp);
        r.copyPeerId(tmp, 0);
        out.writeBytes(tmp);
        out.writeLong(r.downloaded()).writeLong(r.left()).writeLong(r.uploaded())
                .writeInt(r.event().udpCode()).writeInt(0).writeInt(r.key()).writeInt(r.numWant())
                .writeShort(r.port());
    }

    /** Writes a scrape request for up to {@link #MAX_SCRAPE_HASHES_PER_PACKET} info-hashes. */
    public static void writeScrape(ByteBuf out, long connectionId, int transactionId, List<byte[]> infoHashes) {
        if (infoHashes.isEmpty() || infoHashes.size() > MAX_SCRAPE_HASHES_PER_PACKET) {
            throw new IllegalArgumentException("scrape needs 1.." + MAX_SCRAPE_HASHES_PER_PACKET + " info-hashes");
        }
        out.writeLong(connectionId).writeInt(ACTION_SCRAPE).writeInt(transactionId);
        for (byte[] h : infoHashes) {
            if (h.length != 20) {
                throw new IllegalArgumentException("info-hash must be 20 bytes");
            }
            out.writeBytes(h);
        }
    }

    // ---------------------------------------------------------------- client side: responses

    /** A decoded tracker response. */
    public sealed interface Response permits ConnectResponse, AnnounceResponse, ScrapeResponse, ErrorResponse {
        int transactionId();
    }

    public record ConnectResponse(int transactionId, long connectionId) implements Response {
    }

    /** Peers come from the 6-byte (IPv4) or 18-byte (IPv6) stride chosen by the packet's address family. */
    public record AnnounceResponse(int transactionId, int interval, int leechers, int seeders,
                                   List<InetSocketAddress> peers) implements Response {
        public AnnounceResponse {
            peers = List.copyOf(peers);
        }
    }

    /** Counters in request order: {@code counters[3*i]} seeders, {@code +1} completed, {@code +2} leechers. */
    public record ScrapeResponse(int transactionId, int[] counters) implements Response {
        public int count() {
            return counters.length / 3;
        }
    }

    public record ErrorResponse(int transactionId, String message) implements Response {
    }

    /** The transaction id of a response, or -1 (as a long) when it is shorter than 8 bytes. */
    public static long peekTransactionId(ByteBuf in) {
        if (in.readableBytes() < 8) {
            return -1L;
        }
        return in.getInt(in.readerIndex() + 4) & 0xffffffffL;
    }

    /**
     * Decodes a tracker response.
     *
     * @param ipv6     whether the packet came over IPv6, which selects the 18-byte peer stride (BEP 15 "IPv6")
     * @param maxPeers peers beyond this are dropped
     */
    public static Response parseResponse(ByteBuf in, boolean ipv6, int maxPeers) {
        int start = in.readerIndex();
        int len = in.readableBytes();
        if (len < 8) {
            throw new TrackerException(Reason.MALFORMED_RESPONSE, "UDP tracker response of " + len + " bytes", 0);
        }
        int action = in.getInt(start);
        int tx = in.getInt(start + 4);
        switch (action) {
            case ACTION_CONNECT -> {
                if (len < CONNECT_RESPONSE_LENGTH) {
                    throw new TrackerException(Reason.MALFORMED_RESPONSE, "short connect response: " + len, len);
                }
                return new ConnectResponse(tx, in.getLong(start + 8));
            }
            case ACTION_ANNOUNCE -> {
                if (len < ANNOUNCE_RESPONSE_HEADER) {
                    throw new TrackerException(Reason.MALFORMED_RESPONSE, "short announce response: " + len, len);
                }
                int interval = in.getInt(start + 8);
                int leechers = in.getInt(start + 12);
                int seeders = in.getInt(start + 16);
                int stride = ipv6 ? 18 : 6;
                int addrLen = stride - 2;
                int n = (len - ANNOUNCE_RESPONSE_HEADER) / stride;
                List<InetSocketAddress> peers = new ArrayList<>(Math.min(n, maxPeers));
                byte[] addr = new byte[addrLen];
                for (int i = 0; i < n && peers.size() < maxPeers; i++) {
                    int off = start + ANNOUNCE_RESPONSE_HEADER + i * stride;
                    in.getBytes(off, addr);
                    int port = in.getUnsignedShort(off + addrLen);
                    if (port != 0 && !allZero(addr)) {
                        peers.add(new InetSocketAddress(address(addr.clone()), port));
                    }
                }
                return new AnnounceResponse(tx, interval, Math.max(0, leechers), Math.max(0, seeders), peers);
            }
            case ACTION_SCRAPE -> {
                int n = Math.min((len - SCRAPE_RESPONSE_HEADER) / 12, MAX_SCRAPE_HASHES_PER_PACKET);
                int[] counters = new int[n * 3];
                for (int i = 0; i < counters.length; i++) {
                    counters[i] = Math.max(0, in.getInt(start + SCRAPE_RESPONSE_HEADER + 4 * i));
                }
                return new ScrapeResponse(tx, counters);
            }
            case ACTION_ERROR -> {
                int n = Math.min(len - 8, MAX_ERROR_MESSAGE);
                byte[] msg = new byte[n];
                in.getBytes(start + 8, msg);
                int end = n;
                while (end > 0 && msg[end - 1] == 0) {
                    end--; // some trackers NUL-terminate
                }
                return new ErrorResponse(tx, new String(msg, 0, end, StandardCharsets.UTF_8));
            }
            default -> throw new TrackerException(Reason.MALFORMED_RESPONSE, "unknown UDP tracker action " + action, 0);
        }
    }

    // ---------------------------------------------------------------- server side: requests

    /** A decoded client request (server side). */
    public sealed interface Request permits ConnectRequest, AnnounceRequestPacket, ScrapeRequest {
        int transactionId();
    }

    public record ConnectRequest(int transactionId) implements Request {
    }

    /**
     * An announce as sent over UDP. {@code ip} is the raw {@code IP address} field (0 = use the source address).
     * {@code numWant} is signed: -1 means the tracker's default.
     */
    public record AnnounceRequestPacket(long connectionId, int transactionId, byte[] infoHash, byte[] peerId,
                                        long downloaded, long left, long uploaded, AnnounceEvent event, int ip,
                                        int key, int numWant, int port) implements Request {
    }

    public record ScrapeRequest(long connectionId, int transactionId, List<byte[]> infoHashes) implements Request {
    }

    /**
     * Decodes a client request.
     *
     * @param maxScrapeHashes more info-hashes than this in one scrape is {@link Reason#BAD_REQUEST}
     */
    public static Request parseRequest(ByteBuf in, int maxScrapeHashes) {
        int start = in.readerIndex();
        int len = in.readableBytes();
        if (len < 16) {
            throw new TrackerException(Reason.BAD_REQUEST, "UDP tracker request of " + len + " bytes", len);
        }
        long first = in.getLong(start);
        int action = in.getInt(start + 8);
        int tx = in.getInt(start + 12);
        switch (action) {
            case ACTION_CONNECT -> {
                if (first != PROTOCOL_ID) {
                    throw new TrackerException(Reason.BAD_REQUEST, "connect without the BEP 15 protocol id", 0);
                }
                return new ConnectRequest(tx);
            }
            case ACTION_ANNOUNCE -> {
                if (len < ANNOUNCE_REQUEST_LENGTH) {
                    throw new TrackerException(Reason.BAD_REQUEST, "announce request of " + len + " bytes", len);
                }
                byte[] infoHash = new byte[20];
                byte[] peerId = new byte[20];
                in.getBytes(start + 16, infoHash);
                in.getBytes(start + 36, peerId);
                long downloaded = in.getLong(start + 56);
                long left = in.getLong(start + 64);
                long uploaded = in.getLong(start + 72);
                AnnounceEvent event = AnnounceEvent.fromUdpCode(in.getInt(start + 80));
                int ip = in.getInt(start + 84);
                int key = in.getInt(start + 88);
                int numWant = in.getInt(start + 92);
                int port = in.getUnsignedShort(start + 96);
                return new AnnounceRequestPacket(first, tx, infoHash, peerId, downloaded, left, uploaded, event, ip,
                        key, numWant, port);
            }
            case ACTION_SCRAPE -> {
                int n = (len - SCRAPE_REQUEST_HEADER) / 20;
                if (n == 0) {
                    throw new TrackerException(Reason.BAD_REQUEST, "scrape without an info-hash", len);
                }
                if (n > maxScrapeHashes) {
                    throw new TrackerException(Reason.BAD_REQUEST,
                            "scrape of " + n + " info-hashes exceeds the limit of " + maxScrapeHashes, 16);
                }
                List<byte[]> hashes = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    byte[] h = new byte[20];
                    in.getBytes(start + SCRAPE_REQUEST_HEADER + 20 * i, h);
                    hashes.add(h);
                }
                return new ScrapeRequest(first, tx, hashes);
            }
            default -> throw new TrackerException(Reason.BAD_REQUEST, "unknown UDP tracker action " + action, 8);
        }
    }

    // ---------------------------------------------------------------- server side: responses

    public static void writeConnectResponse(ByteBuf out, int transactionId, long connectionId) {
        out.writeInt(ACTION_CONNECT).writeInt(transactionId).writeLong(connectionId);
    }

    /** Writes the 20-byte announce response header; the caller appends 6- or 18-byte peer entries. */
    public static void writeAnnounceResponseHeader(ByteBuf out, int transactionId, int interval, int leechers,
                                                   int seeders) {
        out.writeInt(ACTION_ANNOUNCE).writeInt(transactionId).writeInt(interval).writeInt(leechers).writeInt(seeders);
    }

    /** Writes the 8-byte scrape response header; the caller appends 12 bytes per info-hash. */
    public static void writeScrapeResponseHeader(ByteBuf out, int transactionId) {
        out.writeInt(ACTION_SCRAPE).writeInt(transactionId);
    }

    /** Writes an error response; the message is cut so the packet is at most {@code maxLength} bytes. */
    public static void writeError(ByteBuf out, int transactionId, String message, int maxLength) {
        byte[] m = message.getBytes(StandardCharsets.UTF_8);
        int n = Math.max(0, Math.min(m.length, maxLength - 8));
        out.writeInt(ACTION_ERROR).writeInt(transactionId).writeBytes(m, 0, n);
    }

    private static boolean allZero(byte[] b) {
        int acc = 0;
        for (byte x : b) {
            acc |= x;
        }
        return acc == 0;
    }

    private static InetAddress address(byte[] addr) {
        try {
            return InetAddress.getByAddress(addr);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes is always an address", e);
        }
    }
}
