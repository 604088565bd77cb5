package io.hivemind.bt.client.daemon.rpc;

import io.hivemind.bt.client.PeerInfo;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.SessionSettings.EncryptionPolicy;
import io.hivemind.bt.client.SessionStats;
import io.hivemind.bt.client.TorrentState;
import io.hivemind.bt.client.TorrentStatus;
import io.hivemind.bt.client.daemon.Daemon;
import io.hivemind.bt.client.daemon.SettingsCodec;
import io.hivemind.bt.client.daemon.TorrentSources;
import io.hivemind.bt.client.daemon.http.ApiException;
import io.hivemind.bt.client.daemon.http.HttpReply;
import io.hivemind.bt.client.daemon.http.Request;
import io.hivemind.bt.client.daemon.json.JsonArray;
import io.hivemind.bt.client.daemon.json.JsonException;
import io.hivemind.bt.client.daemon.json.JsonLimits;
import io.hivemind.bt.client.daemon.json.JsonNumber;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonReader;
import io.hivemind.bt.client.daemon.json.JsonString;
import io.hivemind.bt.client.daemon.json.JsonValue;
import io.hivemind.bt.wire.metainfo.FileEntry;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Transmission RPC (the legacy JSON protocol, {@code rpc-version} 17): requests
 * {@code {"method", "arguments", "tag"}}, answers {@code {"result": "success" | error, "arguments", "tag"}}. The
 * session-id handshake, Host check and authentication happen before this class sees a request
 * ({@link io.hivemind.bt.client.daemon.http.RequestGuard}). Rates are in kB/s (1000 bytes) as Transmission 3 counts
 * them. Settings that would let a caller run a program ({@code script-torrent-done-*}) are refused, and every
 * directory is confined to the download roots. Thread-safe.
 */
public final class TransmissionRpc {
    public static final int RPC_VERSION = 17;
    public static final String VERSION = "3.00 (hivebt " + Daemon.VERSION + ")";
    private static final int KB = 1000;

    private final Daemon daemon;
    private volatile Path downloadDir;

    public TransmissionRpc(Daemon daemon) {
        this.daemon = daemon;
        this.downloadDir = daemon.roots().defaultDirectory();
    }

    public HttpReply handle(Request r) {
        if (!r.method().equals("POST")) {
            return HttpReply.error(405, "use POST");
        }
        JsonObject req;
        try {
            req = JsonReader.parseObject(r.body(), JsonLimits.WITH_TORRENT);
        } catch (JsonException e) {
            return HttpReply.json(400, JsonObject.builder().put("result", "invalid JSON: " + e.getMessage()).build());
        }
        return HttpReply.json(call(req));
    }

    /** Runs one RPC request object and returns the response object. */
    public JsonObject call(JsonObject req) {
        JsonObject.Builder resp = JsonObject.builder();
        JsonValue tag = req.get("tag");
        try {
            String method = req.getString("method", null);
            if (method == null) {
                throw new RpcError("no method name");
            }
            JsonObject args = req.getObject("arguments");
            if (args == null) {
                args = JsonObject.EMPTY;
            }
            JsonObject out = dispatch(method, args);
            resp.put("arguments", out).put("result", "success");
        } catch (RpcError e) {
            resp.put("arguments", JsonObject.EMPTY).put("result", e.getMessage());
        } catch (ApiException | JsonException | IllegalArgumentException e) {
            resp.put("arguments", JsonObject.EMPTY).put("result", e.getMessage());
        } catch (UnsupportedOperationException e) {
            resp.put("arguments", JsonObject.EMPTY).put("result", e.getMessage() == null ? "not supported"
                    : e.getMessage());
        } catch (IOException e) {
            resp.put("arguments", JsonObject.EMPTY).put("result", "I/O error: " + e.getMessage());
        }
        if (tag instanceof JsonNumber) {
            resp.put("tag", tag);
        }
        return resp.build();
    }

