package io.hivemind.bt.client.daemon;

import io.hivemind.bt.client.daemon.json.JsonLimits;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately raw HTTP/1.1 client for tests: it sends exactly the headers it is given (the JDK client refuses
 * to set {@code Host}), one request per connection, and reads the response to the end.
 */
public final class TestHttp {
    private TestHttp() {
    }

    public record Response(int status, Map<String, String> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonObject json() {
            return JsonReader.parseObject(body, JsonLimits.WITH_TORRENT);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Sends a request; {@code headers} may include Host (else "127.0.0.1:port" is used). */
    public static Response send(InetSocketAddress to, String method, String path, Map<String, String> headers,
                                byte[] body) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(to, 5000);
            s.setSoTimeout(60_000);
            StringBuilder sb = new StringBuilder();
            sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
            Map<String, String> h = new LinkedHashMap<>();
            boolean hasHost = false;
            for (String k : headers.keySet()) {
                hasHost |= k.equalsIgnoreCase("host");
            }
            if (!hasHost) {
                h.put("Host", "127.0.0.1:" + to.getPort());
            }
            h.putAll(headers);
            h.put("Connection", "close");
            if (body != null) {
                h.put("Content-Length", Integer.toString(body.length));
            }
            for (Map.Entry<String, String> e : h.entrySet()) {
                if (e.getValue() != null) {
                    sb.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
                }
            }
            sb.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                try {
                    out.write(body);
                } catch (IOException e) {
                    // the server may answer and close before reading a rejected body
                }
            }
            out.flush();
            return read(s.getInputStream());
        }
    }

    public static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        try {
            while ((n = in.read(buf)) > 0) {
                all.write(buf, 0, n);
            }
        } catch (java.net.SocketException e) {
            // connection reset after the response: keep what arrived
        }
        byte[] b = all.toByteArray();
        int i = 0;
        // skip interim 100 Continue responses
        while (true) {
            int end = indexOf(b, i);
            if (end < 0) {
                throw new IOException("no complete response head: " + new String(b, StandardCharsets.ISO_8859_1));
            }
            String head = new String(b, i, end - i, StandardCharsets.ISO_8859_1);
            String[] lines = head.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            if (status == 100) {
                i = end + 4;
                continue;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (int k = 1; k < lines.length; k++) {
                int c = lines[k].indexOf(':');
                headers.put(lines[k].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[k].substring(c + 1).trim());
            }
            int len = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            byte[] body = java.util.Arrays.copyOfRange(b, end + 4, Math.min(b.length, end + 4 + len));
            return new Response(status, headers, body);
        }
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i + 3 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
