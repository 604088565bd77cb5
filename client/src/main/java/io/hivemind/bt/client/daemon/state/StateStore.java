package io.hivemind.bt.client.daemon.state;

import io.hivemind.bt.client.daemon.json.JsonLimits;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonReader;
import io.hivemind.bt.client.daemon.json.JsonWriter;
import io.hivemind.bt.wire.bencode.BencodeLimits;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The daemon's state directory:
 * <pre>
 *   &lt;dir&gt;/settings.json                the session settings the user changed through the API
 *   &lt;dir&gt;/torrents/&lt;key&gt;.json        a {@link TorrentRecord}
 *   &lt;dir&gt;/torrents/&lt;key&gt;.torrent     the torrent file (absent while a magnet waits for metadata)
 * </pre>
 * Every file is written with {@link AtomicFiles} and read back with its {@code .bak} as fallback. Resume data is the
 * session's business and lives in the session's own state directory. Thread-safe (writes are serialised).
 */
public final class StateStore {
    private final Path dir;
    private final Path torrents;

    public StateStore(Path dir) throws IOException {
        this.dir = dir.toAbsolutePath();
        this.torrents = this.dir.resolve("torrents");
        Files.createDirectories(torrents);
    }

    public Path directory() {
        return dir;
    }

    public synchronized void saveSettings(JsonObject settings) throws IOException {
        AtomicFiles.write(dir.resolve("settings.json"), JsonWriter.writeBytes(settings));
    }

    /** The saved settings, or null. */
    public JsonObject loadSettings() {
        return AtomicFiles.read(dir.resolve("settings.json"), b -> JsonReader.parseObject(b, JsonLimits.DEFAULT));
    }

    public synchronized void saveRecord(TorrentRecord r) throws IOException {
        AtomicFiles.write(torrents.resolve(r.key() + ".json"), JsonWriter.writeBytes(r.toJson()));
    }

    public synchronized void saveTorrentFile(String key, byte[] torrent) throws IOException {
        AtomicFiles.write(torrentFile(key), torrent);
    }

    public Path torrentFile(String key) {
        return torrents.resolve(key + ".torrent");
    }

    /** The stored {@code .torrent}, or null. */
    public byte[] loadTorrentFile(String key) {
        return AtomicFiles.read(torrentFile(key), b -> {
            if (b.length > BencodeLimits.DEFAULT.maxSize()) {
                throw new IllegalArgumentException("torrent file too large");
            }
            return b;
        });
    }

    public synchronized void delete(String key) throws IOException {
        AtomicFiles.delete(torrents.resolve(key + ".json"));
        AtomicFiles.delete(torrentFile(key));
    }

    /** All readable records, oldest first (by added time, then id). Unreadable ones are logged and skipped. */
    public List<TorrentRecord> loadRecords() throws IOException {
        List<TorrentRecord> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(torrents, "*.json")) {
            for (Path p : ds) {
                TorrentRecord r = AtomicFiles.read(p, b -> TorrentRecord.fromJson(JsonReader.parseObject(b,
                        JsonLimits.DEFAULT)));
                if (r != null) {
                    out.add(r);
                }
            }
        }
        // a target lost between the backup move and the rename: only its .bak is left
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(torrents, "*.json.bak")) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                Path target = p.resolveSibling(name.substring(0, name.length() - 4));
                if (!Files.exists(target)) {
                    TorrentRecord r = AtomicFiles.read(target, b -> TorrentRecord.fromJson(JsonReader.parseObject(b,
                            JsonLimits.DEFAULT)));
                    if (r != null) {
                        out.add(r);
                    }
                }
            }
        }
        out.sort(Comparator.comparingLong(TorrentRecord::addedAt).thenComparingInt(TorrentRecord::id));
        return out;
    }
}
