package io.hivemind.bt.storage;

import io.hivemind.bt.storage.resume.ResumeData;
import io.hivemind.bt.storage.resume.ResumeStore;
import io.hivemind.bt.wire.bits.Bitfield;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.netty.buffer.Unpooled;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A download with no network, for the crash test (test only, run as its own JVM and killed with {@code kill -9}):
 * "receives" the blocks of every missing piece from a source file in random order at a steady rate, through the
 * real {@link PieceBuffer} → verify → {@link PieceStore} path, and saves resume data periodically with
 * {@link TorrentStorage#saveResume}. At start it trusts or rechecks with {@link TorrentStorage#start}.
 *
 * <p>Log lines (one {@code write} each, so a kill never loses a finished line): {@code START <run> <verified>
 * <trusted> <rechecked>}, {@code V <run> <piece>} after a piece is verified and written, {@code S <run> <count>}
 * after a resume save is durable, {@code DONE <run>}.
 *
 * <p>Arguments: torrent source saveDir stateDir log run kind(MMAP|POSITIONAL) piecesPerSecond saveIntervalMs
 */
public final class CrashDownloader {
    private static final int BLOCK = 16 * 1024;

    private CrashDownloader() {
    }

    public static void main(String[] args) throws Exception {
        Path torrentFile = Path.of(args[0]);
        Path source = Path.of(args[1]);
        Path save = Path.of(args[2]);
        ResumeStore resume = new ResumeStore(Path.of(args[3]));
        FileOutputStream log = new FileOutputStream(args[4], true);
        int run = Integer.parseInt(args[5]);
        StoreKind kind = StoreKind.valueOf(args[6]);
        double rate = Double.parseDouble(args[7]);
        long saveIntervalNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[8]));

        Metainfo m = Metainfo.parse(Files.readAllBytes(torrentFile));
        byte[] infoHash = m.infoHashes().v1();
        int n = m.info().pieceCount();
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "crash-loop"));
        Storage storage = Storage.builder().hashThreads(2).diskThreads(1).pieceBufferBudget(8L << 20).build();
        TorrentStorage ts = storage.open(StoreSpec.builder(m.info(), save).hashes(PieceHashes.of(m)).kind(kind)
                .callbackExecutor(loop).build());
        ResumeStore.Loaded loaded = resume.load("t");
        TorrentStorage.StartResult start = ts.start(infoHash, loaded.data(), Recheck.Progress.NONE).get();
        Bitfield have = start.verified();
        line(log, "START " + run + " " + have.count() + " " + start.plan().trusted().count() + " "
                + start.plan().recheck().count());
        ResumeData template = loaded.data() != null ? loaded.data()
                : ResumeData.initial(infoHash, n, m.info().files().size(), save.toString(), 0);

        List<Integer> missing = new ArrayList<>();
        for (int p = have.nextClear(0); p >= 0; p = have.nextClear(p + 1)) {
            missing.add(p);
        }
        Random random = new Random(run * 7919L + 17);
        Collections.shuffle(missing, random);
        long pl = m.info().pieceLength();
        // files one after the other, pieces in random order inside each: finished files stay unchanged, so later
        // starts trust their pieces from the resume data instead of rechecking them
        missing.sort(java.util.Comparator.comparingInt(p -> m.info().fileIndexAt(p * pl)));
        long blockPause = (long) (1e9 / rate / Math.max(1, pl / BLOCK));
        AtomicBoolean saving = new AtomicBoolean();
        long lastSave = System.nanoTime();
        List<java.util.concurrent.CompletableFuture<PieceResult>> pending = new ArrayList<>();
        try (RandomAccessFile src = new RandomAccessFile(source.toFile(), "r")) {
            for (int p : missing) {
                byte[] data = new byte[m.info().pieceSize(p)];
                src.seek(p * pl);
                src.readFully(data);
                List<Integer> offsets = new ArrayList<>();
                for (int off = 0; off < data.length; off += BLOCK) {
                    offsets.add(off);
                }
                Collections.shuffle(offsets, random);
                PieceBuffer pb = loop.submit(() -> ts.begin(p)).get();
                for (int off : offsets) {
                    int len = Math.min(BLOCK, data.length - off);
                    loop.submit(() -> pb.add(off, Unpooled.wrappedBuffer(data, off, len), 1)).get();
                    LockSupport.parkNanos(blockPause); // the steady rate of a download
                }
                java.util.concurrent.CompletableFuture<PieceResult> f = pb.result().thenApplyAsync(r -> {
                    if (r instanceof PieceResult.Verified) {
                        have.set(p); // on the loop thread: the owner
                        line(log, "V " + run + " " + p);
                    } else {
                        line(log, "F " + run + " " + p + " " + r);
                    }
                    return r;
                }, loop);
                pending.add(f);
                if (System.nanoTime() - lastSave >= saveIntervalNanos && saving.compareAndSet(false, true)) {
                    lastSave = System.nanoTime();
                    save(ts, resume, template, have, loop, log, run, saving);
                }
            }
        }
        for (var f : pending) {
            f.get();
        }
        while (!saving.compareAndSet(false, true)) {
            LockSupport.parkNanos(1_000_000);
        }
        save(ts, resume, template, have, loop, log, run, saving);
        while (saving.get()) {
            LockSupport.parkNanos(1_000_000);
        }
        line(log, "DONE " + run + " " + have.count());
        ts.close();
        storage.close();
        loop.shutdown();
        System.exit(have.isFull() ? 0 : 3);
    }

    private static void save(TorrentStorage ts, ResumeStore resume, ResumeData template, Bitfield have,
                             ExecutorService loop, FileOutputStream log, int run, AtomicBoolean saving)
            throws Exception {
        Bitfield snapshot = loop.submit(have::copy).get(); // taken on the owner thread, before the flush
        ts.saveResume(resume, "t", template.withPieces(snapshot)).whenComplete((d, e) -> {
            if (e == null) {
                line(log, "S " + run + " " + d.verifiedCount());
            } else {
                line(log, "E " + run + " " + e);
            }
            saving.set(false);
        });
    }

    private static void line(FileOutputStream log, String s) {
        try {
            synchronized (log) {
                log.write((s + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
