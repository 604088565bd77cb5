package io.hivemind.bt.client.daemon.http;

import io.hivemind.bt.client.HostPort;
import io.hivemind.bt.client.daemon.Daemon;
import io.hivemind.bt.client.daemon.DaemonConfig;
import io.hivemind.bt.client.daemon.FakeSession;
import io.hivemind.bt.client.daemon.TestHttp;
import io.hivemind.bt.client.daemon.TestTorrents;
import io.hivemind.bt.client.daemon.TorrentFactory;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Run in a JVM with a small heap by {@link BigUploadTest}: streams a multipart upload of {@code args[1]} MiB to
 * {@code POST /api/create_torrent} and prints {@code status size} of the stored file.
 */
public final class BigUploadMain {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        long mib = Long.parseLong(args[1]);
        // The real factory hashes from disk; this one only proves the upload path, so it makes a tiny torrent.
        TorrentFactory factory = spec -> TestTorrents.single(spec.name(), new byte[] {1}, 16384, null);
        FakeSession session = new FakeSession();
        try (Daemon d = Daemon.start(DaemonConfig.builder().web(new HostPort("127.0.0.1", 0)).rpc(null)
                .stateDirectory(root.resolve("state")).downloadDirectory(root.resolve("dl")).build(), session, factory)) {
            String csrf = TestHttp.send(d.webAddress(), "GET", "/api/session", Map.of(), null).json()
                    .getString("csrf_token", null);
            String boundary = "bigUploadBoundary";
            byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.bin\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
            long size = mib << 20;
            try (Socket s = new Socket("127.0.0.1", d.webAddress().getPort())) {
                OutputStream out = s.getOutputStream();
                out.write(("POST /api/create_torrent HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-CSRF-Token: "
                        + csrf + "\r\nContent-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: "
                        + (head.length + size + tail.length) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(head);
                byte[] chunk = new byte[1 << 20];
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = (byte) (i * 31);
                }
                for (long i = 0; i < mib; i++) {
                    out.write(chunk);
                }
                out.write(tail);
                out.flush();
                TestHttp.Response r = TestHttp.read(s.getInputStream());
                System.out.println(r.status() + " " + Files.size(root.resolve("dl").resolve("big.bin"))
                        + " maxHeap=" + Runtime.getRuntime().maxMemory());
            }
        } finally {
            session.close();
        }
    }
}
