package io.hivemind.bt.bench.tracker;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A bounded UDP tracker load generator (BEP 15), used by {@code bench/tracker/run.sh} to compare trackers.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.hivemind.bt.bench.tracker.UdpAnnounceLoad whitelist --swarms 100000 --out wl.txt
 * ... UdpAnnounceLoad populate --target 127.0.0.1:6969 --swarms 100000 --peers-per-swarm 10
 * ... UdpAnnounceLoad load --target 127.0.0.1:6969 --clients 256 --seconds 10
 * </pre>
 *
 * <p>{@code populate} announces every peer of every swarm once ({@code started}; peer 0 of each swarm is a seed),
 * so the tracker holds swarms × peers-per-swarm peers: peers are told apart by their announced port, since all
 * come from one source address. {@code load} runs {@code clients} closed-loop clients, each with its own
 * connection id (re-connected after 55 s, BEP 15), re-announcing random peers of the populated swarms (so the
 * tracker's memory stays put) and measuring the time from each announce to its answer. Lost packets are resent
 * after a timeout and counted. Everything is bounded: by count for {@code populate}, by time and by
 * {@code --max-announces} for {@code load}.
 *
 * <p>Info-hash {@code i} is the 4-byte big-endian {@code i} followed by the 16 ASCII bytes {@code hivebt-benchmark};
 * the wrk script builds the same hashes. Output: one {@code RESULT key=value ...} line on stdout.
 *
 * <p>Single-threaded, JDK NIO only (no Netty, no code of the tracker under test), so it measures any tracker alike.
 */
public final class UdpAnnounceLoad {
    static final byte[] TAIL = "hivebt-benchmark".getBytes(StandardCharsets.US_ASCII);
    private static final long PROTOCOL_ID = 0x41727101980L;
    private static final int BUCKET_US = 10;
    private static final int BUCKETS = 400_000; // 10 µs buckets up to 4 s

    private final InetSocketAddress target;
    private final InetAddress source;
    private final int swarms;
    private final int peersPerSwarm;
    private final int clients;
    private final long timeoutNanos;
    private final int numWant;

    // Per client slot
    private final long[] connId;
    private final long[] connAt;
    private final int[] pendingTx;
    private final long[] sentAt;
    private final int[] pendingWork; // populate: the work item; load: the peer announced
    private final boolean[] connecting;
    private final int[] seq;

    private final long[] histogram = new long[BUCKETS];
    private long announces;
    private long timeouts;
    private long errors;
    private long peersReceived;
    private long connects;

    private UdpAnnounceLoad(Map<String, String> o) throws IOException {
        String[] t = o.getOrDefault("target", "127.0.0.1:6969").split(":");
        target = new InetSocketAddress(InetAddress.getByName(t[0]), Integer.parseInt(t[1]));
        source = InetAddress.getByName(o.getOrDefault("source", "127.0.0.1"));
        swarms = Integer.parseInt(o.getOrDefault("swarms", "100000"));
        peersPerSwarm = Integer.parseInt(o.getOrDefault("peers-per-swarm", "10"));
        clients = Integer.parseInt(o.getOrDefault("clients", "256"));
        timeoutNanos = Duration.ofMillis(Long.parseLong(o.getOrDefault("timeout-ms", "2000"))).toNanos();
        numWant = Integer.parseInt(o.getOrDefault("numwant", "50"));
        if (clients < 1 || clients > 65536 || swarms < 1 || peersPerSwarm < 1 || peersPerSwarm > 50000) {
            throw new IllegalArgumentException("bad sizes");
        }
        connId = new long[clients];
        connAt = new long[clients];
        pendingTx = new int[clients];
        sentAt = new long[clients];
        pendingWork = new int[clients];
        connecting = new boolean[clients];
        seq = new int[clients];
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: UdpAnnounceLoad whitelist|populate|load [--key value]...");
            System.exit(2);
        }
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option, got " + args[i]);
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        switch (args[0]) {
            case "whitelist" -> whitelist(Integer.parseInt(o.getOrDefault("swarms", "100000")),
                    Path.of(o.getOrDefault("out", "whitelist.txt")));
            case "populate" -> new UdpAnnounceLoad(o).populate(Long.parseLong(o.getOrDefault("max-seconds", "300")));
            case "load" -> new UdpAnnounceLoad(o).load(Long.parseLong(o.getOrDefault("seconds", "10")),
                    Long.parseLong(o.getOrDefault("max-announces", "100000000")),
                    Long.parseLong(o.getOrDefault("warmup-seconds", "2")));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    static byte[] infoHash(int swarm) {
        byte[] h = new byte[20];
        h[0] = (byte) (swarm >>> 24);
        h[1] = (byte) (swarm >>> 16);
        h[2] = (byte) (swarm >>> 8);
        h[3] = (byte) swarm;
        System.arraycopy(TAIL, 0, h, 4, 16);
        return h;
    }

    static void whitelist(int swarms, Path out) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            for (int i = 0; i < swarms; i++) {
                w.println(java.util.HexFormat.of().formatHex(infoHash(i)));
            }
        }
    }

    // ------------------------------------------------------------------ modes

    private void populate(long maxSeconds) throws IOException {
        long total = (long) swarms * peersPerSwarm;
        long[] next = {0};
        long started = System.nanoTime();
        run(started + Duration.ofSeconds(maxSeconds).toNanos(), total, slot -> {
            if (next[0] >= total) {
                return -1;
            }
            return (int) next[0]++;
        }, true);
        double secs = (System.nanoTime() - started) / 1e9;
        report("populate", secs, cpuNanos());
        if (announces < total) {
            System.err.println("populate incomplete: " + announces + " of " + total);
            System.exit(1);
        }
    }

    private void load(long seconds, long maxAnnounces, long warmupSeconds) throws IOException {
        SplittableRandom rnd = new SplittableRandom(42);
        long total = (long) swarms * peersPerSwarm;
        if (warmupSeconds > 0) {
            run(System.nanoTime() + Duration.ofSeconds(warmupSeconds).toNanos(), maxAnnounces,
                    slot -> (int) rnd.nextLong(total), false);
            java.util.Arrays.fill(connAt, 0); // ids are bound to the source port, and the next run opens a new socket
            java.util.Arrays.fill(histogram, 0);
            announces = 0;
            timeouts = 0;
            errors = 0;
            peersReceived = 0;
            connects = 0;
        }
        long cpu0 = cpuNanos();
        long started = System.nanoTime();
        run(started + Duration.ofSeconds(seconds).toNanos(), maxAnnounces, slot -> (int) rnd.nextLong(total), false);
        long elapsed = System.nanoTime() - started;
        report("load", elapsed / 1e9, cpuNanos() - cpu0);
    }

    private interface Work {
        /** The next work item (swarm * peersPerSwarm + peer) for a slot, or -1 when there is none. */
        int next(int slot);
    }

    /** Runs the closed loop until the deadline, or {@code limit} announces answered, or no work is left. */
    private void run(long deadline, long limit, Work work, boolean started) throws IOException {
        try (DatagramChannel ch = DatagramChannel.open(); Selector sel = Selector.open()) {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, 8 << 20);
            ch.bind(new InetSocketAddress(source, 0));
            ch.connect(target);
            ch.configureBlocking(false);
            ch.register(sel, SelectionKey.OP_READ);
            ByteBuffer in = ByteBuffer.allocateDirect(65536);
            ByteBuffer out = ByteBuffer.allocateDirect(128);
            int active = 0;
            for (int s = 0; s < clients; s++) {
                pendingWork[s] = work.next(s);
                if (pendingWork[s] >= 0) {
                    active++;
                    sendNext(ch, out, s, System.nanoTime(), started);
                }
            }
            long lastScan = System.nanoTime();
            int idle = 0;
            while (active > 0) {
                int got = 0;
                while (true) {
                    in.clear();
                    int n = ch.read(in);
                    if (n <= 0) {
                        break;
                    }
                    got++;
                    long now = System.nanoTime();
                    int s = handle(in, n, now);
                    if (s >= 0) {
                        // an announce was answered: the slot's work item is done
                        if (now >= deadline || announces >= limit) {
                            pendingTx[s] = 0;
                            active--;
                            continue;
                        }
                        pendingWork[s] = work.next(s);
                        if (pendingWork[s] < 0) {
                            pendingTx[s] = 0;
                            active--;
                            continue;
                        }
                        sendNext(ch, out, s, now, started);
                    } else if (s <= -2) {
                        sendNext(ch, out, -s - 2, now, started); // a connect was answered: announce at once
                    }
                }
                long now = System.nanoTime();
                if (now - lastScan > 50_000_000L) {
                    lastScan = now;
                    for (int s = 0; s < clients; s++) {
                        if (pendingTx[s] != 0 && now - sentAt[s] > timeoutNanos) {
                            timeouts++;
                            if (now >= deadline + 5_000_000_000L) {
                                pendingTx[s] = 0;
                                active--;
                            } else {
                                connecting[s] = false;
                                connAt[s] = 0; // reconnect: the id may be what got lost
                                sendNext(ch, out, s, now, started);
                            }
                        }
                    }
                    if (now >= deadline + 5_000_000_000L) {
                        break;
                    }
                }
                if (got == 0) {
                    if (++idle > 64) {
                        sel.select(1);
                        sel.selectedKeys().clear();
                    } else {
                        Thread.onSpinWait();
                    }
                } else {
                    idle = 0;
                }
            }
        }
    }

    /** Sends a connect (when the slot's id is missing or older than 55 s) or the slot's announce. */
    private void sendNext(DatagramChannel ch, ByteBuffer out, int s, long now, boolean started) throws IOException {
        int tx = (s << 12) | (++seq[s] & 0xfff);
        if (tx == 0) {
            tx = (s << 12) | (++seq[s] & 0xfff);
        }
        out.clear();
        if (connAt[s] == 0 || now - connAt[s] > 55_000_000_000L) {
            connecting[s] = true;
            out.putLong(PROTOCOL_ID).putInt(0).putInt(tx);
        } else {
            connecting[s] = false;
            int item = pendingWork[s];
            int swarm = item / peersPerSwarm;
            int peer = item % peersPerSwarm;
            out.putLong(connId[s]).putInt(1).putInt(tx);
            out.put((byte) (swarm >>> 24)).put((byte) (swarm >>> 16)).put((byte) (swarm >>> 8)).put((byte) swarm);
            out.put(TAIL);
            out.put("-BENCH-".getBytes(StandardCharsets.US_ASCII));
            String id = String.format(Locale.ROOT, "%013d", item);
            out.put(id.getBytes(StandardCharsets.US_ASCII), 0, 13);
            out.putLong(0).putLong(peer == 0 ? 0 : 1000).putLong(0)
                    .putInt(started ? 2 : 0).putInt(0).putInt(0x5eed).putInt(numWant)
                    .putShort((short) (10000 + peer));
        }
        out.flip();
        pendingTx[s] = tx;
        sentAt[s] = now;
        ch.write(out);
    }

    /**
     * Handles a datagram. Returns the slot whose announce was answered (or refused), {@code -(slot + 2)} when a
     * connect was answered, -1 otherwise (a stale answer to a retransmitted request).
     */
    private int handle(ByteBuffer in, int n, long now) {
        if (n < 8) {
            errors++;
            return -1;
        }
        int action = in.getInt(0);
        int tx = in.getInt(4);
        int s = tx >>> 12;
        if (s < 0 || s >= clients || pendingTx[s] != tx || tx == 0) {
            return -1; // late answer to a retransmitted request
        }
        if (action == 0 && n >= 16 && connecting[s]) {
            connId[s] = in.getLong(8);
            connAt[s] = now;
            connects++;
            return -(s + 2);
        }
        if (action == 1 && n >= 20 && !connecting[s]) {
            long us = (now - sentAt[s]) / 1000;
            histogram[(int) Math.min(BUCKETS - 1, us / BUCKET_US)]++;
            announces++;
            peersReceived += (n - 20) / 6;
            return s;
        }
        errors++;
        if (errors <= 3) {
            byte[] msg = new byte[Math.max(0, n - 8)];
            in.get(8, msg);
            System.err.println("tracker refused slot " + s + " (action " + action + ", connecting " + connecting[s]
                    + "): " + new String(msg, StandardCharsets.ISO_8859_1));
        }
        pendingTx[s] = 0;
        // An error or a refusal: count it, reconnect and go on with the next item.
        connAt[s] = 0;
        return s;
    }

    private long percentileMicros(double q) {
        long total = 0;
        for (long c : histogram) {
            total += c;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += histogram[i];
            if (seen >= rank && rank > 0) {
                return (long) (i + 1) * BUCKET_US;
            }
        }
        return 0;
    }

    private void report(String mode, double seconds, long cpuNanos) {
        System.out.printf(Locale.ROOT, "RESULT mode=%s announces=%d seconds=%.2f rate=%.0f p50_us=%d p99_us=%d"
                        + " p999_us=%d timeouts=%d errors=%d connects=%d avg_peers=%.1f loadgen_cpu_s=%.2f%n",
                mode, announces, seconds, announces / seconds, percentileMicros(0.50), percentileMicros(0.99),
                percentileMicros(0.999), timeouts, errors, connects,
                announces == 0 ? 0.0 : (double) peersReceived / announces, cpuNanos / 1e9);
    }

    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
}
