package io.hivemind.bt.client.daemon;

import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.SessionSettings.EncryptionPolicy;
import io.hivemind.bt.client.daemon.http.ApiException;
import io.hivemind.bt.client.daemon.json.JsonArray;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonString;
import io.hivemind.bt.client.daemon.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@link SessionSettings} as the JSON of {@code GET/PATCH /api/settings}, with snake_case names. Only the settings a
 * running session can change are writable; the rest (storage, transport, directories, threads) are shown read-only,
 * and no setting names a program or a path, so the API cannot be turned into a way to run code or write files
 * elsewhere. Stateless.
 */
public final class SettingsCodec {
    /** The members {@link #patch} accepts. */
    public static final Set<String> WRITABLE = Set.of("listen", "enable_dht", "enable_lsd", "enable_pex", "enable_upnp",
            "enable_natpmp", "connections_limit", "half_open_limit", "max_connections_per_torrent",
            "max_uploads_per_torrent", "upload_rate_limit", "download_rate_limit", "active_downloads", "active_seeds",
            "active_limit", "share_ratio_limit", "seed_time_limit_seconds", "encryption", "backup_trackers");

    private SettingsCodec() {
    }

    public static JsonObject toJson(SessionSettings s) {
        return JsonObject.builder()
                .put("listen", JsonArray.ofStrings(s.listen()))
                .put("peer_id_prefix", s.peerIdPrefix())
                .put("enable_dht", s.enableDht())
                .put("enable_lsd", s.enableLsd())
                .put("enable_pex", s.enablePex())
                .put("enable_upnp", s.enableUpnp())
                .put("enable_natpmp", s.enableNatpmp())
                .put("connections_limit", s.connectionsLimit())
                .put("half_open_limit", s.halfOpenLimit())
                .put("max_connections_per_torrent", s.maxConnectionsPerTorrent())
                .put("max_uploads_per_torrent", s.maxUploadsPerTorrent())
                .put("upload_rate_limit", s.uploadRateLimit())
                .put("download_rate_limit", s.downloadRateLimit())
                .put("active_downloads", s.activeDownloads())
                .put("active_seeds", s.activeSeeds())
                .put("active_limit", s.activeLimit())
                .put("share_ratio_limit", s.shareRatioLimit())
                .put("seed_time_limit_seconds", s.seedTimeLimitSeconds())
                .put("encryption", s.encryption().name().toLowerCase(Locale.ROOT))
                .put("backup_trackers", JsonArray.ofStrings(s.backupTrackers()))
                .put("storage", s.storage().name().toLowerCase(Locale.ROOT))
                .put("piece_buffer_budget_bytes", s.pieceBufferBudgetBytes())
                .put("transport", s.transport().name().toLowerCase(Locale.ROOT))
                .put("network_threads", s.networkThreads())
                .build();
    }

    /** Only the writable members of {@code s}: what the state directory keeps. */
    public static JsonObject writableJson(SessionSettings s) {
        JsonObject all = toJson(s);
        JsonObject.Builder b = JsonObject.builder();
        for (String k : all.keys()) {
            if (WRITABLE.contains(k)) {
                b.put(k, all.get(k));
            }
        }
        return b.build();
    }

    /**
     * {@code base} with the members of {@code patch} applied. Unknown or read-only members are refused (400),
     * as are values the settings' own validation rejects; nothing is applied unless everything is valid.
     */
    public static SessionSettings patch(SessionSettings base, JsonObject patch) {
        for (String k : patch.keys()) {
            if (!WRITABLE.contains(k)) {
                throw new ApiException(400, toJson(base).has(k) ? "setting '" + k + "' cannot be changed through the API"
                        : "unknown setting '" + k + "'");
            }
        }
        SessionSettings.Builder b = base.toBuilder();
        if (patch.has("listen")) {
            b.listen(strings(patch.getArray("listen"), "listen").toArray(String[]::new));
        }
        if (patch.has("enable_dht")) {
            b.dht(patch.getBoolean("enable_dht", base.enableDht()));
        }
        if (patch.has("enable_lsd")) {
            b.lsd(patch.getBoolean("enable_lsd", base.enableLsd()));
        }
        if (patch.has("enable_pex")) {
            b.pex(patch.getBoolean("enable_pex", base.enablePex()));
        }
        if (patch.has("enable_upnp")) {
            b.upnp(patch.getBoolean("enable_upnp", base.enableUpnp()));
        }
        if (patch.has("enable_natpmp")) {
            b.natpmp(patch.getBoolean("enable_natpmp", base.enableNatpmp()));
        }
        b.connectionsLimit(patch.getInt("connections_limit", base.connectionsLimit()));
        b.halfOpenLimit(patch.getInt("half_open_limit", base.halfOpenLimit()));
        b.maxConnectionsPerTorrent(patch.getInt("max_connections_per_torrent", base.maxConnectionsPerTorrent()));
        b.maxUploadsPerTorrent(patch.getInt("max_uploads_per_torrent", base.maxUploadsPerTorrent()));
        b.uploadRateLimit(patch.getLong("upload_rate_limit", base.uploadRateLimit()));
        b.downloadRateLimit(patch.getLong("download_rate_limit", base.downloadRateLimit()));
        b.activeDownloads(patch.getInt("active_downloads", base.activeDownloads()));
        b.activeSeeds(patch.getInt("active_seeds", base.activeSeeds()));
        b.activeLimit(patch.getInt("active_limit", base.activeLimit()));
        b.shareRatioLimit(patch.getDouble("share_ratio_limit", base.shareRatioLimit()));
        b.seedTimeLimitSeconds(patch.getLong("seed_time_limit_seconds", base.seedTimeLimitSeconds()));
        String enc = patch.getString("encryption", null);
        if (enc != null) {
            try {
                b.encryption(EncryptionPolicy.valueOf(enc.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "encryption is one of disabled, enabled, forced");
            }
        }
        if (patch.has("backup_trackers")) {
            List<String> urls = strings(patch.getArray("backup_trackers"), "backup_trackers");
            for (String u : urls) {
                if (!u.matches("(?i)(https?|udp)://[^\\s]{1,2000}")) {
                    throw new ApiException(400, "backup tracker must be an http, https or udp URL: " + u);
                }
            }
            b.backupTrackers(urls);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }

    private static List<String> strings(JsonArray a, String key) {
        if (a == null) {
            throw new ApiException(400, "'" + key + "' must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonValue v : a.values()) {
            if (!(v instanceof JsonString s)) {
                throw new ApiException(400, "'" + key + "' must be an array of strings");
            }
            out.add(s.value());
        }
        return out;
    }
}
