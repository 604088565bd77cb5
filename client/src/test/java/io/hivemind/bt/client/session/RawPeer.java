package io.hivemind.bt.client.session;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * A scripted BitTorrent peer on a plain blocking socket, for tests that must say things a well-behaved client never
 * would (BEP 3 framing, written by hand). Every read is bounded by the socket timeout.
 */
final class RawPeer implements Closeable {
    static final byte[] PROTOCOL = "\u0013BitTorrent protocol".getBytes(StandardCharsets.ISO_8859_1);
    static final int CHOKE = 0, UNCHOKE = 1, INTERESTED = 2, NOT_INTERESTED = 3, HAVE = 4, BITFIELD = 5, REQUEST = 6,
            PIECE = 7, CANCEL = 8, EXTENDED = 20;

    /** One message: its id (-1 for a keep-alive) and payload. */
    record Msg(int id, byte[] payload) {
        int intAt(int offset) {
            return ByteBuffer.wrap(payload, offset, 4).getInt();
        }
    }

    final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static RawPeer connect(InetSocketAddress to) throws IOException {
        return connect(to, 0);
    }

    /** @param receiveBuffer a small receive buffer makes the remote side's writes back up sooner (0: default) */
    static RawPeer connect(InetSocketAddress to, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(to, 5_000);
        return new RawPeer(s);
    }

    static RawPeer of(Socket accepted) throws IOException {
        return new RawPeer(accepted);
    }

    static byte[] peerId(String prefix) {
        byte[] id = new byte[20];
        byte[] p = prefix.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(p, 0, id, 0, Math.min(p.length, 20));
        for (int i = p.length; i < 20; i++) {
            id[i] = (byte) ('0' + (i * 7 + prefix.hashCode()) % 10);
        }
        return id;
    }

    static byte[] handshakeBytes(byte[] infoHash, byte[] peerId, boolean extensions) {
        ByteBuffer b = ByteBuffer.allocate(68);
        b.put(PROTOCOL);
        byte[] reserved = new byte[8];
        if (extensions) {
            reserved[5] |= 0x10; // BEP 10
        }
        b.put(reserved).put(infoHash).put(peerId);
        return b.array();
    }

    void sendHandshake(byte[] infoHash, byte[] peerId, boolean extensions) throws IOException {
        send(handshakeBytes(infoHash, peerId, extensions));
    }

    /** Reads the remote handshake (68 bytes) and returns its peer id. */
    byte[] readHandshake() throws IOException {
        byte[] hs = new byte[68];
        in.readFully(hs);
        if (!Arrays.equals(Arrays.copyOf(hs, 20), PROTOCOL)) {
            throw new IOException("not a BitTorrent handshake");
        }
        return Arrays.copyOfRange(hs, 48, 68);
    }

    /** Our handshake, then theirs: returns their peer id. */
    byte[] handshake(byte[] infoHash, byte[] peerId, boolean extensions) throws IOException {
        sendHandshake(infoHash, peerId, extensions);
        return readHandshake();
    }

    void send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    void message(int id, byte[] payload) throws IOException {
        send(frame(id, payload));
    }

    static byte[] frame(int id, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).putInt(1 + payload.length).put((byte) id).put(payload).array();
    }

    static byte[] ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    static byte[] have(int piece) {
        return frame(HAVE, ints(piece));
    }

    static byte[] request(int piece, int begin, int length) {
        return frame(REQUEST, ints(piece, begin, length));
    }

    static byte[] piece(int piece, int begin, byte[] block) {
        return frame(PIECE, ByteBuffer.allocate(8 + block.length).putInt(piece).putInt(begin).put(block).array());
    }

    static byte[] extended(int extendedId, byte[] payload) {
        return frame(EXTENDED, ByteBuffer.allocate(1 + payload.length).put((byte) extendedId).put(payload).array());
    }

    /** Reads one message (payloads up to 2 MiB). */
    Msg read() throws IOException {
        int len = in.readInt();
        if (len == 0) {
            return new Msg(-1, new byte[0]);
        }
        if (len < 0 || len > 2 << 20) {
            throw new IOException("message length " + len);
        }
        int id = in.readUnsignedByte();
        byte[] payload = new byte[len - 1];
        in.readFully(payload);
        return new Msg(id, payload);
    }

    /** Reads until a message with {@code id} arrives (others are skipped); bounded by the socket timeout. */
    Msg readUntil(int id) throws IOException {
        while (true) {
            Msg m = read();
            if (m.id() == id) {
                return m;
            }
        }
    }

    /**
     * Reads and discards until the remote side closes the connection (EOF or reset): true; false if it is still open
     * after {@code max}.
     */
    boolean awaitClosed(Duration max) throws IOException {
        long deadline = System.nanoTime() + max.toNanos();
        byte[] sink = new byte[64 * 1024];
        int old = socket.getSoTimeout();
        try {
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, Math.min(500, (deadline - System.nanoTime()) / 1_000_000)));
                try {
                    if (in.read(sink) < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    // still open: go on until the deadline
                } catch (EOFException | SocketException e) {
                    return true;
                }
            }
            return false;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(old);
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
