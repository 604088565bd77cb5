package io.hivemind.bt.client.cli;

import io.hivemind.bt.storage.PieceHashes;
import io.hivemind.bt.storage.PieceStore;
import io.hivemind.bt.storage.Recheck;
import io.hivemind.bt.storage.Storage;
import io.hivemind.bt.storage.StoreKind;
import io.hivemind.bt.storage.StoreOptions;
import io.hivemind.bt.storage.StoreSpec;
import io.hivemind.bt.wire.bits.Bitfield;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.MetainfoException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hivebt recheck <torrent> <dir>}: hashes a torrent's data in {@code dir} (the save directory: a multi-file
 * torrent's files are in {@code dir/<name>/}) with every core, shows progress on a terminal, and prints how many
 * pieces verify. Exit code 0 when every piece verifies, 1 otherwise (or on a bad torrent), 2 on bad usage.
 * Creates and changes nothing on disk.
 */
@Command(name = "recheck", mixinStandardHelpOptions = true,
        description = "Hash a torrent's data on disk with all cores and report which pieces are complete.")
public final class RecheckCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<torrent>", description = "the .torrent file")
    Path torrent;

    @Parameters(index = "1", paramLabel = "<dir>", description = "the directory the torrent is saved in")
    Path dir;

    @Option(names = "--threads", paramLabel = "N", description = "hashing threads (default: one per core, ${DEFAULT-VALUE})")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--store", paramLabel = "KIND", description = "MMAP or POSITIONAL (default: ${DEFAULT-VALUE})")
    StoreKind store = StoreOptions.DEFAULT_KIND;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (threads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1");
        }
        Metainfo m;
        try {
            m = Metainfo.parse(Files.readAllBytes(torrent));
        } catch (IOException e) {
            err.println("hivebt recheck: cannot read " + torrent + ": " + e.getMessage());
            return 1;
        } catch (MetainfoException e) {
            err.println("hivebt recheck: " + torrent + " is not a valid torrent (" + e.reason() + "): "
                    + e.getMessage());
            return 1;
        }
        if (!Files.isDirectory(dir)) {
            err.println("hivebt recheck: " + dir + " is not a directory");
            return 1;
        }
        int n = m.info().pieceCount();
        boolean tty = System.console() != null && System.console().isTerminal();
        long t0 = System.nanoTime();
        AtomicLong lastPrint = new AtomicLong();
        Bitfield ok;
        try (Storage storage = Storage.builder().hashThreads(threads).diskThreads(1).openFileLimit(256).build();
             PieceStore s = storage.openStore(StoreSpec.builder(m.info(), dir).kind(store).build())) {
            Recheck.Progress progress = !tty ? Recheck.Progress.NONE : (checked, total, bytes) -> {
                long now = System.nanoTime();
                long last = lastPrint.get();
                if ((now - last >= 200_000_000L || checked == total) && lastPrint.compareAndSet(last, now)) {
                    synchronized (out) {
                        out.printf(Locale.ROOT, "\rchecking %d/%d pieces (%d%%) %.1f MB/s   ", checked, total,
                                total == 0 ? 100 : checked * 100L / total, mbps(bytes, now - t0));
                        out.flush();
                    }
                }
            };
            ok = Recheck.run(s, PieceHashes.of(m), null, storage.hashExecutor(), threads, progress, () -> false)
                    .join();
        } catch (CompletionException e) {
            err.println("hivebt recheck: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
            return 1;
        } catch (RuntimeException e) {
            err.println("hivebt recheck: " + e.getMessage());
            return 1;
        }
        long elapsed = System.nanoTime() - t0;
        long bytes = 0;
        for (int p = ok.nextSet(0); p >= 0; p = ok.nextSet(p + 1)) {
            bytes += m.info().pieceSize(p);
        }
        if (tty) {
            out.println();
        }
        out.printf(Locale.ROOT, "%s: %d of %d pieces OK, %d missing or bad%n", m.info().name(), ok.count(), n,
                n - ok.count());
        out.printf(Locale.ROOT, "time %.2f s, %.1f MB/s (%d threads, %s store)%n", elapsed / 1e9,
                mbps(bytes, elapsed), threads, store);
        out.println(ok.isFull() ? "complete" : "incomplete");
        out.flush();
        return ok.isFull() ? 0 : 1;
    }

    private static double mbps(long bytes, long nanos) {
        return nanos <= 0 ? 0 : bytes / 1e6 / (nanos / 1e9);
    }
}
