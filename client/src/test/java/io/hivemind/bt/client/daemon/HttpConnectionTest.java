package io.hivemind.bt.client.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** HTTP connection behaviour: keep-alive with pipelined requests answered in order, 100-continue, bad requests. */
class HttpConnectionTest {

    private static String exchange(DaemonFixture f, String raw, int expectedResponses) throws Exception {
        try (Socket s = new Socket("127.0.0.1", f.web().getPort())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                got.write(buf, 0, n);
                String text = got.toString(StandardCharsets.ISO_8859_1);
                if (text.split("HTTP/1.1 ", -1).length - 1 >= expectedResponses && text.endsWith("}")) {
                    break;
                }
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
        try (DaemonFixture f = new DaemonFixture()) {
            String host = "Host: 127.0.0.1\r\n";
            String raw = "GET /api/stats HTTP/1.1\r\n" + host + "\r\n"
                    + "GET /api/nothing HTTP/1.1\r\n" + host + "\r\n"
                    + "GET /api/session HTTP/1.1\r\n" + host + "\r\n";
            String text = exchange(f, raw, 3);
            int stats = text.indexOf("\"uptime_seconds\"");
            int missing = text.indexOf("HTTP/1.1 404");
            int session = text.indexOf("\"csrf_token\"");
            assertTrue(stats > 0 && missing > stats && session > missing, text);
        }
    }

    @Test
    void expectContinueIsHonouredAfterTheGuardAndBadRequestsAre400() throws Exception {
        try (DaemonFixture f = new DaemonFixture()) {
            String body = "{\"upload_rate_limit\": 4000}";
            String raw = "PATCH /api/settings HTTP/1.1\r\nHost: 127.0.0.1\r\nX-CSRF-Token: " + f.csrf()
                    + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body;
            String text = exchange(f, raw, 2);
            assertTrue(text.startsWith("HTTP/1.1 100 Continue"), text);
            assertTrue(text.contains("HTTP/1.1 200 OK"), text);
            assertEquals(4000, f.session.settings().uploadRateLimit());
            String bad = exchange(f, "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 1);
            assertTrue(bad.startsWith("HTTP/1.1 414"), bad);
            String junk = exchange(f, "\u0001\u0002 nonsense\r\n\r\n", 1);
            assertTrue(junk.startsWith("HTTP/1.1 400"), junk);
        }
    }
}
