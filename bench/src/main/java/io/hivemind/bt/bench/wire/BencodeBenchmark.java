package io.hivemind.bt.bench.wire;

import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BInt;
import io.hivemind.bt.wire.bencode.BList;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import io.hivemind.bt.wire.bencode.BencodeLimits;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding a generated v1 torrent of 10,000 files in nested directories (about 1.6 MB, 2,400 pieces of 4 MiB): the
 * bencode decoder alone ({@code decode}) and the full metainfo parse with validation, path sanitising, duplicate
 * detection and both info-hashes ({@code parse}).
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar BencodeBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BencodeBenchmark {
    private byte[] torrent;

    @Setup
    public void setup() {
        Random r = new Random(3);
        List<BValue> files = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < 10_000; i++) {
            long len = 1 + r.nextInt(2_000_000);
            total += len;
            files.add(BDict.builder().put("length", len).put("path", new BList(List.of(
                    BBytes.of("dir" + (i / 1000)), BBytes.of("sub" + (i / 100 % 10)),
                    BBytes.of("file-" + i + "-" + Long.toHexString(r.nextLong()) + ".dat")))).build());
        }
        long pieceLength = 4 << 20;
        byte[] pieces = new byte[(int) ((total + pieceLength - 1) / pieceLength) * 20];
        r.nextBytes(pieces);
        BDict info = BDict.builder().put("name", "ten-thousand").put("piece length", pieceLength)
                .put("files", new BList(files)).put("pieces", pieces).build();
        torrent = BDict.builder().put("announce", "http://tracker.example/announce").put("info", info)
                .put("creation date", BInt.of(1_700_000_000)).build().encode();
    }

    @Benchmark
    public BValue decode() {
        return BencodeDecoder.decode(torrent, BencodeLimits.DEFAULT);
    }

    @Benchmark
    public Metainfo parse() {
        return Metainfo.parse(torrent);
    }
}
