package io.hivemind.bt.client.cli;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.HostPort;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.client.TorrentState;
import io.hivemind.bt.client.TorrentStatus;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hivebt download <torrent|magnet> -d <dir>}: downloads, verifies every piece, exits 0 when complete. */
@Command(name = "download", mixinStandardHelpOptions = true,
        description = "Download a torrent or magnet link; exit 0 once every wanted piece is verified.")
final class DownloadCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<torrent|magnet>", description = "A .torrent file or a magnet: URI.")
    String source;

    @Option(names = {"-d", "--dir"}, paramLabel = "<dir>", defaultValue = ".", description = "Save directory (default: .).")
    Path dir;

    @Option(names = "--listen", paramLabel = "host:port", defaultValue = "0.0.0.0:6881",
            description = "Address to accept peers on (default: ${DEFAULT-VALUE}; port 0 picks one).")
    String listen;

    @Option(names = "--peer", paramLabel = "host:port", description = "Connect to this peer directly (repeatable).")
    List<String> peers = new ArrayList<>();

    @Option(names = "--tracker", paramLabel = "url", description = "Extra tracker (repeatable).")
    List<String> trackers = new ArrayList<>();

    @Option(names = "--download-limit", paramLabel = "rate", converter = SizeConverter.class, defaultValue = "0",
            description = "Download limit in bytes/s, e.g. 10M (0 = none).")
    long downloadLimit;

    @Option(names = "--upload-limit", paramLabel = "rate", converter = SizeConverter.class, defaultValue = "0",
            description = "Upload limit in bytes/s (0 = none).")
    long uploadLimit;

    @Option(names = "--max-connections", paramLabel = "n", defaultValue = "0", description = "Connection limit for this torrent.")
    int maxConnections;

    @Option(names = "--max-uploads", paramLabel = "n",
            description = "Peers uploaded to at once (regular unchoke slots, plus one optimistic; default: the session's).")
    Integer maxUploads;

    @Option(names = "--seed-after", paramLabel = "seconds", arity = "0..1", fallbackValue = "-1",
            description = "Keep seeding after completion: for the given seconds, or until interrupted without a value.")
    Long seedAfter;

    @Option(names = "--sequential", description = "Download pieces in order.")
    boolean sequential;

    @Option(names = "--json-progress", description = "Print progress as one JSON object per line.")
    boolean jsonProgress;

    @Option(names = "--no-dht", negatable = false, description = "Do not use the DHT.")
    boolean noDht;

    @Option(names = "--no-lsd", negatable = false, description = "Do not use Local Service Discovery.")
    boolean noLsd;

    @Option(names = "--upnp", description = "Map the listen port on the router with UPnP IGD.")
    boolean upnp;

    @Option(names = "--natpmp", description = "Map the listen port on the router with NAT-PMP/PCP.")
    boolean natpmp;

    @Option(names = "--storage", paramLabel = "kind", description = "Piece store: MMAP or POSITIONAL.")
    SessionSettings.StorageKind storage;

    @Option(names = "--encryption", paramLabel = "policy", description = "MSE/PE: DISABLED, ENABLED or FORCED.")
    SessionSettings.EncryptionPolicy encryption;

    @Option(names = "--state-dir", paramLabel = "<dir>", description = "Keep resume data here (resume after a crash).")
    Path stateDir;

    @Option(names = "--timeout", paramLabel = "seconds", defaultValue = "0", description = "Give up (exit 1) after this long (0 = never).")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        HostPort.parse(listen);
        SessionSettings.Builder settings = SessionSettings.builder().listen(listen).dht(!noDht).lsd(!noLsd).upnp(upnp).natpmp(natpmp)
                .stateDirectory(stateDir)
                // one torrent runs on one event loop; a second loop would only take incoming peers' reads and
                // hand every message over to the torrent's loop (a task and a wake-up each)
                .networkThreads(1);
        if (maxUploads != null) {
            settings.maxUploadsPerTorrent(maxUploads);
        }
        if (storage != null) {
            settings.storage(storage);
        }
        if (encryption != null) {
            settings.encryption(encryption);
        }
        AddTorrent add = source.startsWith("magnet:") ? AddTorrent.magnet(source) : AddTorrent.file(Path.of(source));
        List<InetSocketAddress> direct = new ArrayList<>();
        for (String p : peers) {
            direct.add(HostPort.parse(p).toSocketAddress());
        }
        add = add.saveTo(dir).peers(direct).limits(uploadLimit, downloadLimit).maxConnections(maxConnections)
                .sequential(sequential);
        if (!trackers.isEmpty()) {
            add = add.trackers(List.of(trackers));
        }
        Progress progress = Progress.forConsole(System.out, jsonProgress);
        long deadline = timeoutSeconds > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds) : Long.MAX_VALUE;
        try (Session session = Session.builder().settings(settings.build()).build()) {
            TorrentHandle handle = session.add(add).get();
            Runtime.getRuntime().addShutdownHook(new Thread(session::close, "hivebt-shutdown"));
            while (true) {
                TorrentStatus s = handle.status();
                progress.update(s);
                if (s.state() == TorrentState.ERROR) {
                    progress.finish();
                    System.err.println("hivebt: " + s.name() + ": " + s.errorMessage());
                    return 1;
                }
                if (handle.completion().isDone()) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    progress.finish();
                    System.err.println("hivebt: timed out after " + timeoutSeconds + " s at " + Math.round(s.progress() * 100) + "%");
                    return 1;
                }
                try {
                    handle.completion().get(1, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException ignored) {
                    // redraw progress once a second
                }
            }
            handle.completion().get();
            progress.update(handle.status());
            progress.finish();
            if (seedAfter != null) {
                seed(handle, progress, seedAfter);
            }
            return 0;
        }
    }

    private static void seed(TorrentHandle handle, Progress progress, long seconds) throws InterruptedException {
        long end = seconds < 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            Thread.sleep(1000); // a display refresh, not synchronisation
            progress.update(handle.status());
        }
        progress.finish();
    }
}
