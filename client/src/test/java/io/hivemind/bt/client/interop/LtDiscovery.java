package io.hivemind.bt.client.interop;

import io.hivemind.bt.wire.testing.ExternalPrograms;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code lt_discovery.py} (a libtorrent 2.0 peer with LSD, DHT, PEX and magnet support) for the discovery
 * interop tests: a small JSON config builder, and parsers for the lines it prints.
 */
final class LtDiscovery {
    /** libtorrent's peer_info source flags. */
    static final int SOURCE_TRACKER = 1;
    static final int SOURCE_DHT = 2;
    static final int SOURCE_PEX = 4;
    static final int SOURCE_LSD = 8;
    static final int SOURCE_INCOMING = 32;

    private static final Pattern PEER = Pattern.compile("\\[\"([^\"]+)\", (\\d+), (\\d+), (true|false)\\]");

    /** One entry of a "peers" line. */
    record LtPeer(String ip, int port, int source, boolean seed) {
    }

    private final Map<String, Object> config = new LinkedHashMap<>();

    private LtDiscovery(String torrent, Path save, String mode) {
        config.put("torrent", torrent);
        config.put("save", save.toString());
        config.put("mode", mode);
    }

    static LtDiscovery seed(String torrent, Path data) {
        return new LtDiscovery(torrent, data, "seed");
    }

    static LtDiscovery download(String torrent, Path save) {
        return new LtDiscovery(torrent, save, "download");
    }

    LtDiscovery set(String key, Object value) {
        config.put(key, value);
        return this;
    }

    /** Writes the script next to the test's files and starts it. */
    ExternalPeer start(Path dir, String name) throws IOException {
        Path script = dir.resolve("lt_discovery.py");
        if (!Files.exists(script)) {
            try (InputStream in = LtDiscovery.class.getResourceAsStream("lt_discovery.py")) {
                Files.copy(in, script);
            }
        }
        return ExternalPeer.start(name, List.of(ExternalPrograms.SYSTEM_PYTHON.toString(), script.toString(), json()),
                Map.of());
    }

    private String json() {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : config.entrySet()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append('"').append(e.getKey()).append("\": ").append(value(e.getValue()));
        }
        return sb.append('}').toString();
    }

    private static String value(Object v) {
        if (v instanceof String s) {
            return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            for (Object o : l) {
                parts.add(value(o));
            }
            return "[" + String.join(", ", parts) + "]";
        }
        return String.valueOf(v);
    }

    /** The TCP port from the "ready" line. */
    static int awaitReady(ExternalPeer lt, Duration timeout) throws InterruptedException {
        return Integer.parseInt(lt.await(l -> l.startsWith("ready "), timeout).substring(6).trim());
    }

    /** The entries of a "peers" line. */
    static List<LtPeer> peers(String line) {
        List<LtPeer> out = new ArrayList<>();
        Matcher m = PEER.matcher(line);
        while (m.find()) {
            out.add(new LtPeer(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Boolean.parseBoolean(m.group(4))));
        }
        return out;
    }

    /** Waits for a "peers" line listing {@code port} with every bit of {@code sourceBits}; returns that entry. */
    static LtPeer awaitPeer(ExternalPeer lt, int port, int sourceBits, Duration timeout) throws InterruptedException {
        String line = lt.await(l -> l.startsWith("peers ") && peers(l).stream()
                .anyMatch(p -> p.port() == port && (p.source() & sourceBits) == sourceBits), timeout);
        return peers(line).stream().filter(p -> p.port() == port).findFirst().orElseThrow();
    }
}