    /** An RPC-level failure: reported in {@code result} with HTTP 200, as Transmission does. */
    static final class RpcError extends RuntimeException {
        RpcError(String message) {
            super(message);
        }
    }

    private JsonObject dispatch(String method, JsonObject a) throws IOException {
        return switch (method) {
            case "session-get" -> sessionGet(a);
            case "session-set" -> sessionSet(a);
            case "session-stats" -> sessionStats();
            case "torrent-get" -> torrentGet(a);
            case "torrent-add" -> torrentAdd(a);
            case "torrent-start", "torrent-start-now" -> each(a, e -> daemon.resume(e));
            case "torrent-stop" -> each(a, e -> daemon.pause(e));
            case "torrent-verify" -> each(a, e -> Daemon.await(e.handle().recheck()));
            case "torrent-reannounce" -> each(a, e -> Daemon.await(e.handle().reannounce()));
            case "torrent-remove" -> {
                boolean delete = a.getBoolean("delete-local-data", false);
                yield each(a, e -> daemon.remove(e, delete));
            }
            case "torrent-set" -> torrentSet(a);
            case "torrent-set-location" -> {
                String location = a.getString("location", null);
                if (location == null) {
                    throw new RpcError("no location");
                }
                boolean move = a.getBoolean("move", false);
                daemon.roots().resolve(location);
                yield each(a, e -> daemon.setLocation(e, location, move));
            }
            case "queue-move-top" -> queueMove(a, 0);
            case "queue-move-up" -> queueMove(a, 1);
            case "queue-move-down" -> queueMove(a, 2);
            case "queue-move-bottom" -> queueMove(a, 3);
            case "free-space" -> freeSpace(a);
            case "port-test" -> JsonObject.builder()
                    .put("port-is-open", !daemon.session().listenAddresses().isEmpty()).build();
            case "session-close", "blocklist-update", "torrent-rename-path" ->
                    throw new RpcError("method not supported by hivebt: " + method);
            default -> throw new RpcError("method name not recognized");
        };
    }

    // ------------------------------------------------------------------ ids

    /** The torrents {@code ids} selects; all when absent. */
    List<Daemon.Entry> select(JsonObject a) {
        JsonValue ids = a.get("ids");
        if (ids == null) {
            return daemon.entries();
        }
        LinkedHashSet<Daemon.Entry> out = new LinkedHashSet<>();
        List<JsonValue> items = ids instanceof JsonArray arr ? arr.values() : List.of(ids);
        for (JsonValue v : items) {
            if (v instanceof JsonNumber n) {
                Daemon.Entry e = daemon.byId(n.intValue());
                if (e != null) {
                    out.add(e);
                }
            } else if (v instanceof JsonString s) {
                if (s.value().equals("recently-active")) {
                    for (Daemon.Entry e : daemon.entries()) {
                        if (daemon.recentlyActive(e)) {
                            out.add(e);
                        }
                    }
                } else {
                    Daemon.Entry e = daemon.byHash(s.value());
                    if (e == null && s.value().matches("\\d{1,9}")) {
                        e = daemon.byId(Integer.parseInt(s.value()));
                    }
                    if (e != null) {
                        out.add(e);
                    }
                }
            } else {
                throw new RpcError("ids must be numbers or hash strings");
            }
        }
        return new ArrayList<>(out);
    }

    private interface Action {
        void apply(Daemon.Entry e) throws IOException;
    }

    private JsonObject each(JsonObject a, Action action) throws IOException {
        for (Daemon.Entry e : select(a)) {
            action.apply(e);
        }
        return JsonObject.EMPTY;
    }

    // ------------------------------------------------------------------ session

