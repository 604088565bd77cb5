package io.hivemind.bt.client.daemon.http;

import io.hivemind.bt.client.HostPort;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.daemon.CreatorTorrentFactory;
import io.hivemind.bt.client.daemon.Daemon;
import io.hivemind.bt.client.daemon.DaemonConfig;
import io.hivemind.bt.client.daemon.FakeSession;
import io.hivemind.bt.client.daemon.RealDaemonFixture;
import io.hivemind.bt.client.daemon.TestHttp;
import io.hivemind.bt.client.daemon.TestTorrents;
import io.hivemind.bt.client.daemon.TorrentFactory;
import io.hivemind.bt.client.daemon.json.JsonObject;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Run in a JVM with a small heap by {@link BigUploadTest}: streams a multipart upload of {@code args[1]} MiB to
 * {@code POST /api/create_torrent} and prints
 * {@code status size state peakHeapUsed=… peakHeapCommitted=… maxHeap=…}
 * (peaks sampled every 5 ms). With
 * {@code args[2] = "real"} the daemon runs over the real session and the real {@link CreatorTorrentFactory} (the
 * upload is hashed from disk into a hybrid torrent and seeded); otherwise over the {@link FakeSession} with a
 * factory that only proves the upload path.
 */
public final class BigUploadMain {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        long mib = Long.parseLong(args[1]);
        boolean real = args.length > 2 && args[2].equals("real");
        TorrentFactory factory = real ? new CreatorTorrentFactory(1)
                : spec -> TestTorrents.single(spec.name(), new byte[] {1}, 16384, null);
        Session session = real
                ? Session.builder().settings(RealDaemonFixture.peerSettings(root.resolve("state/session"))).build()
                : new FakeSession();
        try (Daemon d = Daemon.start(DaemonConfig.builder().web(new HostPort("127.0.0.1", 0)).rpc(null)
                .stateDirectory(root.resolve("state/daemon")).downloadDirectory(root.resolve("dl")).build(), session,
                factory)) {
            String csrf = TestHttp.send(d.webAddress(), "GET", "/api/session", Map.of(), null).json()
                    .getString("csrf_token", null);
            String boundary = "bigUploadBoundary";
            byte[] kind = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nhybrid\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.bin\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
            long size = mib << 20;
            System.gc();
            // java.management is not readable from the client module's tests: sample the heap every 5 ms instead
            java.util.concurrent.atomic.AtomicLong peakUsed = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicLong peakCommitted = new java.util.concurrent.atomic.AtomicLong();
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                Runtime rt = Runtime.getRuntime();
                while (!Thread.currentThread().isInterrupted()) {
                    long total = rt.totalMemory();
                    peakUsed.accumulateAndGet(total - rt.freeMemory(), Math::max);
                    peakCommitted.accumulateAndGet(total, Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try (Socket s = new Socket("127.0.0.1", d.webAddress().getPort())) {
                OutputStream out = s.getOutputStream();
                out.write(("POST /api/create_torrent HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-CSRF-Token: "
                        + csrf + "\r\nContent-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: "
                        + (kind.length + head.length + size + tail.length) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(kind);
                out.write(head);
                byte[] chunk = new byte[1 << 20];
                for (long i = 0; i < mib; i++) {
                    for (int k = 0; k < chunk.length; k++) {
                        chunk[k] = (byte) (k * 31 + i); // every MiB differs, so no two pieces hash alike
                    }
                    out.write(chunk);
                }
                out.write(tail);
                out.flush();
                TestHttp.Response r = TestHttp.read(s.getInputStream());
                sampler.interrupt();
                sampler.join();
                String state = "none";
                if (r.status() == 201) {
                    String hash = r.json().getString("info_hash", null);
                    JsonObject t = TestHttp.send(d.webAddress(), "GET", "/api/torrents/" + hash, Map.of(), null).json();
                    state = t.getString("state", "none");
                } else {
                    System.out.println(r.text());
                }
                System.out.println(r.status() + " " + Files.size(root.resolve("dl").resolve("big.bin")) + " " + state
                        + " peakHeapUsed=" + peakUsed.get() + " peakHeapCommitted=" + peakCommitted.get()
                        + " maxHeap=" + Runtime.getRuntime().maxMemory());
            }
        } finally {
            session.close();
        }
    }
}
