package io.hivemind.bt.client.daemon.rest;

import io.hivemind.bt.client.daemon.Daemon;
import io.hivemind.bt.client.daemon.http.ApiException;
import io.hivemind.bt.client.daemon.http.HttpReply;
import io.hivemind.bt.client.daemon.http.Request;
import io.hivemind.bt.client.daemon.json.JsonArray;
import io.hivemind.bt.client.daemon.json.JsonLimits;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonString;
import io.hivemind.bt.client.daemon.json.JsonValue;
import io.hivemind.bt.client.distribution.Channel;
import io.hivemind.bt.client.distribution.Coordinator;
import io.hivemind.bt.client.distribution.Distribution;
import io.hivemind.bt.client.distribution.DistributionKind;
import io.hivemind.bt.client.distribution.DistributionStatus;
import io.hivemind.bt.client.distribution.LocalCopy;
import io.hivemind.bt.client.distribution.ModelDistributor;
import io.hivemind.bt.client.distribution.ModelVersion;
import io.hivemind.bt.client.distribution.ProgressReport;
import io.hivemind.bt.client.distribution.Verdict;
import io.hivemind.bt.client.distribution.Worker;
import io.hivemind.bt.client.distribution.WorkerId;
import io.hivemind.bt.client.distribution.WorkerProgress;
import io.hivemind.bt.client.distribution.WorkerRegistration;
import io.hivemind.bt.client.distribution.internal.ItemJson;
import io.hivemind.bt.dht.MutableItem;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The distribution routes of the REST API, {@code /api/distributions…}, served when a
 * {@link Coordinator} and/or a {@link Worker} is attached to the daemon
 * ({@link Daemon#attachDistribution}):
 * <ul>
 *   <li>{@code GET /api/distributions} — the coordinator's distributions and the worker's copies;</li>
 *   <li>{@code POST /api/distributions} — create a task ({@code kind: "task", task_id, files, workers}) or a model
 *       version ({@code kind: "model", path, metadata, broadcast}); paths must be inside the download roots;</li>
 *   <li>{@code GET /api/distributions/{id}} — one distribution with per-worker progress;</li>
 *   <li>{@code POST /api/distributions/{id}/broadcast} — announce a model version made without broadcasting;</li>
 *   <li>{@code POST /api/distributions/{id}/progress} — a worker's progress report;</li>
 *   <li>{@code GET|POST /api/distributions/workers} — the known workers / a worker's check-in, answered with the
 *       signed items it should have;</li>
 *   <li>{@code POST /api/distributions/notify} — a direct notification to a worker; the body carries the signed
 *       item, which passes the same signature and sequence-number checks as one from the DHT.</li>
 * </ul>
 * Authentication is the daemon's: in a cluster every daemon runs with the shared token, which the coordinator and
 * the workers send as a bearer token (without credentials, loopback only, the CSRF token applies). Bodies are
 * capped at {@value #MAX_BODY} bytes by the body policy and further per route. Thread-safe.
 */
public final class DistributionApi {
    public static final String PREFIX = "/api/distributions";
    /** Largest body any distribution route accepts. */
    public static final int MAX_BODY = 64 * 1024;
    static final int MAX_REPORT = 4 * 1024;
    static final int MAX_NOTIFY = 8 * 1024;
    static final int MAX_CHECK_IN = 16 * 1024;
    private static final JsonLimits LIMITS = new JsonLimits(MAX_BODY, 8, 5_000, 8 * 1024, 32);
    /** Method and path template of every route, as the OpenAPI document lists them. */
    public static final List<String> ROUTES = List.of(
            "GET /api/distributions", "POST /api/distributions", "GET /api/distributions/{id}",
            "POST /api/distributions/{id}/broadcast", "POST /api/distributions/{id}/progress",
            "GET /api/distributions/workers", "POST /api/distributions/workers", "POST /api/distributions/notify");

    private final Daemon daemon;

    public DistributionApi(Daemon daemon) {
        this.daemon = daemon;
    }

    /** True for the paths this class serves. */
    public static boolean serves(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    public HttpReply handle(Request r) throws Exception {
        String path = r.path();
        String m = r.method();
        if (path.equals(PREFIX)) {
            if (m.equals("GET") || m.equals("HEAD")) {
                return HttpReply.json(list());
            }
            requireMethod(m, "POST");
            return create(body(r, MAX_BODY));
        }
        String rest = path.substring(PREFIX.length() + 1);
        switch (rest) {
            case "workers" -> {
                if (m.equals("GET") || m.equals("HEAD")) {
                    return HttpReply.json(workers());
                }
                requireMethod(m, "POST");
                return checkIn(body(r, MAX_CHECK_IN));
            }
            case "notify" -> {
                requireMethod(m, "POST");
                return notify(body(r, MAX_NOTIFY));
            }
            default -> {
            }
        }
        int slash = rest.indexOf('/');
        String id = slash < 0 ? rest : rest.substring(0, slash);
        String action = slash < 0 ? null : rest.substring(slash + 1);
        if (!id.matches("[0-9a-fA-F]{40}")) {
            throw new ApiException(404, "no such endpoint: " + shorten(path));
        }
        id = id.toLowerCase(Locale.ROOT);
        if (action == null) {
            requireMethod(m, "GET");
            Distribution d = coordinator().distribution(id)
                    .orElseThrow(() -> new ApiException(404, "no distribution " + shorten(rest)));
            return HttpReply.json(detail(d.status()));
        }
        switch (action) {
            case "progress" -> {
                requireMethod(m, "POST");
                return progress(id, body(r, MAX_REPORT));
            }
            case "broadcast" -> {
                requireMethod(m, "POST");
                Distribution d = coordinator().distribution(id)
                        .orElseThrow(() -> new ApiException(404, "no distribution " + shorten(rest)));
                if (d.kind() != DistributionKind.MODEL) {
                    throw new ApiException(409, "only model versions are broadcast");
                }
                ModelVersion v = Daemon.await(coordinator().broadcastToNetwork(d));
                return HttpReply.json(JsonObject.builder().put("seq", v.seq()).put("distribution",
                        summary(d.status())).build());
            }
            default -> throw new ApiException(404, "no such action: " + shorten(action));
        }
    }

    // ------------------------------------------------------------------------------------------ routes

    private JsonObject list() {
        Coordinator c = daemon.coordinator();
        Worker w = daemon.worker();
        if (c == null && w == null) {
            throw new ApiException(404, "this daemon neither coordinates nor works: no distributions");
        }
        JsonObject.Builder out = JsonObject.builder();
        if (c != null) {
            JsonArray.Builder list = JsonArray.builder();
            for (Distribution d : c.distributions()) {
                list.add(summary(d.status()));
            }
            out.put("coordinator", JsonObject.builder()
                    .put("channel", c.channel().toString())
                    .put("trackers", JsonArray.ofStrings(c.trackerUrls()))
                    .put("dht", c.hasDht())
                    .put("distributions", list.build())
                    .build());
        }
        if (w != null) {
            JsonArray.Builder copies = JsonArray.builder();
            for (LocalCopy copy : w.copies()) {
                copies.add(copyJson(copy));
            }
            out.put("worker", JsonObject.builder()
                    .put("id", w.id().value())
                    .put("channels", JsonArray.ofStrings(w.channels().stream().map(Channel::toString).sorted().toList()))
                    .put("copies", copies.build())
                    .build());
        }
        return out.build();
    }

    private HttpReply create(JsonObject body) throws IOException {
        Coordinator c = coordinator();
        String kind = body.getString("kind", "");
        switch (kind) {
            case "task" -> {
                known(body, Set.of("kind", "task_id", "files", "workers", "timeout_seconds"));
                String taskId = body.getString("task_id", null);
                List<Path> files = new ArrayList<>();
                for (String f : strings(body, "files", 1000)) {
                    files.add(existing(f));
                }
                Set<WorkerId> workers = new LinkedHashSet<>();
                for (String w : strings(body, "workers", 100_000)) {
                    workers.add(WorkerId.of(w));
                }
                long timeout = body.getLong("timeout_seconds", c.config().timeout().toSeconds());
                if (timeout < 1 || timeout > TimeUnit.DAYS.toSeconds(30)) {
                    throw new ApiException(400, "timeout_seconds is 1 s to 30 days");
                }
                Distribution d = c.distributeTask(taskId, files, workers, Duration.ofSeconds(timeout));
                return HttpReply.json(201, JsonObject.builder().put("distribution", summary(d.status())).build());
            }
            case "model" -> {
                known(body, Set.of("kind", "path", "metadata", "broadcast", "channel"));
                Path model = existing(body.getString("path", null));
                Map<String, String> metadata = new LinkedHashMap<>();
                JsonObject md = body.getObject("metadata");
                if (md != null) {
                    for (Map.Entry<String, JsonValue> e : md.members().entrySet()) {
                        if (!(e.getValue() instanceof JsonString s)) {
                            throw new ApiException(400, "metadata values are strings");
                        }
                        metadata.put(e.getKey(), s.value());
                    }
                }
                String channel = body.getString("channel", null);
                ModelDistributor publisher = channel == null ? c.models() : c.models(channel);
                Distribution d = publisher.distributeModel(model, metadata);
                long seq = -1;
                if (body.getBoolean("broadcast", true)) {
                    seq = Daemon.await(publisher.broadcastToNetwork(d)).seq();
                }
                return HttpReply.json(201, JsonObject.builder().put("seq", seq)
                        .put("distribution", summary(d.status())).build());
            }
            default -> throw new ApiException(400, "kind is task or model");
        }
    }

    private JsonObject workers() {
        JsonArray.Builder list = JsonArray.builder();
        for (WorkerRegistration w : coordinator().workers()) {
            list.add(JsonObject.builder()
                    .put("id", w.id().value())
                    .put("api", w.api() == null ? null : w.api().toString())
                    .put("channels", JsonArray.ofStrings(w.channels().stream().map(Channel::toString).sorted().toList()))
                    .put("last_seen", w.lastSeenMillis())
                    .build());
        }
        return JsonObject.builder().put("workers", list.build()).build();
    }

    private HttpReply checkIn(JsonObject body) {
        Coordinator c = coordinator();
        known(body, Set.of("id", "api", "channels"));
        WorkerId id = WorkerId.of(body.getString("id", ""));
        String api = body.getString("api", null);
        URI apiUri = null;
        if (api != null) {
            try {
                apiUri = new URI(api);
            } catch (Exception e) {
                throw new ApiException(400, "api is not a URL");
            }
        }
        Set<Channel> channels = new LinkedHashSet<>();
        for (String s : strings(body, "channels", WorkerRegistration.MAX_CHANNELS)) {
            channels.add(Channel.parse(s));
        }
        List<MutableItem> items = c.checkIn(new WorkerRegistration(id, apiUri, channels, 0));
        JsonArray.Builder out = JsonArray.builder();
        for (MutableItem item : items) {
            out.add(ItemJson.toJson(item));
        }
        return HttpReply.json(JsonObject.builder().put("items", out.build()).build());
    }

    private HttpReply notify(JsonObject body) {
        Worker w = daemon.worker();
        if (w == null) {
            throw new ApiException(404, "this daemon is not a worker");
        }
        known(body, Set.of("item"));
        MutableItem item = ItemJson.fromJson(body.get("item"));
        Verdict v = w.accept(item);
        return HttpReply.json(v.outcome().httpStatus(), JsonObject.builder()
                .put("outcome", v.outcome().name().toLowerCase(Locale.ROOT))
                .put("message", v.message())
                .put("seq", item.seq())
                .put("error", v.outcome().httpStatus() >= 400 ? v.message() : null)
                .build());
    }

    private HttpReply progress(String id, JsonObject body) {
        Coordinator c = coordinator();
        known(body, Set.of("worker", "state", "done", "total", "rate", "uploaded", "error"));
        ProgressReport.State state = switch (body.getString("state", "")) {
            case "starting" -> ProgressReport.State.STARTING;
            case "downloading" -> ProgressReport.State.DOWNLOADING;
            case "complete" -> ProgressReport.State.COMPLETE;
            case "error" -> ProgressReport.State.ERROR;
            default -> throw new ApiException(400, "state is starting, downloading, complete or error");
        };
        ProgressReport report = new ProgressReport(WorkerId.of(body.getString("worker", "")), id, state,
                body.getLong("done", 0), body.getLong("total", 0), body.getLong("rate", 0),
                body.getLong("uploaded", 0), body.getString("error", null));
        if (!c.report(report)) {
            throw new ApiException(404, "no distribution " + id + " is tracking workers");
        }
        return HttpReply.noContent();
    }

    // ------------------------------------------------------------------------------------------ JSON forms

    static JsonObject summary(DistributionStatus s) {
        return JsonObject.builder()
                .put("id", s.id())
                .put("kind", s.kind().name().toLowerCase(Locale.ROOT))
                .put("name", s.name())
                .put("task_id", s.taskId())
                .put("info_hash", s.infoHashes().hasV1() ? s.infoHashes().v1Hex() : null)
                .put("info_hash_v2", s.infoHashes().hasV2() ? s.infoHashes().v2Hex() : null)
                .put("size", s.totalBytes())
                .put("seq", s.seq())
                .put("announced", s.announced())
                .put("created", s.createdAtMillis())
                .put("deadline", s.deadlineMillis())
                .put("targets", s.targets())
                .put("complete", s.complete())
                .put("failed", s.failed())
                .put("timed_out", s.timedOut())
                .put("origin_uploaded", s.originUploadedBytes())
                .put("origin_upload_ratio", s.originUploadRatio())
                .put("settled", s.settled())
                .build();
    }

    static JsonObject detail(DistributionStatus s) {
        JsonArray.Builder workers = JsonArray.builder();
        for (WorkerProgress p : s.workers().values()) {
            workers.add(JsonObject.builder()
                    .put("worker", p.worker().value())
                    .put("state", p.state().name().toLowerCase(Locale.ROOT))
                    .put("target", p.target())
                    .put("done", p.doneBytes())
                    .put("total", p.totalBytes())
                    .put("progress", p.progress())
                    .put("rate", p.downloadRate())
                    .put("uploaded", p.uploadedBytes())
                    .put("message", p.message())
                    .put("updated", p.updatedAtMillis())
                    .build());
        }
        JsonObject sum = summary(s);
        JsonObject.Builder b = JsonObject.builder();
        sum.members().forEach(b::put);
        return b.put("workers", workers.build()).build();
    }

    static JsonObject copyJson(LocalCopy c) {
        JsonObject.Builder md = JsonObject.builder();
        c.metadata().forEach(md::put);
        return JsonObject.builder()
                .put("id", c.id())
                .put("kind", c.kind().name().toLowerCase(Locale.ROOT))
                .put("channel", c.channel() == null ? null : c.channel().toString())
                .put("task_id", c.taskId())
                .put("seq", c.seq())
                .put("name", c.name())
                .put("metadata", md.build())
                .put("directory", c.directory().toString())
                .put("state", c.state().name().toLowerCase(Locale.ROOT))
                .put("done", c.doneBytes())
                .put("total", c.totalBytes())
                .put("downloaded", c.downloadedBytes())
                .put("error", c.error())
                .build();
    }

    // ------------------------------------------------------------------------------------------ helpers

    private Coordinator coordinator() {
        Coordinator c = daemon.coordinator();
        if (c == null) {
            throw new ApiException(404, "this daemon is not a coordinator");
        }
        return c;
    }

    private static JsonObject body(Request r, int max) {
        if (r.body().length > max) {
            throw new ApiException(413, "body over " + max + " bytes");
        }
        return r.jsonBody(LIMITS);
    }

    private Path existing(String p) {
        if (p == null) {
            throw new ApiException(400, "a path is required");
        }
        Path path = daemon.roots().resolve(p);
        if (!Files.exists(path)) {
            throw new ApiException(404, "no such file: " + shorten(p));
        }
        return path;
    }

    private static List<String> strings(JsonObject body, String key, int max) {
        JsonArray a = body.getArray(key);
        if (a == null) {
            throw new ApiException(400, key + " must be a list of strings");
        }
        if (a.size() > max) {
            throw new ApiException(400, "at most " + max + " " + key);
        }
        List<String> out = new ArrayList<>();
        for (JsonValue v : a.values()) {
            if (!(v instanceof JsonString s)) {
                throw new ApiException(400, key + " must be a list of strings");
            }
            out.add(s.value());
        }
        return out;
    }

    private static void known(JsonObject body, Set<String> keys) {
        for (String k : body.keys()) {
            if (!keys.contains(k)) {
                throw new ApiException(400, "unknown member '" + shorten(k) + "'");
            }
        }
    }

    private static void requireMethod(String actual, String expected) {
        if (!actual.equals(expected) && !(expected.equals("GET") && actual.equals("HEAD"))) {
            throw new ApiException(405, "use " + expected);
        }
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
