package io.hivemind.bt.client;

import io.hivemind.bt.wire.metainfo.Metainfo;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What to add to a session: a torrent file, parsed metainfo or a magnet link, and where and how to download it.
 * Immutable; build with {@link #file}, {@link #metainfo} or {@link #magnet} and the {@code with…}/setter chain.
 *
 * @param torrentFile    a {@code .torrent} path, or null
 * @param metainfo       parsed metainfo, or null
 * @param magnet         a magnet URI, or null
 * @param savePath       directory the data goes in
 * @param paused         add without starting
 * @param autoManaged    subject to the session's queue limits
 * @param queuePriority  higher runs first when queued (0 … 7)
 * @param filePriorities one entry per file (0 = skip … 7), empty = all 4
 * @param sequential     download pieces in order (streaming)
 * @param seedMode       trust that the data is complete without checking (a seeder that just created the torrent)
 * @param peers          peers to connect to right away
 * @param uploadLimit    per-torrent upload limit, bytes/s (0 = none)
 * @param downloadLimit  per-torrent download limit, bytes/s (0 = none)
 * @param maxConnections per-torrent connection limit (0 = session default)
 * @param trackers       extra tracker tiers
 */
public record AddTorrent(Path torrentFile, Metainfo metainfo, String magnet, Path savePath, boolean paused,
                         boolean autoManaged, int queuePriority, List<Integer> filePriorities, boolean sequential,
                         boolean seedMode, List<InetSocketAddress> peers, long uploadLimit, long downloadLimit,
                         int maxConnections, List<List<String>> trackers) {

    public AddTorrent {
        int sources = (torrentFile != null ? 1 : 0) + (metainfo != null ? 1 : 0) + (magnet != null ? 1 : 0);
        if (sources != 1) {
            throw new IllegalArgumentException("exactly one of torrentFile, metainfo, magnet");
        }
        Objects.requireNonNull(savePath, "savePath");
        filePriorities = List.copyOf(filePriorities);
        peers = List.copyOf(peers);
        trackers = trackers.stream().map(List::copyOf).toList();
        if (queuePriority < 0 || queuePriority > 7) {
            throw new IllegalArgumentException("queuePriority is 0..7: " + queuePriority);
        }
        for (int p : filePriorities) {
            if (p < 0 || p > 7) {
                throw new IllegalArgumentException("file priorities are 0..7: " + p);
            }
        }
        if (uploadLimit < 0 || downloadLimit < 0 || maxConnections < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
    }

    public static AddTorrent file(Path torrentFile) {
        return new AddTorrent(torrentFile, null, null, Path.of("."), false, true, 4, List.of(), false, false,
                List.of(), 0, 0, 0, List.of());
    }

    public static AddTorrent metainfo(Metainfo metainfo) {
        return new AddTorrent(null, metainfo, null, Path.of("."), false, true, 4, List.of(), false, false,
                List.of(), 0, 0, 0, List.of());
    }

    public static AddTorrent magnet(String uri) {
        return new AddTorrent(null, null, uri, Path.of("."), false, true, 4, List.of(), false, false,
                List.of(), 0, 0, 0, List.of());
    }

    public AddTorrent saveTo(Path dir) {
        return new AddTorrent(torrentFile, metainfo, magnet, dir, paused, autoManaged, queuePriority, filePriorities,
                sequential, seedMode, peers, uploadLimit, downloadLimit, maxConnections, trackers);
    }

    public AddTorrent paused(boolean p) {
        return new AddTorrent(torrentFile, metainfo, magnet, savePath, p, autoManaged, queuePriority, filePriorities,
                sequential, seedMode, peers, uploadLimit, downloadLimit, maxConnections, trackers);
    }

    public AddTorrent autoManaged(boolean a) {
        return new AddTorrent(torrentFile, metainfo, magnet, savePath, paused, a, queuePriority, filePriorities,
                sequential, seedMode, peers, uploadLimit, downloadLimit, maxConnections, trackers);
    }

    public AddTorrent queuePriority(int p) {
        return new AddTorrent(torrentFile, metainfo, magnet, savePath, paused, autoManaged, p, filePriorities,
                sequential, seedMode, peers, uploadLimit, downloadLimit, maxConnections, trackers);
    }

    public AddTorrent filePriorities(List<Integer> priorities) {
        return new AddTorrent(torrentFile, metainfo, magnet, savePath, paused, autoManaged, queuePriority, priorities,
                sequential, seedMode, peers, uploadLimit, downloadLimit, maxConnections, trackers);
    }

    public AddTorrent sequential(boolean s) {
        return new AddTorrent(torrentFile, metainfo, magnet, savePath, paused, autoManaged, queuePriority, filePriorities,
                s, seedMode, peers, uploadLimit, downloadLimit, maxConnections, trackers);
    }

    public AddTorrent seedMode(boolean s) {
        return new AddTorrent(torrentFile, metainfo, magnet, savePath, paused, autoManaged, queuePriority, filePriorities,
                sequential, s, peers, uploadLimit, downloadLimit, maxConnections, trackers);
    }

    public AddTorrent peers(List<InetSocketAddress> initialPeers) {
        return new AddTorrent(torrentFile, metainfo, magnet, savePath, paused, autoManaged, queuePriority, filePriorities,
                sequential, seedMode, initialPeers, uploadLimit, downloadLimit, maxConnections, trackers);
    }

    public AddTorrent limits(long upload, long download) {
        return new AddTorrent(torrentFile, metainfo, magnet, savePath, paused, autoManaged, queuePriority, filePriorities,
                sequential, seedMode, peers, upload, download, maxConnections, trackers);
    }

    public AddTorrent maxConnections(int n) {
        return new AddTorrent(torrentFile, metainfo, magnet, savePath, paused, autoManaged, queuePriority, filePriorities,
                sequential, seedMode, peers, uploadLimit, downloadLimit, n, trackers);
    }

    public AddTorrent trackers(List<List<String>> tiers) {
        return new AddTorrent(torrentFile, metainfo, magnet, savePath, paused, autoManaged, queuePriority, filePriorities,
                sequential, seedMode, peers, uploadLimit, downloadLimit, maxConnections, tiers);
    }
}