    private JsonObject sessionGet(JsonObject a) {
        SessionSettings s = daemon.settings();
        JsonObject.Builder b = JsonObject.builder()
                .put("alt-speed-down", 0).put("alt-speed-enabled", false).put("alt-speed-time-begin", 540)
                .put("alt-speed-time-day", 127).put("alt-speed-time-enabled", false).put("alt-speed-time-end", 1020)
                .put("alt-speed-up", 0)
                .put("blocklist-enabled", false).put("blocklist-size", 0).put("blocklist-url", "")
                .put("cache-size-mb", 4)
                .put("config-dir", daemon.store().directory().toString())
                .put("dht-enabled", s.enableDht())
                .put("download-dir", downloadDir.toString())
                .put("download-dir-free-space", free(downloadDir))
                .put("download-queue-enabled", s.activeDownloads() >= 0)
                .put("download-queue-size", Math.max(0, s.activeDownloads()))
                .put("encryption", switch (s.encryption()) {
                    case FORCED -> "required";
                    case ENABLED -> "preferred";
                    case DISABLED -> "tolerated";
                })
                .put("idle-seeding-limit", s.seedTimeLimitSeconds() / 60)
                .put("idle-seeding-limit-enabled", false)
                .put("incomplete-dir", downloadDir.toString()).put("incomplete-dir-enabled", false)
                .put("lpd-enabled", s.enableLsd())
                .put("peer-limit-global", s.connectionsLimit())
                .put("peer-limit-per-torrent", s.maxConnectionsPerTorrent())
                .put("peer-port", listenPort(s))
                .put("peer-port-random-on-start", false)
                .put("pex-enabled", s.enablePex())
                .put("port-forwarding-enabled", s.enableUpnp() || s.enableNatpmp())
                .put("queue-stalled-enabled", false).put("queue-stalled-minutes", 30)
                .put("rename-partial-files", false)
                .put("rpc-version", RPC_VERSION).put("rpc-version-minimum", 1)
                .put("script-torrent-done-enabled", false).put("script-torrent-done-filename", "")
                .put("seed-queue-enabled", s.activeSeeds() >= 0)
                .put("seed-queue-size", Math.max(0, s.activeSeeds()))
                .put("seedRatioLimit", s.shareRatioLimit()).put("seedRatioLimited", s.shareRatioLimit() > 0)
                .put("session-id", daemon.guard().rpcSessionId())
                .put("speed-limit-down", s.downloadRateLimit() / KB)
                .put("speed-limit-down-enabled", s.downloadRateLimit() > 0)
                .put("speed-limit-up", s.uploadRateLimit() / KB)
                .put("speed-limit-up-enabled", s.uploadRateLimit() > 0)
                .put("start-added-torrents", true)
                .put("trash-original-torrent-files", false)
                .put("units", JsonObject.builder()
                        .put("speed-units", JsonArray.ofStrings(List.of("kB/s", "MB/s", "GB/s", "TB/s")))
                        .put("speed-bytes", KB)
                        .put("size-units", JsonArray.ofStrings(List.of("kB", "MB", "GB", "TB")))
                        .put("size-bytes", KB)
                        .put("memory-units", JsonArray.ofStrings(List.of("KiB", "MiB", "GiB", "TiB")))
                        .put("memory-bytes", 1024).build())
                .put("utp-enabled", false)
                .put("version", VERSION);
        JsonObject all = b.build();
        JsonArray fields = a.getArray("fields");
        if (fields == null) {
            return all;
        }
        JsonObject.Builder picked = JsonObject.builder();
        for (JsonValue f : fields.values()) {
            if (f instanceof JsonString s2 && all.has(s2.value())) {
                picked.put(s2.value(), all.get(s2.value()));
            }
        }
        return picked.build();
    }

    private static int listenPort(SessionSettings s) {
        if (s.listen().isEmpty()) {
            return 0;
        }
        return io.hivemind.bt.client.HostPort.parse(s.listen().getFirst()).port();
    }

