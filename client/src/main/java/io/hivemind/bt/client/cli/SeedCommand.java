package io.hivemind.bt.client.cli;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.HostPort;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.client.TorrentState;
import io.hivemind.bt.client.TorrentStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hivebt seed <torrent> <dir>}: verifies the data, then seeds until interrupted. */
@Command(name = "seed", mixinStandardHelpOptions = true,
        description = "Seed a torrent from <dir> (the data is checked first) until interrupted.")
final class SeedCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<torrent>", description = "The .torrent file.")
    Path torrent;

    @Parameters(index = "1", paramLabel = "<dir>", description = "Directory holding the data.")
    Path dir;

    @Option(names = "--listen", paramLabel = "host:port", defaultValue = "0.0.0.0:6881",
            description = "Address to accept peers on (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--tracker", paramLabel = "url", description = "Extra tracker (repeatable).")
    List<String> trackers = new ArrayList<>();

    @Option(names = "--upload-limit", paramLabel = "rate", converter = SizeConverter.class, defaultValue = "0",
            description = "Upload limit in bytes/s (0 = none).")
    long uploadLimit;

    @Option(names = "--json-progress", description = "Print status as one JSON object per line.")
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

    @Option(names = "--skip-check", description = "Trust that the data is complete and correct (no hashing at start).")
    boolean skipCheck;

    @Option(names = "--duration", paramLabel = "seconds", defaultValue = "0", description = "Stop after this long (0 = until interrupted).")
    long durationSeconds;

    @Override
    public Integer call() throws Exception {
        HostPort.parse(listen);
        SessionSettings.Builder settings = SessionSettings.builder().listen(listen).dht(!noDht).lsd(!noLsd).upnp(upnp).natpmp(natpmp)
                .uploadRateLimit(uploadLimit);
        if (storage != null) {
            settings.storage(storage);
        }
        if (encryption != null) {
            settings.encryption(encryption);
        }
        AddTorrent add = AddTorrent.file(torrent).saveTo(dir).seedMode(skipCheck);
        if (!trackers.isEmpty()) {
            add = add.trackers(List.of(trackers));
        }
        Progress progress = Progress.forConsole(System.out, jsonProgress);
        CountDownLatch stop = new CountDownLatch(1);
        try (Session session = Session.builder().settings(settings.build()).build()) {
            Thread hook = new Thread(() -> {
                stop.countDown();
                session.close();
            }, "hivebt-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            TorrentHandle handle = session.add(add).get();
            System.err.println("hivebt: seeding " + torrent.getFileName() + " on " + session.listenAddresses());
            long end = durationSeconds > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(durationSeconds) : Long.MAX_VALUE;
            while (System.nanoTime() < end) {
                TorrentStatus s = handle.status();
                progress.update(s);
                if (s.state() == TorrentState.ERROR) {
                    progress.finish();
                    System.err.println("hivebt: " + s.errorMessage());
                    return 1;
                }
                if (stop.await(1, TimeUnit.SECONDS)) {
                    break;
                }
            }
            progress.finish();
            return 0;
        }
    }
}
