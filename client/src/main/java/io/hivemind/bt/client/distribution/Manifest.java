package io.hivemind.bt.client.distribution;

import io.hivemind.bt.client.daemon.json.JsonArray;
import io.hivemind.bt.client.daemon.json.JsonLimits;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonReader;
import io.hivemind.bt.client.daemon.json.JsonString;
import io.hivemind.bt.client.daemon.json.JsonValue;
import io.hivemind.bt.client.daemon.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The manifest carried inside every distribution's torrent as {@value #FILE_NAME}: what the data is (a model
 * version or a task), its metadata in full (the announcement may carry only part of it) and the list of files with
 * their sizes. Being inside the torrent, it is covered by the info-hash the signed announcement names, so a worker
 * can trust it as much as the announcement. JSON, at most {@value #MAX_BYTES} bytes. Immutable.
 *
 * @param kind      model or task
 * @param name      model channel name or task id
 * @param channel   the publishing channel ({@code <key hex>:<name>})
 * @param seq       the announcement's sequence number (it also makes every distribution a distinct torrent)
 * @param metadata  all metadata
 * @param files     the data files (path inside the torrent, size), manifest excluded
 * @param createdAt creation time, epoch seconds
 */
public record Manifest(DistributionKind kind, String name, String channel, long seq, Map<String, String> metadata,
                       List<FileEntry> files, long createdAt) {
    /** The manifest's file name at the top of the torrent. */
    public static final String FILE_NAME = "hivebt-manifest.json";
    public static final String FORMAT = "hivebt-manifest/1";
    public static final int MAX_BYTES = 1 << 20;
    private static final JsonLimits LIMITS = new JsonLimits(MAX_BYTES, 8, 50_000, 64 * 1024, 32);

    /** One data file: its path inside the torrent (components joined by '/') and its size. */
    public record FileEntry(String path, long size) {
        public FileEntry {
            Objects.requireNonNull(path, "path");
            if (size < 0) {
                throw new IllegalArgumentException("negative size");
            }
        }
    }

    public Manifest {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        metadata = Collections.unmodifiableSortedMap(new TreeMap<>(metadata));
        files = List.copyOf(files);
    }

    public byte[] toJson() {
        JsonObject.Builder md = JsonObject.builder();
        metadata.forEach(md::put);
        JsonArray.Builder fs = JsonArray.builder();
        for (FileEntry f : files) {
            fs.add(JsonObject.builder().put("path", f.path()).put("size", f.size()).build());
        }
        JsonObject o = JsonObject.builder()
                .put("format", FORMAT)
                .put("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
                .put("name", name)
                .put("channel", channel)
                .put("seq", seq)
                .put("metadata", md.build())
                .put("files", fs.build())
                .put("created_at", createdAt)
                .build();
        return (JsonWriter.write(o) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Parses a manifest; {@link IllegalArgumentException} when it is not one. */
    public static Manifest parse(byte[] json) {
        if (json.length > MAX_BYTES) {
            throw new IllegalArgumentException("manifest over " + MAX_BYTES + " bytes");
        }
        JsonObject o;
        try {
            o = JsonReader.parseObject(json, LIMITS);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("manifest is not JSON: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(o.getString("format", null))) {
            throw new IllegalArgumentException("not a " + FORMAT + " manifest");
        }
        DistributionKind kind = switch (o.getString("kind", "")) {
            case "model" -> DistributionKind.MODEL;
            case "task" -> DistributionKind.TASK;
            default -> throw new IllegalArgumentException("manifest kind is model or task");
        };
        SortedMap<String, String> md = new TreeMap<>();
        JsonObject m = o.getObject("metadata");
        if (m != null) {
            for (Map.Entry<String, JsonValue> e : m.members().entrySet()) {
                if (!(e.getValue() instanceof JsonString s)) {
                    throw new IllegalArgumentException("manifest metadata values are strings");
                }
                md.put(e.getKey(), s.value());
            }
        }
        List<FileEntry> files = new ArrayList<>();
        JsonArray fs = o.getArray("files");
        if (fs != null) {
            for (JsonValue v : fs.values()) {
                if (!(v instanceof JsonObject f)) {
                    throw new IllegalArgumentException("manifest files are objects");
                }
                files.add(new FileEntry(f.getString("path", ""), f.getLong("size", 0)));
            }
        }
        return new Manifest(kind, o.getString("name", ""), o.getString("channel", null), o.getLong("seq", 0), md, files,
                o.getLong("created_at", 0));
    }
}