    private JsonObject sessionSet(JsonObject a) throws IOException {
        // refuse what could run code or write outside the roots, before changing anything
        if (a.getBoolean("script-torrent-done-enabled", false) || !a.getString("script-torrent-done-filename", "").isEmpty()
                || a.has("script-torrent-added-filename") || a.getBoolean("script-torrent-added-enabled", false)
                || a.has("script-torrent-done-seeding-filename")) {
            throw new RpcError("scripts are not supported by hivebt");
        }
        Path newDir = null;
        if (a.has("download-dir")) {
            newDir = daemon.roots().resolve(a.getString("download-dir", null));
        }
        if (a.has("incomplete-dir")) {
            daemon.roots().resolve(a.getString("incomplete-dir", null));
        }
        SessionSettings s = daemon.settings();
        JsonObject.Builder patch = JsonObject.builder();
        if (a.has("speed-limit-down") || a.has("speed-limit-down-enabled")) {
            boolean on = a.getBoolean("speed-limit-down-enabled", s.downloadRateLimit() > 0);
            long kb = a.getLong("speed-limit-down", s.downloadRateLimit() / KB);
            patch.put("download_rate_limit", on ? Math.max(kb, 1) * KB : 0);
        }
        if (a.has("speed-limit-up") || a.has("speed-limit-up-enabled")) {
            boolean on = a.getBoolean("speed-limit-up-enabled", s.uploadRateLimit() > 0);
            long kb = a.getLong("speed-limit-up", s.uploadRateLimit() / KB);
            patch.put("upload_rate_limit", on ? Math.max(kb, 1) * KB : 0);
        }
        if (a.has("peer-limit-global")) {
            patch.put("connections_limit", a.getInt("peer-limit-global", 0));
        }
        if (a.has("peer-limit-per-torrent")) {
            patch.put("max_connections_per_torrent", a.getInt("peer-limit-per-torrent", 0));
        }
        if (a.has("dht-enabled")) {
            patch.put("enable_dht", a.getBoolean("dht-enabled", true));
        }
        if (a.has("pex-enabled")) {
            patch.put("enable_pex", a.getBoolean("pex-enabled", true));
        }
        if (a.has("lpd-enabled")) {
            patch.put("enable_lsd", a.getBoolean("lpd-enabled", true));
        }
        if (a.has("port-forwarding-enabled")) {
            boolean on = a.getBoolean("port-forwarding-enabled", false);
            patch.put("enable_upnp", on).put("enable_natpmp", on);
        }
        if (a.has("download-queue-size") || a.has("download-queue-enabled")) {
            boolean on = a.getBoolean("download-queue-enabled", s.activeDownloads() >= 0);
            patch.put("active_downloads", on ? a.getInt("download-queue-size", Math.max(0, s.activeDownloads())) : -1);
        }
        if (a.has("seed-queue-size") || a.has("seed-queue-enabled")) {
            boolean on = a.getBoolean("seed-queue-enabled", s.activeSeeds() >= 0);
            patch.put("active_seeds", on ? a.getInt("seed-queue-size", Math.max(0, s.activeSeeds())) : -1);
        }
        if (a.has("seedRatioLimit") || a.has("seedRatioLimited")) {
            boolean on = a.getBoolean("seedRatioLimited", s.shareRatioLimit() > 0);
            patch.put("share_ratio_limit", on ? a.getDouble("seedRatioLimit", s.shareRatioLimit()) : 0.0);
        }
        if (a.has("encryption")) {
            EncryptionPolicy p = switch (a.getString("encryption", "")) {
                case "required" -> EncryptionPolicy.FORCED;
                case "preferred" -> EncryptionPolicy.ENABLED;
                case "tolerated" -> EncryptionPolicy.DISABLED;
                default -> throw new RpcError("encryption is required, preferred or tolerated");
            };
            patch.put("encryption", p.name().toLowerCase(Locale.ROOT));
        }
        if (a.has("peer-port")) {
            int port = a.getInt("peer-port", 0);
            if (port < 1 || port > 65535) {
                throw new RpcError("peer-port out of range");
            }
            String host = s.listen().isEmpty() ? "0.0.0.0" : io.hivemind.bt.client.HostPort.parse(s.listen().getFirst()).host();
            patch.put("listen", JsonArray.ofStrings(List.of(new io.hivemind.bt.client.HostPort(host, port).toString())));
        }
        JsonObject p = patch.build();
        if (p.size() > 0) {
            SettingsCodec.patch(s, p); // validates; throws before anything changes
            daemon.applySettings(p);
        }
        if (newDir != null) {
            Files.createDirectories(newDir);
            downloadDir = newDir;
        }
        return JsonObject.EMPTY;
    }

