package io.hivemind.bt.client.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Hash failures in {@code /metrics} and {@code /api/stats} from the real session: a peer that claims every piece
 * (BEP 3 bitfield) and answers every request with garbage makes the daemon's pieces fail their SHA-1 check; the
 * session counts them and the daemon exports the count.
 */
class DaemonHashFailureMetricsTest {

    @Test
    void garbageFromALyingPeerIsCountedAsHashFailures() throws Exception {
        try (RealDaemonFixture f = new RealDaemonFixture()) {
            Path src = f.sampleSet("lied-about", 1100);
            Metainfo mi = TorrentCreator.builder(src).pieceLength(64 * 1024).threads(1).build().create(); // no tracker
            f.addTorrent(mi.encode(), false);
            f.await("/api/torrents/" + mi.infoHashes().v1Hex(), t -> "downloading".equals(RealDaemonFixture.state(t)),
                    "the torrent to be ready for peers");
            InetSocketAddress daemonPeer = f.session.listenAddresses().getFirst();
            AtomicBoolean stop = new AtomicBoolean();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", daemonPeer.getPort()), 5_000);
                s.setSoTimeout(500);
                Thread liar = Thread.ofPlatform().daemon().start(() -> lie(s, mi, stop));
                long end = System.nanoTime() + RealDaemonFixture.DEADLINE.toNanos();
                double failures = 0;
                while (failures < 1 && System.nanoTime() < end) {
                    failures = f.metrics().get("hivebt_hash_failures_total");
                    Thread.sleep(100); // polling the counter with a bounded deadline
                }
                stop.set(true);
                liar.join(5_000);
                assertTrue(failures >= 1, "no hash failure counted: " + f.get("/metrics").text());
                JsonObject stats = f.get("/api/stats").json();
                assertTrue(stats.getLong("hash_failures", 0) >= 1, stats.toString());
                assertEquals(0, f.get("/api/torrents/" + mi.infoHashes().v1Hex()).json().getInt("pieces_have", -1),
                        "no garbage piece was kept");
            }
        }
    }

    /** Handshake, a full bitfield, unchoke, then random bytes for every request, until {@code stop}. */
    private static void lie(Socket s, Metainfo mi, AtomicBoolean stop) {
        try {
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            ByteBuffer hs = ByteBuffer.allocate(68);
            hs.put((byte) 19).put("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII)).put(new byte[8])
                    .put(mi.infoHashes().v1()).put("-LY0001-liarliarliar".getBytes(StandardCharsets.US_ASCII));
            out.write(hs.array());
            byte[] theirs = new byte[68];
            in.readFully(theirs);
            int pieces = mi.info().pieceCount();
            byte[] bits = new byte[(pieces + 7) / 8];
            for (int i = 0; i < pieces; i++) {
                bits[i / 8] |= (byte) (0x80 >>> (i % 8));
            }
            out.write(message(5, bits));
            out.write(message(1, new byte[0]));
            java.util.SplittableRandom random = new java.util.SplittableRandom(7);
            while (!stop.get()) {
                int len;
                try {
                    len = in.readInt();
                } catch (java.net.SocketTimeoutException e) {
                    continue;
                }
                byte[] body = new byte[len];
                in.readFully(body);
                if (len == 13 && body[0] == 6) { // request: answer with garbage of the asked length
                    ByteBuffer req = ByteBuffer.wrap(body, 1, 12);
                    int index = req.getInt();
                    int begin = req.getInt();
                    int length = req.getInt();
                    byte[] block = new byte[8 + length];
                    ByteBuffer.wrap(block).putInt(index).putInt(begin);
                    byte[] junk = new byte[length];
                    random.nextBytes(junk);
                    System.arraycopy(junk, 0, block, 8, length);
                    out.write(message(7, block));
                }
            }
        } catch (IOException e) {
            // the daemon closed the connection (it may ban us): nothing more to lie about
        }
    }

    private static byte[] message(int id, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).putInt(1 + payload.length).put((byte) id).put(payload).array();
    }
}
