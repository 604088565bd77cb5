package io.hivemind.bt.client.cli;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.client.TorrentState;
import io.hivemind.bt.client.TorrentStatus;
import io.hivemind.bt.tracker.server.TrackerServer;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hivebt quickstart}: the whole job on one machine, with nothing to set up. It makes a sample file, creates a
 * torrent for it, starts a tracker, a seeder and three downloaders on loopback in this process, shows the transfer
 * live, checks every copy byte for byte against the original, and prints a summary.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Run a complete swarm on loopback: tracker, seeder, three downloaders; verify every copy.")
final class QuickstartCommand implements Callable<Integer> {

    @Option(names = "--size", paramLabel = "bytes", converter = SizeConverter.class, defaultValue = "64M",
            description = "Size of the sample file (default: ${DEFAULT-VALUE}).")
    long size;

    @Option(names = "--downloaders", paramLabel = "n", defaultValue = "3", description = "Number of downloaders (default: ${DEFAULT-VALUE}).")
    int downloaders;

    @Option(names = "--kind", paramLabel = "v1|v2|hybrid", defaultValue = "hybrid",
            description = "Torrent kind (default: ${DEFAULT-VALUE}).")
    String kind;

    @Option(names = "--dir", paramLabel = "<dir>", description = "Work directory (default: a new temporary one, deleted afterwards).")
    Path dir;

    @Option(names = "--keep", description = "Keep the work directory.")
    boolean keep;

