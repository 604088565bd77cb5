package io.hivemind.bt.client.daemon.state;

import io.hivemind.bt.client.daemon.json.JsonArray;
import io.hivemind.bt.client.daemon.json.JsonNumber;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * What the daemon remembers of one torrent across restarts: how it was added (the {@code .torrent} itself is kept
 * beside this record, or the magnet link until metadata arrives) plus the few facts the session's status does not
 * carry (the Transmission id, dates). Immutable.
 *
 * @param id             the Transmission RPC id (stable while the daemon runs, reassigned in order on restart)
 * @param key            the hex wire id used to name the state files
 * @param name           the name when added
 * @param magnet         the magnet link, or null when a {@code .torrent} is stored
 * @param savePath       the download directory (absolute)
 * @param paused         whether the user has it stopped
 * @param queuePriority  0 … 7
 * @param filePriorities per-file priorities, empty = default
 * @param uploadLimit    bytes/s, 0 = none
 * @param downloadLimit  bytes/s, 0 = none
 * @param seedMode       added by the daemon's own create_torrent (data known complete)
 * @param addedAt        epoch seconds
 * @param doneAt         epoch seconds when it completed, or 0
 */
public record TorrentRecord(int id, String key, String name, String magnet, String savePath, boolean paused,
                            int queuePriority, List<Integer> filePriorities, long uploadLimit, long downloadLimit,
                            boolean seedMode, long addedAt, long doneAt) {

    public TorrentRecord {
        filePriorities = List.copyOf(filePriorities);
        if (!key.matches("[0-9a-f]{40}")) {
            throw new IllegalArgumentException("bad torrent key " + key);
        }
    }

    public TorrentRecord withPaused(boolean p) {
        return new TorrentRecord(id, key, name, magnet, savePath, p, queuePriority, filePriorities, uploadLimit,
                downloadLimit, seedMode, addedAt, doneAt);
    }

    public TorrentRecord withMagnet(String m) {
        return new TorrentRecord(id, key, name, m, savePath, paused, queuePriority, filePriorities, uploadLimit,
                downloadLimit, seedMode, addedAt, doneAt);
    }

    public TorrentRecord withSavePath(String s) {
        return new TorrentRecord(id, key, name, magnet, s, paused, queuePriority, filePriorities, uploadLimit,
                downloadLimit, seedMode, addedAt, doneAt);
    }

    public TorrentRecord withFilePriorities(List<Integer> f) {
        return new TorrentRecord(id, key, name, magnet, savePath, paused, queuePriority, f, uploadLimit,
                downloadLimit, seedMode, addedAt, doneAt);
    }

    public TorrentRecord withLimits(long up, long down) {
        return new TorrentRecord(id, key, name, magnet, savePath, paused, queuePriority, filePriorities, up, down,
                seedMode, addedAt, doneAt);
    }

    public TorrentRecord withQueuePriority(int q) {
        return new TorrentRecord(id, key, name, magnet, savePath, paused, q, filePriorities, uploadLimit,
                downloadLimit, seedMode, addedAt, doneAt);
    }

    public TorrentRecord withDoneAt(long t) {
        return new TorrentRecord(id, key, name, magnet, savePath, paused, queuePriority, filePriorities, uploadLimit,
                downloadLimit, seedMode, addedAt, t);
    }

    public TorrentRecord withId(int i) {
        return new TorrentRecord(i, key, name, magnet, savePath, paused, queuePriority, filePriorities, uploadLimit,
                downloadLimit, seedMode, addedAt, doneAt);
    }

    public JsonObject toJson() {
        JsonArray.Builder fp = JsonArray.builder();
        for (int p : filePriorities) {
            fp.add(p);
        }
        return JsonObject.builder()
                .put("id", id).put("key", key).put("name", name).put("magnet", magnet).put("save_path", savePath)
                .put("paused", paused).put("queue_priority", queuePriority).put("file_priorities", fp.build())
                .put("upload_limit", uploadLimit).put("download_limit", downloadLimit).put("seed_mode", seedMode)
                .put("added_at", addedAt).put("done_at", doneAt)
                .build();
    }

    public static TorrentRecord fromJson(JsonObject o) {
        List<Integer> fp = new ArrayList<>();
        JsonArray a = o.getArray("file_priorities");
        if (a != null) {
            for (JsonValue v : a.values()) {
                fp.add(((JsonNumber) v).intValue());
            }
        }
        return new TorrentRecord(o.getInt("id", 0), o.getString("key", ""), o.getString("name", ""),
                o.getString("magnet", null), o.getString("save_path", "."), o.getBoolean("paused", false),
                o.getInt("queue_priority", 4), fp, o.getLong("upload_limit", 0), o.getLong("download_limit", 0),
                o.getBoolean("seed_mode", false), o.getLong("added_at", 0), o.getLong("done_at", 0));
    }
}
