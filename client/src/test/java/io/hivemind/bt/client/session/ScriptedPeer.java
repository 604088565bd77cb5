package io.hivemind.bt.client.session;

import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import io.hivemind.bt.wire.bencode.BencodeLimits;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * A hand-driven BitTorrent peer for tests (plain BEP 3 framing over a blocking socket, no MSE): handshakes with
 * the extension bit (BEP 10), sends and reads raw messages, so a test can say exactly what a misbehaving or
 * minimal peer says. Every read has a deadline. Not thread-safe.
 */
final class ScriptedPeer implements AutoCloseable {
    static final int EXTENDED = 20;

    /** A received message: id (-1 for keep-alive) and payload. */
    record Message(int id, byte[] payload) {
        int extendedId() {
            return payload[0] & 0xff;
        }

        BDict extendedDict() {
            byte[] body = Arrays.copyOfRange(payload, 1, payload.length);
            BValue v = BencodeDecoder.decodePrefix(body, 0, body.length, BencodeLimits.EXTENSION).value();
            return (BDict) v;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private byte[] remoteHandshake;

    private ScriptedPeer(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Dials {@code to}, sends our handshake for {@code infoHash} and reads the answer. */
    static ScriptedPeer dial(InetSocketAddress to, byte[] infoHash, byte[] peerId) throws IOException {
        Socket s = new Socket();
        s.connect(to, 5_000);
        s.setSoTimeout(10_000);
        ScriptedPeer p = new ScriptedPeer(s);
        p.sendHandshake(infoHash, peerId);
        p.readHandshake();
        return p;
    }

    /** Waits for one connection on {@code server}, reads its handshake and answers for {@code infoHash}. */
    static ScriptedPeer accept(ServerSocket server, byte[] infoHash, byte[] peerId, Duration timeout) throws IOException {
        server.setSoTimeout((int) timeout.toMillis());
        Socket s = server.accept();
        s.setSoTimeout(10_000);
        ScriptedPeer p = new ScriptedPeer(s);
        p.readHandshake();
        p.sendHandshake(infoHash, peerId);
        return p;
    }

    static ServerSocket listen() throws IOException {
        return new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    }

    private void sendHandshake(byte[] infoHash, byte[] peerId) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(68);
        b.put((byte) 19).put("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
        byte[] reserved = new byte[8];
        reserved[5] = 0x10; // BEP 10
        reserved[7] = 0x04; // BEP 6
        b.put(reserved).put(infoHash).put(peerId);
        out.write(b.array());
        out.flush();
    }

    private void readHandshake() throws IOException {
        remoteHandshake = in.readNBytes(68);
        if (remoteHandshake.length != 68 || remoteHandshake[0] != 19) {
            throw new IOException("bad handshake " + Arrays.toString(remoteHandshake));
        }
    }

    /** The info-hash in the remote handshake. */
    byte[] remoteInfoHash() {
        return Arrays.copyOfRange(remoteHandshake, 28, 48);
    }

    void send(int id, byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(5 + payload.length);
        b.putInt(1 + payload.length).put((byte) id).put(payload);
        out.write(b.array());
        out.flush();
    }

    void sendExtended(int extendedId, byte[] bencoded, byte[] trailer) throws IOException {
        byte[] p = new byte[1 + bencoded.length + trailer.length];
        p[0] = (byte) extendedId;
        System.arraycopy(bencoded, 0, p, 1, bencoded.length);
        System.arraycopy(trailer, 0, p, 1 + bencoded.length, trailer.length);
        send(EXTENDED, p);
    }

    /** The next message (keep-alives included) within {@code timeout}. */
    Message read(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        int len = in.readInt();
        if (len == 0) {
            return new Message(-1, new byte[0]);
        }
        if (len < 0 || len > (1 << 20)) {
            throw new IOException("message length " + len);
        }
        int id = in.readUnsignedByte();
        byte[] payload = in.readNBytes(len - 1);
        return new Message(id, payload);
    }

    /** Reads until a message matches, within {@code timeout}; fails otherwise. */
    Message await(Predicate<Message> p, Duration timeout) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("no matching message within " + timeout);
            }
            Message m = read(Duration.ofNanos(left));
            if (p.test(m)) {
                return m;
            }
        }
    }

    boolean isClosedByPeer(Duration timeout) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < end) {
                read(Duration.ofNanos(Math.max(1_000_000, end - System.nanoTime())));
            }
        } catch (java.io.EOFException | java.net.SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
