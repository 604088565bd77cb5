package io.hivemind.bt.bench.client;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One seeder and one downloader session in one JVM on loopback: the transfer loop without process start-up, for
 * profiling the data path (run it under JFR or async-profiler). Prints MB/s and the process CPU seconds per GiB of the
 * transfer (both sessions together).
 *
 * <pre>java -cp bench/target/benchmarks.jar io.hivemind.bt.bench.client.InProcessTransfer 1024 [rounds] [MMAP|POSITIONAL]</pre>
 */
public final class InProcessTransfer {
    private InProcessTransfer() {
    }

    public static void main(String[] args) throws Exception {
        long size = Long.parseLong(args.length > 0 ? args[0] : "512") << 20;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        SessionSettings.StorageKind store = args.length > 2 ? SessionSettings.StorageKind.valueOf(args[2])
                : SessionSettings.StorageKind.MMAP;
        Path tmp = Files.createTempDirectory("hivebt-inproc");
        Path data = tmp.resolve("seed/big.bin");
        Files.createDirectories(data.getParent());
        SplittableRandom r = new SplittableRandom(1);
        byte[] buf = new byte[1 << 20];
        try (OutputStream o = Files.newOutputStream(data)) {
            for (long left = size; left > 0; left -= buf.length) {
                r.nextBytes(buf);
                o.write(buf, 0, (int) Math.min(left, buf.length));
            }
        }
        Metainfo mi = TorrentCreator.builder(data).pieceLength(1 << 20).build().create();
        SessionSettings settings = SessionSettings.builder().listen("127.0.0.1:0").dht(false).lsd(false).pex(false)
                .encryption(SessionSettings.EncryptionPolicy.DISABLED).storage(store).build();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Session seeder = Session.builder().settings(settings).build()) {
            seeder.add(AddTorrent.metainfo(mi).saveTo(data.getParent()).seedMode(true)).get().completion().get();
            for (int round = 1; round <= rounds; round++) {
                Path dl = tmp.resolve("dl" + round);
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                try (Session downloader = Session.builder().settings(settings).build()) {
                    TorrentHandle h = downloader.add(AddTorrent.metainfo(mi).saveTo(dl)
                            .peers(List.of(seeder.listenAddresses().get(0)))).get();
                    h.completion().get();
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
                System.out.printf("round %d: %d MiB in %.2f s = %.0f MB/s, CPU %.2f s (%.2f s per GiB)%n", round,
                        size >> 20, secs, size / secs / 1e6, cpu, cpu / (size / (double) (1L << 30)));
                try (var files = Files.walk(dl)) {
                    for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }
}
