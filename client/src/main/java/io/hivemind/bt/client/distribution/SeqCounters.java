package io.hivemind.bt.client.distribution;

import io.hivemind.bt.client.daemon.json.JsonLimits;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonReader;
import io.hivemind.bt.client.daemon.json.JsonValue;
import io.hivemind.bt.client.daemon.json.JsonNumber;
import io.hivemind.bt.client.daemon.json.JsonWriter;
import io.hivemind.bt.client.daemon.state.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The publisher's BEP 44 sequence numbers, one counter per key and salt, kept in a JSON file written atomically
 * (temp file, fsync, rename, {@code .bak}). A number is written to disk before it is used, so a crash can leave
 * gaps but never reuse a number for a different value — reuse would make workers refuse the second value as a
 * forgery. Thread-safe (synchronised: reservations are rare and tiny).
 */
final class SeqCounters {
    private static final JsonLimits LIMITS = new JsonLimits(4 << 20, 4, 200_000, 512, 32);
    private final Path file;
    private final Map<String, Long> counters = new HashMap<>();

    SeqCounters(Path file) {
        this.file = file;
        JsonObject saved = AtomicFiles.read(file, b -> JsonReader.parseObject(b, LIMITS));
        if (saved != null) {
            for (Map.Entry<String, JsonValue> e : saved.members().entrySet()) {
                if (e.getValue() instanceof JsonNumber n) {
                    counters.put(e.getKey(), n.longValue());
                }
            }
        }
    }

    /** The last number reserved for {@code key}, or 0. */
    synchronized long last(String key) {
        return counters.getOrDefault(key, 0L);
    }

    /** Reserves and persists the next number for {@code key}: above the last one and at least {@code atLeast}. */
    synchronized long reserve(String key, long atLeast) throws IOException {
        long next = Math.max(counters.getOrDefault(key, 0L) + 1, Math.max(1, atLeast));
        counters.put(key, next);
        JsonObject.Builder b = JsonObject.builder();
        counters.forEach(b::put);
        AtomicFiles.write(file, JsonWriter.write(b.build()).getBytes(StandardCharsets.UTF_8));
        return next;
    }
}
