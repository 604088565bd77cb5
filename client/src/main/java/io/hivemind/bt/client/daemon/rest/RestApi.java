package io.hivemind.bt.client.daemon.rest;

import io.hivemind.bt.client.PeerInfo;
import io.hivemind.bt.client.TorrentStatus;
import io.hivemind.bt.client.daemon.Daemon;
import io.hivemind.bt.client.daemon.MagnetLinks;
import io.hivemind.bt.client.daemon.TorrentFactory;
import io.hivemind.bt.client.daemon.TorrentSources;
import io.hivemind.bt.client.daemon.http.ApiException;
import io.hivemind.bt.client.daemon.http.FileNames;
import io.hivemind.bt.client.daemon.http.HttpReply;
import io.hivemind.bt.client.daemon.http.Request;
import io.hivemind.bt.client.daemon.http.Upload;
import io.hivemind.bt.client.daemon.http.UploadReceiver;
import io.hivemind.bt.client.daemon.json.JsonArray;
import io.hivemind.bt.client.daemon.json.JsonLimits;
import io.hivemind.bt.client.daemon.json.JsonNumber;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonString;
import io.hivemind.bt.client.daemon.json.JsonValue;
import io.hivemind.bt.client.daemon.SettingsCodec;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The REST API under {@code /api/}: JSON in, JSON out, errors as {@code {"error": …, "status": …}}. The routes
 * are listed in {@link #ROUTES} and documented in the OpenAPI document at {@code /api/openapi.json}. Thread-safe.
 */
public final class RestApi {
    public static final String CREATE_PATH = "/api/create_torrent";
    /** Method and path template of every route, as the OpenAPI document lists them. */
    public static final List<String> ROUTES = List.of(
            "GET /api/session", "GET /api/openapi.json", "POST /api/create_torrent", "POST /api/add_torrent",
            "GET /api/torrents", "GET /api/torrents/{hash}", "PATCH /api/torrents/{hash}",
            "DELETE /api/torrents/{hash}", "GET /api/torrents/{hash}/torrent", "POST /api/torrents/{hash}/pause",
            "POST /api/torrents/{hash}/resume", "POST /api/torrents/{hash}/recheck",
            "POST /api/torrents/{hash}/reannounce", "GET /api/settings", "PATCH /api/settings", "GET /api/stats");

    private final Daemon daemon;
    private final DistributionApi distributions;
    private volatile byte[] openApi;

    public RestApi(Daemon daemon) {
        this.daemon = daemon;
        this.distributions = new DistributionApi(daemon);
    }

    public HttpReply handle(Request r) throws Exception {
        String path = r.path();
        String m = r.method();
        switch (path) {
            case "/api/session" -> {
                requireMethod(m, "GET");
                return HttpReply.json(session());
            }
            case "/api/openapi.json" -> {
                requireMethod(m, "GET");
                return new HttpReply(200, HttpReply.JSON, openApi(), Map.of("Cache-Control", "no-cache"));
            }
            case CREATE_PATH -> {
                requireMethod(m, "POST");
                return create(r.upload());
            }
            case "/api/add_torrent" -> {
                requireMethod(m, "POST");
                return add(r.jsonBody(JsonLimits.WITH_TORRENT));
            }
            case "/api/torrents" -> {
                requireMethod(m, "GET");
                JsonArray.Builder list = JsonArray.builder();
                for (Daemon.Entry e : daemon.entries()) {
                    list.add(TorrentJson.summary(e, daemon.status(e)));
                }
                return HttpReply.json(JsonObject.builder().put("torrents", list.build()).build());
            }
            case "/api/settings" -> {
                if (m.equals("GET")) {
                    return HttpReply.json(SettingsCodec.toJson(daemon.settings()));
                }
                requireMethod(m, "PATCH");
                return HttpReply.json(SettingsCodec.toJson(daemon.applySettings(r.jsonBody(JsonLimits.DEFAULT))));
            }
            case "/api/stats" -> {
                requireMethod(m, "GET");
                JsonObject stats = TorrentJson.stats(daemon.session().stats());
                return HttpReply.json(stats);
            }
            default -> {
            }
        }
        if (path.startsWith("/api/torrents/")) {
            return torrent(r, path.substring("/api/torrents/".length()));
        }
        if (DistributionApi.serves(path)) {
            return distributions.handle(r);
        }
        throw new ApiException(404, "no such endpoint: " + path);
    }

    private JsonObject session() {
        return JsonObject.builder()
                .put("version", Daemon.VERSION)
                .put("csrf_token", daemon.guard().csrfToken())
                .put("download_dir", daemon.roots().defaultDirectory().toString())
                .put("download_roots", JsonArray.ofStrings(daemon.roots().roots().stream().map(Path::toString).toList()))
                .put("rpc_version", 17)
                .build();
    }

    private byte[] openApi() throws IOException {
        byte[] b = openApi;
        if (b == null) {
            try (InputStream in = RestApi.class.getResourceAsStream("/io/hivemind/bt/client/daemon/web/openapi.json")) {
                if (in == null) {
                    throw new ApiException(500, "OpenAPI document missing");
                }
                b = in.readAllBytes();
            }
            openApi = b;
        }
        return b;
    }

    // ------------------------------------------------------------------ /api/torrents/{hash}[/action]

    private HttpReply torrent(Request r, String rest) throws IOException {
        String hash = rest;
        String action = null;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            hash = rest.substring(0, slash);
            action = rest.substring(slash + 1);
        }
        Daemon.Entry e = daemon.byHash(hash);
        if (e == null) {
            throw new ApiException(404, "no torrent with info-hash " + shorten(hash));
        }
        String m = r.method();
        if (action == null) {
            switch (m) {
                case "GET" -> {
                    TorrentStatus s = daemon.status(e);
                    List<PeerInfo> peers = Daemon.await(e.handle().peers());
                    return HttpReply.json(TorrentJson.detail(e, s, peers));
                }
                case "DELETE" -> {
                    String d = r.queryParam("delete_data");
                    boolean deleteData = d != null && (d.equals("1") || d.equalsIgnoreCase("true"));
                    daemon.remove(e, deleteData);
                    return HttpReply.json(JsonObject.builder().put("removed", e.key()).put("deleted_data", deleteData)
                            .build());
                }
                case "PATCH" -> {
                    patch(e, r.jsonBody(JsonLimits.DEFAULT));
                    return HttpReply.json(TorrentJson.summary(e, daemon.status(e)));
                }
                default -> throw new ApiException(405, "use GET, PATCH or DELETE");
            }
        }
        switch (action) {
            case "torrent" -> {
                requireMethod(m, "GET");
                byte[] t = daemon.store().loadTorrentFile(e.key());
                if (t == null) {
                    throw new ApiException(404, "metadata not known yet");
                }
                String name = FileNames.component(e.record().name());
                String file = (name == null ? e.key() : name).replaceAll("[^A-Za-z0-9._ ()-]", "_") + ".torrent";
                return new HttpReply(200, "application/x-bittorrent", t,
                        Map.of("Content-Disposition", "attachment; filename=\"" + file + "\""));
            }
            case "pause" -> {
                requireMethod(m, "POST");
                daemon.pause(e);
            }
            case "resume" -> {
                requireMethod(m, "POST");
                daemon.resume(e);
            }
            case "recheck" -> {
                requireMethod(m, "POST");
                Daemon.await(e.handle().recheck());
            }
            case "reannounce" -> {
                requireMethod(m, "POST");
                Daemon.await(e.handle().reannounce());
            }
            default -> throw new ApiException(404, "no such action: " + shorten(action));
        }
        return HttpReply.json(TorrentJson.summary(e, daemon.status(e)));
    }

    private void patch(Daemon.Entry e, JsonObject body) throws IOException {
        Set<String> known = Set.of("upload_limit", "download_limit", "file_priorities", "queue_position", "paused",
                "save_path");
        for (String k : body.keys()) {
            if (!known.contains(k)) {
                throw new ApiException(400, "unknown member '" + shorten(k) + "'");
            }
        }
        // validate everything before changing anything
        long up = body.getLong("upload_limit", e.record().uploadLimit());
        long down = body.getLong("download_limit", e.record().downloadLimit());
        if (up < 0 || down < 0) {
            throw new ApiException(400, "limits must not be negative");
        }
        List<Integer> priorities = null;
        JsonValue fp = body.get("file_priorities");
        if (fp != null) {
            int files = daemon.status(e).files().size();
            priorities = filePriorities(fp, files);
        }
        int queue = body.getInt("queue_position", -1);
        if (body.has("queue_position") && queue < 0) {
            throw new ApiException(400, "queue_position must not be negative");
        }
        String savePath = body.getString("save_path", null);
        if (savePath != null) {
            daemon.roots().resolve(savePath);
        }
        Boolean paused = body.has("paused") ? body.getBoolean("paused", false) : null;
        if (body.has("upload_limit") || body.has("download_limit")) {
            daemon.setLimits(e, up, down);
        }
        if (priorities != null) {
            daemon.setFilePriorities(e, priorities);
        }
        if (queue >= 0) {
            daemon.setQueuePosition(e, queue);
        }
        if (savePath != null) {
            daemon.setLocation(e, savePath, true);
        }
        if (paused != null) {
            if (paused) {
                daemon.pause(e);
            } else {
                daemon.resume(e);
            }
        }
    }

    /** A list of priorities, or an object {"index": priority} applied over the current ones. */
    private List<Integer> filePriorities(JsonValue v, int files) {
        List<Integer> out = new ArrayList<>();
        if (v instanceof JsonArray a) {
            if (a.size() != files) {
                throw new ApiException(400, "file_priorities needs " + files + " entries");
            }
            for (JsonValue x : a.values()) {
                out.add(priority(x));
            }
            return out;
        }
        if (v instanceof JsonObject o) {
            for (int i = 0; i < files; i++) {
                out.add(4);
            }
            for (Map.Entry<String, JsonValue> en : o.members().entrySet()) {
                int i;
                try {
                    i = Integer.parseInt(en.getKey());
                } catch (NumberFormatException ex) {
                    throw new ApiException(400, "file index must be a number");
                }
                if (i < 0 || i >= files) {
                    throw new ApiException(400, "no file " + i);
                }
                out.set(i, priority(en.getValue()));
            }
            return out;
        }
        throw new ApiException(400, "file_priorities must be an array or an object");
    }

    private static int priority(JsonValue x) {
        if (x instanceof JsonNumber n) {
            int p = n.intValue();
            if (p >= 0 && p <= 7) {
                return p;
            }
        }
        throw new ApiException(400, "file priorities are integers 0..7");
    }

    // ------------------------------------------------------------------ add

    private HttpReply add(JsonObject body) throws IOException {
        Set<String> known = Set.of("torrent_file", "torrent", "magnet", "url", "save_path", "paused", "priority",
                "file_priorities");
        for (String k : body.keys()) {
            if (!known.contains(k)) {
                throw new ApiException(400, "unknown member '" + shorten(k) + "'");
            }
        }
        byte[] torrent = null;
        String magnet = body.getString("magnet", null);
        String b64 = body.getString("torrent", null);
        String file = body.getString("torrent_file", null);
        String url = body.getString("url", null);
        int sources = (magnet != null ? 1 : 0) + (b64 != null ? 1 : 0) + (file != null ? 1 : 0) + (url != null ? 1 : 0);
        if (sources != 1) {
            throw new ApiException(400, "give exactly one of torrent_file, torrent (base64), magnet or url");
        }
        if (b64 != null) {
            try {
                torrent = Base64.getMimeDecoder().decode(b64);
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "torrent is not base64");
            }
        } else if (file != null) {
            torrent = TorrentSources.readFile(daemon, file);
        } else if (url != null) {
            if (url.regionMatches(true, 0, "magnet:", 0, 7)) {
                magnet = url;
            } else {
                torrent = TorrentSources.fetch(url);
            }
        }
        if (magnet != null) {
            MagnetLinks.infoHashes(magnet);
        }
        int priority = queuePriority(body.get("priority"));
        List<Integer> fp = List.of();
        JsonArray fpa = body.getArray("file_priorities");
        if (fpa != null) {
            List<Integer> l = new ArrayList<>();
            for (JsonValue v : fpa.values()) {
                l.add(priority(v));
            }
            fp = l;
        }
        Daemon.Added a = daemon.add(new Daemon.AddSpec(torrent, magnet, body.getString("save_path", null),
                body.getBoolean("paused", false), priority, fp, false));
        JsonObject summary = TorrentJson.summary(a.entry(), daemon.status(a.entry()));
        return HttpReply.json(a.duplicate() ? 200 : 201,
                JsonObject.builder().put("duplicate", a.duplicate()).put("torrent", summary).build());
    }

    private static int queuePriority(JsonValue v) {
        if (v == null || v instanceof io.hivemind.bt.client.daemon.json.JsonNull) {
            return 4;
        }
        if (v instanceof JsonString s) {
            return switch (s.value().toLowerCase(Locale.ROOT)) {
                case "low" -> 2;
                case "normal" -> 4;
                case "high" -> 6;
                default -> throw new ApiException(400, "priority is low, normal, high or 0..7");
            };
        }
        return priority(v);
    }

    // ------------------------------------------------------------------ create

    private HttpReply create(Upload upload) throws IOException {
        if (upload == null || upload.files().isEmpty()) {
            throw new ApiException(400, "upload at least one file (multipart/form-data)");
        }
        TorrentVersion kind = switch (String.valueOf(upload.field("kind")).toLowerCase(Locale.ROOT)) {
            case "null", "", "v1" -> TorrentVersion.V1;
            case "v2" -> TorrentVersion.V2;
            case "hybrid" -> TorrentVersion.HYBRID;
            default -> throw new ApiException(400, "kind is v1, v2 or hybrid");
        };
        long pieceSize = 0;
        String ps = upload.field("piece_size");
        if (ps != null && !ps.isBlank()) {
            try {
                pieceSize = Long.parseLong(ps.trim());
            } catch (NumberFormatException e) {
                throw new ApiException(400, "piece_size must be a number");
            }
        }
        String priv = upload.field("private");
        boolean isPrivate = priv != null && (priv.equals("1") || priv.equalsIgnoreCase("true")
                || priv.equalsIgnoreCase("on"));
        List<List<String>> tiers = new ArrayList<>();
        List<String> announces = upload.fields().getOrDefault("announce", List.of());
        for (String a : announces) {
            for (String line : a.split("[\\r\\n]+")) {
                String t = line.trim();
                if (t.isEmpty()) {
                    continue;
                }
                if (!t.matches("(?i)(https?|udp)://\\S{1,2000}")) {
                    throw new ApiException(400, "announce URLs must be http, https or udp: " + shorten(t));
                }
                tiers.add(List.of(t));
            }
        }
        String comment = upload.field("comment");
        // Lay the files out: one file alone, or a directory named after the torrent.
        List<Upload.UploadedFile> files = upload.files();
        String requestedName = upload.field("name") == null ? null : FileNames.component(upload.field("name"));
        List<List<String>> paths = new ArrayList<>();
        for (Upload.UploadedFile f : files) {
            paths.add(f.relativePath());
        }
        String commonTop = commonTop(paths);
        Path downloads = daemon.roots().defaultDirectory();
        Path content;
        if (files.size() == 1 && paths.getFirst().size() == 1 && requestedName == null) {
            content = unique(downloads, paths.getFirst().getFirst());
            Files.move(files.getFirst().file(), content);
        } else {
            String name = requestedName != null ? requestedName
                    : commonTop != null ? commonTop : stem(paths.getFirst().getLast());
            content = unique(downloads, name);
            Set<List<String>> seen = new HashSet<>();
            Files.createDirectories(content);
            try {
                for (int i = 0; i < files.size(); i++) {
                    List<String> rel = paths.get(i);
                    if (commonTop != null && requestedName == null) {
                        rel = rel.subList(1, rel.size());
                    }
                    if (!seen.add(rel)) {
                        throw new ApiException(400, "two files with the same path: " + String.join("/", rel));
                    }
                    Path target = content;
                    for (String c : rel) {
                        target = target.resolve(c);
                    }
                    if (!target.normalize().startsWith(content)) {
                        throw new ApiException(400, "unsafe file name");
                    }
                    Files.createDirectories(target.getParent());
                    Files.move(files.get(i).file(), target);
                }
            } catch (IOException | RuntimeException e) {
                UploadReceiver.deleteTree(content);
                throw e;
            }
        }
        Daemon.Added added;
        try {
            added = daemon.createAndSeed(new TorrentFactory.Spec(content, content.getFileName().toString(), tiers,
                    comment, isPrivate, pieceSize, kind));
        } catch (IllegalArgumentException e) {
            UploadReceiver.deleteTree(content);
            throw new ApiException(400, e.getMessage());
        } catch (IOException | RuntimeException e) {
            UploadReceiver.deleteTree(content);
            throw e;
        }
        Daemon.Entry e = added.entry();
        TorrentStatus s = daemon.status(e);
        var ih = e.infoHashes();
        return HttpReply.json(201, JsonObject.builder()
                .put("id", e.id())
                .put("info_hash", ih.hasV1() ? ih.v1Hex() : ih.wireIdHex())
                .put("info_hash_v2", ih.hasV2() ? ih.v2Hex() : null)
                .put("torrent_file", "/api/torrents/" + e.key() + "/torrent")
                .put("magnet", MagnetLinks.of(ih, e.record().name(), tiers.stream().flatMap(List::stream).toList()))
                .put("name", e.record().name())
                .put("size", e.handle().metainfo() != null ? e.handle().metainfo().info().totalLength() : s.wantedBytes())
                .put("duplicate", added.duplicate())
                .build());
    }

    /** The first component shared by every path of two or more components, or null. */
    private static String commonTop(List<List<String>> paths) {
        String top = null;
        for (List<String> p : paths) {
            if (p.size() < 2) {
                return null;
            }
            if (top == null) {
                top = p.getFirst();
            } else if (!top.equals(p.getFirst())) {
                return null;
            }
        }
        return top;
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** {@code dir/name}, or {@code dir/name (2)} … when taken. */
    private static Path unique(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path p = dir.resolve(name);
        for (int i = 2; Files.exists(p, LinkOption.NOFOLLOW_LINKS); i++) {
            if (i > 1000) {
                throw new ApiException(409, "too many files named " + shorten(name));
            }
            int dot = name.lastIndexOf('.');
            String n = dot > 0 ? name.substring(0, dot) + " (" + i + ")" + name.substring(dot) : name + " (" + i + ")";
            p = dir.resolve(n);
        }
        return p;
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
