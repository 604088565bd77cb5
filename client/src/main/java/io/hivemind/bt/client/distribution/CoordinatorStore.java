package io.hivemind.bt.client.distribution;

import io.hivemind.bt.client.daemon.json.JsonArray;
import io.hivemind.bt.client.daemon.json.JsonLimits;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonReader;
import io.hivemind.bt.client.daemon.json.JsonString;
import io.hivemind.bt.client.daemon.json.JsonValue;
import io.hivemind.bt.client.daemon.json.JsonWriter;
import io.hivemind.bt.client.daemon.state.AtomicFiles;
import io.hivemind.bt.client.distribution.internal.ItemJson;
import io.hivemind.bt.dht.MutableItem;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The coordinator's distributions on disk, so that a restarted coordinator seeds them again, keeps answering
 * check-ins with the newest version of each channel, republishes it, and goes on waiting for the workers of the
 * distributions that had not settled: {@code <dir>/<id>.torrent} (written once) and {@code <id>.json} (replaced
 * atomically, with a {@code .bak}). Per-worker progress is not kept: workers repeat their reports. Thread-safe for
 * distinct ids; the coordinator serialises writes of one id.
 */
final class CoordinatorStore {
    private static final System.Logger LOG = System.getLogger(CoordinatorStore.class.getName());
    private static final JsonLimits LIMITS = new JsonLimits(16 << 20, 8, 500_000, 64 * 1024, 32);
    private static final int MAX_LOADED = 100_000;

    /** What is kept of one distribution. */
    record Record(String id, DistributionKind kind, String taskId, Channel channel, Path staging, long createdAtMillis,
                  long timeoutMillis, long seq, Announcement announcement, MutableItem item, Set<WorkerId> targets,
                  DistributionResult result) {
    }

    /** A record read back, with its torrent. */
    record Loaded(Record record, Metainfo metainfo) {
    }

    private final Path dir;

    CoordinatorStore(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    void save(Record r, Metainfo mi) throws IOException {
        Path torrent = dir.resolve(r.id() + ".torrent");
        if (!Files.exists(torrent)) {
            AtomicFiles.write(torrent, mi.encode());
        }
        JsonObject.Builder b = JsonObject.builder()
                .put("id", r.id())
                .put("kind", r.kind().name())
                .put("task_id", r.taskId())
                .put("channel", r.channel().toString())
                .put("staging", r.staging().toString())
                .put("created", r.createdAtMillis())
                .put("timeout_ms", r.timeoutMillis())
                .put("seq", r.seq())
                .put("announcement", Base64.getEncoder().encodeToString(r.announcement().encode().encode()))
                .put("item", r.item() == null ? null : ItemJson.toJson(r.item()))
                .put("targets", JsonArray.ofStrings(r.targets().stream().map(WorkerId::value).sorted().toList()));
        if (r.result() != null) {
            JsonObject.Builder failed = JsonObject.builder();
            r.result().failed().forEach((w, why) -> failed.put(w.value(), why));
            b.put("result", JsonObject.builder()
                    .put("completed", JsonArray.ofStrings(r.result().completed().stream().map(WorkerId::value).toList()))
                    .put("failed", failed.build())
                    .put("timed_out", JsonArray.ofStrings(r.result().timedOut().stream().map(WorkerId::value).toList()))
                    .put("elapsed_ms", r.result().elapsedMillis())
                    .build());
        }
        AtomicFiles.write(dir.resolve(r.id() + ".json"), JsonWriter.write(b.build()).getBytes(StandardCharsets.UTF_8));
    }

    void delete(String id) throws IOException {
        AtomicFiles.delete(dir.resolve(id + ".json"));
        AtomicFiles.delete(dir.resolve(id + ".torrent"));
    }

    /** Every readable record, oldest first; unreadable ones are logged and skipped. */
    List<Loaded> load() {
        List<Loaded> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : ds) {
                if (out.size() >= MAX_LOADED) {
                    break;
                }
                String id = p.getFileName().toString().replace(".json", "");
                if (!id.matches("[0-9a-f]{40}")) {
                    continue;
                }
                try {
                    JsonObject o = AtomicFiles.read(p, b -> JsonReader.parseObject(b, LIMITS));
                    byte[] t = AtomicFiles.read(dir.resolve(id + ".torrent"), b -> b);
                    if (o == null || t == null) {
                        continue;
                    }
                    Metainfo mi = Metainfo.parse(t);
                    Record r = parse(o);
                    if (!r.id().equals(id) || !mi.infoHashes().wireIdHex().equals(id)) {
                        throw new IllegalArgumentException("id mismatch");
                    }
                    out.add(new Loaded(r, mi));
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "skipping distribution record {0}: {1}", p, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot list {0}: {1}", dir, e.toString());
        }
        out.sort(Comparator.comparingLong(l -> l.record().createdAtMillis()));
        return out;
    }

    private static Record parse(JsonObject o) {
        DistributionKind kind = DistributionKind.valueOf(o.getString("kind", ""));
        Announcement a = Announcement.decode(Base64.getDecoder().decode(o.getString("announcement", "")));
        JsonValue item = o.get("item");
        MutableItem it = item == null || !(item instanceof JsonObject) ? null : ItemJson.fromJson(item);
        Set<WorkerId> targets = new LinkedHashSet<>();
        JsonArray ts = o.getArray("targets");
        if (ts != null) {
            for (JsonValue v : ts.values()) {
                targets.add(WorkerId.of(((JsonString) v).value()));
            }
        }
        DistributionResult result = null;
        JsonObject r = o.getObject("result");
        if (r != null) {
            Map<WorkerId, String> failed = new HashMap<>();
            JsonObject f = r.getObject("failed");
            if (f != null) {
                for (Map.Entry<String, JsonValue> e : f.members().entrySet()) {
                    failed.put(WorkerId.of(e.getKey()), ((JsonString) e.getValue()).value());
                }
            }
            result = DistributionResult.of(ids(r.getArray("completed")), failed, ids(r.getArray("timed_out")),
                    r.getLong("elapsed_ms", 0));
        }
        return new Record(o.getString("id", ""), kind, o.getString("task_id", null),
                Channel.parse(o.getString("channel", "")), Path.of(o.getString("staging", "")),
                o.getLong("created", 0), o.getLong("timeout_ms", 1), o.getLong("seq", 0), a, it, targets, result);
    }

    private static Set<WorkerId> ids(JsonArray a) {
        Set<WorkerId> out = new HashSet<>();
        if (a != null) {
            for (JsonValue v : a.values()) {
                out.add(WorkerId.of(((JsonString) v).value()));
            }
        }
        return out;
    }
}