    @Option(names = "--timeout", paramLabel = "seconds", defaultValue = "300", description = "Give up after this long.")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (size <= 0 || downloaders < 1 || downloaders > 32) {
            throw new IllegalArgumentException("--size must be positive and --downloaders between 1 and 32");
        }
        TorrentVersion version = switch (kind.toLowerCase(Locale.ROOT)) {
            case "v1" -> TorrentVersion.V1;
            case "v2" -> TorrentVersion.V2;
            case "hybrid" -> TorrentVersion.HYBRID;
            default -> throw new IllegalArgumentException("--kind is v1, v2 or hybrid, not " + kind);
        };
        PrintStream out = System.out;
        boolean temporary = dir == null;
        Path work = temporary ? Files.createTempDirectory("hivebt-quickstart-") : Files.createDirectories(dir);
        try {
            return run(work, version, out);
        } finally {
            if (temporary && !keep) {
                deleteTree(work);
            } else {
                out.println("work directory: " + work);
            }
        }
    }

    private int run(Path work, TorrentVersion version, PrintStream out) throws Exception {
        long t0 = System.nanoTime();
        Path seedDir = Files.createDirectories(work.resolve("seeder"));
        Path sample = seedDir.resolve("sample.bin");
        out.printf(Locale.ROOT, "1. writing a %s sample file%n", Progress.bytes(size));
        byte[] originalSha = writeSample(sample, size);

        try (TrackerServer tracker = TrackerServer.builder().bindAddress(InetAddress.getLoopbackAddress())
                .httpPort(0).udpPort(0).announceInterval(Duration.ofSeconds(5)).minInterval(Duration.ofSeconds(1))
                .build().start()) {
            String announce = "http://127.0.0.1:" + tracker.httpAddress().getPort() + "/announce";
            out.println("2. tracker on " + announce + " (and udp://127.0.0.1:" + tracker.udpAddress().getPort() + ")");

            Metainfo mi = TorrentCreator.builder(sample).version(version).addTier(announce).build().create();
            Files.write(work.resolve("sample.torrent"), mi.encode());
            out.printf(Locale.ROOT, "3. created a %s torrent: %s, %d pieces of %s, info-hash %s%n",
                    version.name().toLowerCase(Locale.ROOT), mi.info().name(), mi.info().pieceCount(),
                    Progress.bytes(mi.info().pieceLength()), mi.infoHashes().wireIdHex());

            List<Session> sessions = new ArrayList<>();
            try {
                Session seeder = Session.builder().settings(settings()).build();
                sessions.add(seeder);
                TorrentHandle seed = seeder.add(AddTorrent.metainfo(mi).saveTo(seedDir)).get(30, TimeUnit.SECONDS);
                seed.completion().get(timeoutSeconds, TimeUnit.SECONDS);
                out.println("4. seeder verified the data and listens on " + seeder.listenAddresses().get(0));

                long start = System.nanoTime();
                List<TorrentHandle> handles = new ArrayList<>();
                for (int i = 0; i < downloaders; i++) {
                    Session s = Session.builder().settings(settings()).build();
                    sessions.add(s);
                    handles.add(s.add(AddTorrent.metainfo(mi).saveTo(work.resolve("downloader-" + (i + 1))))
                            .get(30, TimeUnit.SECONDS));
                }
                out.println("5. " + downloaders + " downloaders started; they find the seeder and each other through the tracker");
                if (!watch(handles, out, start)) {
                    return 1;
                }
                double secs = (System.nanoTime() - start) / 1e9;

                out.println("6. verifying every copy against the original (SHA-256)");
                boolean allOk = true;
                for (int i = 0; i < downloaders; i++) {
                    Path copy = work.resolve("downloader-" + (i + 1)).resolve("sample.bin");
                    boolean ok = Arrays.equals(originalSha, sha256(copy));
                    allOk &= ok;
                    out.printf(Locale.ROOT, "   downloader %d: %s%n", i + 1, ok ? "identical" : "DIFFERENT");
                }
                long seederUp = seed.status().totalUploaded();
                long total = (long) downloaders * size;
                out.println();
                out.println("summary");
                out.printf(Locale.ROOT, "   %d copies of %s in %.2f s (%s/s in total)%n", downloaders, Progress.bytes(size), secs,
                        Progress.bytes((long) (total / secs)));
                out.printf(Locale.ROOT, "   the seeder uploaded %s (%.2f copies); the downloaders shared the other %s%n",
                        Progress.bytes(seederUp), (double) seederUp / size, Progress.bytes(Math.max(0, total - seederUp)));
                out.printf(Locale.ROOT, "   tracker: %s%n", tracker.stats());
                out.printf(Locale.ROOT, "   every piece was checked (SHA-1 and/or SHA-256) before it was written; total %.1f s%n",
                        (System.nanoTime() - t0) / 1e9);
                out.println(allOk ? "OK: all copies verified" : "FAILED: a copy differs");
                return allOk ? 0 : 1;
            } finally {
                for (Session s : sessions) {
                    s.close();
                }
            }
        }
    }

    private SessionSettings settings() {
        return SessionSettings.builder().listen("127.0.0.1:0").dht(false).lsd(false).pex(false).networkThreads(1).build();
    }

    private boolean watch(List<TorrentHandle> handles, PrintStream out, long start) throws InterruptedException {
        boolean tty = System.console() != null && System.console().isTerminal();
        long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long lastPrint = 0;
        while (true) {
            boolean done = true;
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < handles.size(); i++) {
                TorrentStatus s = handles.get(i).status();
                if (s.state() == TorrentState.ERROR) {
                    out.println();
                    System.err.println("hivebt: downloader " + (i + 1) + ": " + s.errorMessage());
                    return false;
                }
                done &= handles.get(i).completion().isDone();
                line.append(String.format(Locale.ROOT, "  #%d %5.1f%% %9s/s", i + 1, s.progress() * 100,
                        Progress.bytes(s.downloadRate())));
            }
            long now = System.nanoTime();
            if (tty) {
                out.print("\r" + line);
                out.flush();
            } else if (done || now - lastPrint > TimeUnit.SECONDS.toNanos(1)) {
                out.println(line);
                lastPrint = now;
            }
            if (done) {
                if (tty) {
                    out.println();
                }
                return true;
            }
            if (now > deadline) {
                out.println();
                System.err.println("hivebt: the downloads did not finish within " + timeoutSeconds + " s");
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(250); // display refresh, not synchronisation
        }
    }

    /** Writes {@code size} pseudo-random bytes and returns their SHA-256. */
    private static byte[] writeSample(Path file, long size) throws IOException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SplittableRandom r = new SplittableRandom(20261126L);
        byte[] buf = new byte[1 << 20];
        try (OutputStream o = Files.newOutputStream(file)) {
            long left = size;
            while (left > 0) {
                r.nextBytes(buf);
                int n = (int) Math.min(left, buf.length);
                o.write(buf, 0, n);
                sha.update(buf, 0, n);
                left -= n;
            }
        }
        return sha.digest();
    }

    private static byte[] sha256(Path file) throws IOException, NoSuchAlgorithmException {
        if (!Files.exists(file)) {
            return new byte[0];
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return sha.digest();
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