    private JsonObject sessionStats() {
        SessionStats st = daemon.session().stats();
        int active = 0;
        int paused = 0;
        List<Daemon.Entry> all = daemon.entries();
        for (Daemon.Entry e : all) {
            TorrentStatus s = daemon.status(e);
            if (s.state() == TorrentState.PAUSED || s.state() == TorrentState.ERROR) {
                paused++;
            } else if (s.downloadRate() > 0 || s.uploadRate() > 0) {
                active++;
            }
        }
        long secondsActive = (daemon.clock().millis() - daemon.startedMillis()) / 1000;
        JsonObject current = JsonObject.builder()
                .put("uploadedBytes", st.totalUploaded()).put("downloadedBytes", st.totalDownloaded())
                .put("filesAdded", all.size()).put("sessionCount", 1).put("secondsActive", secondsActive).build();
        return JsonObject.builder()
                .put("activeTorrentCount", active)
                .put("downloadSpeed", st.downloadRate())
                .put("pausedTorrentCount", paused)
                .put("torrentCount", all.size())
                .put("uploadSpeed", st.uploadRate())
                .put("cumulative-stats", current)
                .put("current-stats", current)
                .build();
    }

    private JsonObject freeSpace(JsonObject a) throws IOException {
        String path = a.getString("path", null);
        Path p = daemon.roots().resolve(path);
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new RpcError("no such directory");
        }
        FileStore fs = Files.getFileStore(existing);
        return JsonObject.builder().put("path", path == null ? p.toString() : path)
                .put("size-bytes", fs.getUsableSpace()).put("total_size", fs.getTotalSpace()).build();
    }

    private static long free(Path dir) {
        try {
            Path p = dir;
            while (p != null && !Files.exists(p)) {
                p = p.getParent();
            }
            return p == null ? -1 : Files.getFileStore(p).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    // ------------------------------------------------------------------ torrents

    private JsonObject torrentAdd(JsonObject a) throws IOException {
        String filename = a.getString("filename", null);
        String metainfo = a.getString("metainfo", null);
        if ((filename == null) == (metainfo == null)) {
            throw new RpcError("give exactly one of filename and metainfo");
        }
        byte[] torrent = null;
        String magnet = null;
        if (metainfo != null) {
            try {
                torrent = Base64.getMimeDecoder().decode(metainfo);
            } catch (IllegalArgumentException e) {
                throw new RpcError("metainfo is not base64");
            }
        } else if (filename.regionMatches(true, 0, "magnet:", 0, 7)) {
            magnet = filename;
        } else if (TorrentSources.isUrl(filename)) {
            torrent = TorrentSources.fetch(filename);
        } else {
            torrent = TorrentSources.readFile(daemon, filename);
        }
        List<Integer> priorities = List.of();
        if (torrent != null) {
            Metainfo m = Daemon.parseTorrent(torrent);
            int n = m.info().files().size();
            priorities = filePriorities(a, defaults(n), n);
        }
        int queue = switch (a.getInt("bandwidthPriority", 0)) {
            case -1 -> 2;
            case 1 -> 6;
            default -> 4;
        };
        Daemon.Added added = daemon.add(new Daemon.AddSpec(torrent, magnet,
                a.has("download-dir") ? a.getString("download-dir", null) : downloadDir.toString(),
                a.getBoolean("paused", false), queue, isDefault(priorities) ? List.of() : priorities, false));
        Daemon.Entry e = added.entry();
        JsonObject t = JsonObject.builder().put("id", e.id()).put("name", daemon.status(e).name())
                .put("hashString", e.key()).build();
        return JsonObject.builder().put(added.duplicate() ? "torrent-duplicate" : "torrent-added", t).build();
    }

    private static List<Integer> defaults(int n) {
        List<Integer> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(4);
        }
        return l;
    }

    private static boolean isDefault(List<Integer> l) {
        for (int p : l) {
            if (p != 4) {
                return false;
            }
        }
        return true;
    }

    /**
     * Applies {@code files-wanted}, {@code files-unwanted} and {@code priority-high/normal/low} to {@code base}:
     * unwanted → 0, low → 2, normal → 4, high → 6 (hivebt priorities 0 … 7). Empty index lists mean all files.
     */
    static List<Integer> filePriorities(JsonObject a, List<Integer> base, int files) {
        List<Integer> out = new ArrayList<>(base);
        apply(a, "priority-low", out, files, 2);
        apply(a, "priority-normal", out, files, 4);
        apply(a, "priority-high", out, files, 6);
        JsonArray unwanted = a.getArray("files-unwanted");
        if (unwanted != null) {
            for (int i : indices(unwanted, files)) {
                out.set(i, 0);
            }
        }
        JsonArray wanted = a.getArray("files-wanted");
        if (wanted != null) {
            for (int i : indices(wanted, files)) {
                if (out.get(i) == 0) {
                    out.set(i, 4);
                }
            }
        }
        return out;
    }

    private static void apply(JsonObject a, String key, List<Integer> out, int files, int priority) {
        JsonArray arr = a.getArray(key);
        if (arr != null) {
            for (int i : indices(arr, files)) {
                if (out.get(i) != 0) {
                    out.set(i, priority);
                }
            }
        }
    }

    private static List<Integer> indices(JsonArray arr, int files) {
        List<Integer> out = new ArrayList<>();
        if (arr.size() == 0) {
            for (int i = 0; i < files; i++) {
                out.add(i);
            }
            return out;
        }
        for (JsonValue v : arr.values()) {
            if (!(v instanceof JsonNumber n)) {
                throw new RpcError("file indices must be numbers");
            }
            int i = n.intValue();
            if (i < 0 || i >= files) {
                throw new RpcError("file index out of range: " + i);
            }
            out.add(i);
        }
        return out;
    }

    private JsonObject torrentSet(JsonObject a) throws IOException {
        List<Daemon.Entry> selected = select(a);
        if (a.has("location")) {
            daemon.roots().resolve(a.getString("location", null));
        }
        for (Daemon.Entry e : selected) {
            TorrentStatus s = daemon.status(e);
            if (a.has("files-wanted") || a.has("files-unwanted") || a.has("priority-high") || a.has("priority-low")
                    || a.has("priority-normal")) {
                List<Integer> base = new ArrayList<>();
                for (TorrentStatus.FileStatus f : s.files()) {
                    base.add(f.priority());
                }
                daemon.setFilePriorities(e, filePriorities(a, base, base.size()));
            }
            if (a.has("uploadLimit") || a.has("uploadLimited") || a.has("downloadLimit") || a.has("downloadLimited")) {
                long up = e.record().uploadLimit();
                long down = e.record().downloadLimit();
                if (a.has("uploadLimited") || a.has("uploadLimit")) {
                    boolean on = a.getBoolean("uploadLimited", up > 0 || a.has("uploadLimit"));
                    up = on ? Math.max(1, a.getLong("uploadLimit", Math.max(1, up / KB))) * KB : 0;
                }
                if (a.has("downloadLimited") || a.has("downloadLimit")) {
                    boolean on = a.getBoolean("downloadLimited", down > 0 || a.has("downloadLimit"));
                    down = on ? Math.max(1, a.getLong("downloadLimit", Math.max(1, down / KB))) * KB : 0;
                }
                daemon.setLimits(e, up, down);
            }
            if (a.has("queuePosition")) {
                daemon.setQueuePosition(e, a.getInt("queuePosition", 0));
            }
            if (a.has("location")) {
                daemon.setLocation(e, a.getString("location", null), false);
            }
        }
        return JsonObject.EMPTY;
    }

    /** 0 top, 1 up, 2 down, 3 bottom. */
    private JsonObject queueMove(JsonObject a, int how) {
        int count = daemon.entries().size();
        for (Daemon.Entry e : select(a)) {
            int pos = Math.max(0, daemon.status(e).queuePosition());
            int target = switch (how) {
                case 0 -> 0;
                case 1 -> Math.max(0, pos - 1);
                case 2 -> pos + 1;
                default -> Math.max(0, count - 1);
            };
            daemon.setQueuePosition(e, target);
        }
        return JsonObject.EMPTY;
    }

    private JsonObject torrentGet(JsonObject a) {
        JsonArray fields = a.getArray("fields");
        if (fields == null) {
            throw new RpcError("no fields given");
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonValue v : fields.values()) {
            if (v instanceof JsonString s) {
                names.add(s.value());
            }
        }
        boolean table = "table".equals(a.getString("format", "objects"));
        JsonArray.Builder torrents = JsonArray.builder();
        if (table) {
            torrents.add(JsonArray.ofStrings(new ArrayList<>(names)));
        }
        for (Daemon.Entry e : select(a)) {
            TorrentFields tf = new TorrentFields(daemon, e);
            JsonObject obj = tf.pick(names);
            if (table) {
                JsonArray.Builder row = JsonArray.builder();
                for (String n : names) {
                    row.add(obj.get(n));
                }
                torrents.add(row.build());
            } else {
                torrents.add(obj);
            }
        }
        JsonObject.Builder out = JsonObject.builder().put("torrents", torrents.build());
        JsonValue ids = a.get("ids");
        if (ids instanceof JsonString s && s.value().equals("recently-active")) {
            JsonArray.Builder removed = JsonArray.builder();
            for (int id : daemon.recentlyRemoved()) {
                removed.add(id);
            }
            out.put("removed", removed.build());
        }
        return out.build();
    }

    /** Transmission's status codes. */
    static int statusCode(TorrentStatus s) {
        return switch (s.state()) {
            case PAUSED, ERROR -> 0;
            case CHECKING -> 2;
            case QUEUED -> s.isComplete() ? 5 : 3;
            case DOWNLOADING, DOWNLOADING_METADATA -> 4;
            case SEEDING -> 6;
        };
    }

    static List<FileEntry> dataFiles(Metainfo m) {
        List<FileEntry> out = new ArrayList<>();
        for (FileEntry f : m.info().files()) {
            if (!f.isPad()) {
                out.add(f);
            }
        }
        return out;
    }

    static JsonObject peerJson(PeerInfo p) {
        String flags = (p.amInterested() && !p.peerChoking() ? "D" : p.amInterested() ? "d" : "")
                + (p.peerInterested() && !p.amChoking() ? "U" : p.peerInterested() ? "u" : "")
                + (p.encrypted() ? "E" : "") + (p.incoming() ? "I" : "");
        return JsonObject.builder()
                .put("address", p.address().getAddress() != null ? p.address().getAddress().getHostAddress()
                        : p.address().getHostString())
                .put("clientName", p.client())
                .put("clientIsChoked", p.amChoking())
                .put("clientIsInterested", p.amInterested())
                .put("flagStr", flags)
                .put("isDownloadingFrom", p.amInterested() && !p.peerChoking())
                .put("isEncrypted", p.encrypted())
                .put("isIncoming", p.incoming())
                .put("isUploadingTo", p.peerInterested() && !p.amChoking())
                .put("isUTP", false)
                .put("peerIsChoked", p.peerChoking())
                .put("peerIsInterested", p.peerInterested())
                .put("port", p.address().getPort())
                .put("progress", p.progress())
                .put("rateToClient", p.downloadRate())
                .put("rateToPeer", p.uploadRate())
                .build();
    }
}
