package io.hivemind.bt.bench.discovery;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.Event;
import io.hivemind.bt.client.EventFilter;
import io.hivemind.bt.client.EventStream;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.dht.DhtConfig;
import io.hivemind.bt.dht.DhtNode;
import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.tracker.server.TrackerServer;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.magnet.MagnetLink;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Time to first peer and to metadata for a magnet link, hivebt against libtorrent 2.0 in one loopback swarm
 * (issue 7). One run sets up our HTTP tracker, a DHT router (our {@link DhtNode}) and two seeders of one 16 MiB
 * torrent, a hivebt session and a libtorrent session, both announced to the tracker and into the DHT. Then, for each
 * repetition and each discovery path ({@code tracker}: the magnet names our tracker, no DHT; {@code dht}: no
 * tracker in the link, the downloader's DHT bootstrapped from the router and holding at least one node before the
 * magnet is added), a fresh hivebt session and two fresh libtorrent processes each add the magnet (libtorrent with
 * its default settings, and {@code libtorrent-tick100} with {@code tick_interval} 100 ms instead of 500, since
 * libtorrent dials new peers on its tick and its default tick alone puts its first peer near 0.5 s); we record the time
 * from adding it to the first peer whose BitTorrent handshake completed, and to the info dictionary being received
 * and verified (BEP 9). LSD is off everywhere, so the path measured is the only one.
 *
 * <p>Clocks: hivebt's times come from its event timestamps (the session's {@code System.nanoTime}); libtorrent's from
 * {@code lt_discovery.py}, which polls {@code get_peer_info()} every 2 ms for the first peer and pops the
 * metadata alert (about 2 ms resolution). The first repetition warms both up and is not counted. The machine is
 * shared: read the ratios, not the absolute figures.
 *
 * <p>Run: {@code bench/discovery/magnet_first_peer.sh [repetitions]} (or {@code java -cp bench/target/benchmarks.jar
 * -Dhivebt.lt.script=client/src/test/resources/io/hivemind/bt/client/interop/lt_discovery.py
 * io.hivemind.bt.bench.discovery.MagnetFirstPeer 7}).
 */
public final class MagnetFirstPeer {
    private static final String PYTHON = "/usr/bin/python3";
    private static final long MS = 1_000_000L;

    private MagnetFirstPeer() {
    }

    /** One magnet added once; {@code firstPeer} says who the first peer was and how it was learned. */
    record Sample(String path, String client, long firstPeerMs, long metadataMs, String firstPeer) {
    }

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        Path script = Path.of(System.getProperty("hivebt.lt.script",
                "client/src/test/resources/io/hivemind/bt/client/interop/lt_discovery.py"));
        Path work = Files.createTempDirectory("hivebt-magnet-bench");
        EventLoopGroup trackerLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        List<Process> processes = new ArrayList<>();
        try {
            TrackerServer tracker = TrackerServer.builder().bindAddress(InetAddress.getLoopbackAddress()).httpPort(0)
                    .udpPort(-1).announceInterval(Duration.ofSeconds(60)).minInterval(Duration.ofSeconds(1))
                    .transport(trackerLoops, NioServerSocketChannel::new, NioDatagramChannel::new).build().start();
            String announce = "http://127.0.0.1:" + tracker.httpAddress().getPort() + "/announce";
            DhtConfig loopbackDht = DhtConfig.builder().restrictRoutingIps(false)
                    .rateLimit(1_000_000, Duration.ofSeconds(10), Duration.ofMinutes(5)).build();
            try (DhtNode router = DhtNode.builder().bind(new InetSocketAddress("127.0.0.1", 0)).config(loopbackDht)
                    .build()) {
                router.start().get(10, TimeUnit.SECONDS);
                String routerAddr = "127.0.0.1:" + router.localAddresses().getFirst().getPort();

                Path data = work.resolve("seed");
                writeRandom(data.resolve("bench.bin"), 16 << 20);
                Metainfo mi = TorrentCreator.builder(data.resolve("bench.bin")).pieceLength(256 * 1024)
                        .addTier(announce).build().create();
                Path torrent = work.resolve("bench.torrent");
                Files.write(torrent, mi.encode());

                SessionSettings seedSettings = settings(true, routerAddr);
                try (Session hvSeed = Session.builder().settings(seedSettings).build()) {
                    hvSeed.add(AddTorrent.metainfo(mi).saveTo(data).seedMode(true)).get(10, TimeUnit.SECONDS);
                    Process ltSeed = lt(script, "{\"torrent\": \"" + torrent + "\", \"save\": \"" + data
                            + "\", \"mode\": \"seed\", \"dht\": true, \"dht_bootstrap\": \"" + routerAddr
                            + "\", \"dht_announce_interval\": 10, \"stay\": true, \"deadline\": 3600}");
                    processes.add(ltSeed);
                    int ltSeedPort = Integer.parseInt(awaitLine(ltSeed, "ready ", 30).substring(6).trim());
                    InetSocketAddress hvAddr = hvSeed.listenAddresses().getFirst();
                    InetSocketAddress ltAddr = new InetSocketAddress("127.0.0.1", ltSeedPort);
                    // the swarm is ready when both seeders are in the DHT and at the tracker
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                    List<InetSocketAddress> inDht = List.of();
                    while ((!inDht.contains(hvAddr) || !inDht.contains(ltAddr) || tracker.stats().seeders() < 2)
                            && System.nanoTime() < end) {
                        inDht = router.getPeers(NodeId.of(mi.infoHashes().v1())).get(30, TimeUnit.SECONDS);
                        Thread.sleep(500);
                    }
                    System.err.printf("swarm: DHT %s, tracker seeders %d%n", inDht, tracker.stats().seeders());

                    String viaTracker = new MagnetLink(mi.infoHashes(), "bench.bin", List.of(announce), List.of(),
                            List.of(), List.of(), List.of()).format();
                    String viaDht = MagnetLink.of(mi.infoHashes()).format();
                    List<Sample> samples = new ArrayList<>();
                    for (int rep = 0; rep <= reps; rep++) {
                        for (String path : List.of("tracker", "dht")) {
                            String magnet = path.equals("tracker") ? viaTracker : viaDht;
                            boolean dht = path.equals("dht");
                            List<String> order = rep % 2 == 0 ? List.of("hivebt", "libtorrent", "libtorrent-tick100")
                                    : List.of("libtorrent-tick100", "libtorrent", "hivebt");
                            for (String client : order) {
                                Path dl = Files.createDirectories(work.resolve("dl-" + rep + "-" + path + "-" + client));
                                Sample s = client.equals("hivebt") ? hivebt(path, magnet, dht, routerAddr, dl)
                                        : libtorrent(script, client, path, magnet, dht, routerAddr, dl, processes);
                                System.err.printf("rep %d %-7s %-10s first peer %5d ms, metadata %5d ms, first peer %s%s%n",
                                        rep, path, client, s.firstPeerMs(), s.metadataMs(),
                                        name(s.firstPeer(), hvAddr, ltAddr), rep == 0 ? " (warm-up)" : "");
                                if (rep > 0) {
                                    samples.add(s);
                                }
                            }
                        }
                    }
                    report(samples, reps);
                }
            }
            tracker.close();
        } finally {
            for (Process p : processes) {
                p.destroyForcibly();
            }
            trackerLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            try (var files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static SessionSettings settings(boolean dht, String router) {
        SessionSettings.Builder b = SessionSettings.builder().listen("127.0.0.1:0").dht(dht).lsd(false)
                .encryption(SessionSettings.EncryptionPolicy.DISABLED).networkThreads(2);
        return (dht ? b.dhtBootstrap(router) : b.dhtBootstrap()).build();
    }

    private static Sample hivebt(String path, String magnet, boolean dht, String router, Path dl) throws Exception {
        try (Session s = Session.builder().settings(settings(dht, router)).build()) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (dht && s.stats().dhtNodes() < 1 && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            EventStream.Subscription events = s.events().subscribe(EventFilter.all());
            long t0 = System.nanoTime();
            s.add(AddTorrent.magnet(magnet).saveTo(dl)).get(10, TimeUnit.SECONDS);
            long first = -1;
            long meta = -1;
            String who = "?";
            long deadline = t0 + TimeUnit.SECONDS.toNanos(120);
            while ((first < 0 || meta < 0) && System.nanoTime() < deadline) {
                Event e = events.poll(200, TimeUnit.MILLISECONDS);
                if (e instanceof Event.PeerConnected pc && first < 0) {
                    first = (pc.atNanos() - t0) / MS;
                    who = pc.peer().getAddress().getHostAddress() + ":" + pc.peer().getPort()
                            + (pc.incoming() ? " incoming" : "");
                } else if (e instanceof Event.MetadataReceived mr && meta < 0) {
                    meta = (mr.atNanos() - t0) / MS;
                }
            }
            return new Sample(path, "hivebt", first, meta, who);
        }
    }

    private static Sample libtorrent(Path script, String client, String path, String magnet, boolean dht,
            String router, Path dl, List<Process> processes) throws Exception {
        String tick = client.endsWith("-tick100") ? "\"tick_interval\": 100, " : "";
        String cfg = "{" + tick + "\"torrent\": \"" + magnet + "\", \"save\": \"" + dl + "\", \"mode\": \"download\", \"dht\": "
                + dht + (dht ? ", \"dht_bootstrap\": \"" + router + "\", \"wait_dht_nodes\": 1" : "")
                + ", \"stay\": true, \"deadline\": 120}";
        Process p = lt(script, cfg);
        processes.add(p);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long first = -1;
            long meta = -1;
            String who = "?";
            String line;
            while ((first < 0 || meta < 0) && (line = r.readLine()) != null) {
                if (line.startsWith("first_peer ")) {
                    String[] f = line.split(" ");
                    first = Long.parseLong(f[1]);
                    // libtorrent's peer source flags: 32 = it connected to us
                    who = f[2] + (f.length > 3 && (Integer.parseInt(f[3]) & 32) != 0 ? " incoming" : "");
                } else if (line.startsWith("metadata ")) {
                    meta = Long.parseLong(line.split(" ")[1]);
                }
            }
            return new Sample(path, client, first, meta, who);
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            processes.remove(p);
        }
    }

    private static String name(String peer, InetSocketAddress hv, InetSocketAddress lt) {
        String hvName = "127.0.0.1:" + hv.getPort();
        String ltName = "127.0.0.1:" + lt.getPort();
        return peer.startsWith(hvName + " ") || peer.equals(hvName) ? "hivebt seed"
                : peer.startsWith(ltName + " ") || peer.equals(ltName) ? "libtorrent seed" : peer;
    }

    private static Process lt(Path script, String json) throws IOException {
        return new ProcessBuilder(PYTHON, script.toString(), json).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static String awaitLine(Process p, String prefix, int seconds) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String line;
        while ((line = r.readLine()) != null && System.nanoTime() < end) {
            if (line.startsWith(prefix)) {
                // keep draining so the seeder never blocks on a full pipe
                Thread.ofVirtual().start(() -> {
                    try {
                        while (r.readLine() != null) {
                            // discard
                        }
                    } catch (IOException ignored) {
                        // process ended
                    }
                });
                return line;
            }
        }
        throw new IOException("no '" + prefix + "' line from libtorrent");
    }

    private static void writeRandom(Path file, long size) throws IOException {
        Files.createDirectories(file.getParent());
        SplittableRandom random = new SplittableRandom(7);
        byte[] b = new byte[1 << 20];
        try (var out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= b.length) {
                random.nextBytes(b);
                out.write(b, 0, (int) Math.min(left, b.length));
            }
        }
    }

    private static void report(List<Sample> samples, int reps) {
        Map<String, List<Sample>> by = new LinkedHashMap<>();
        for (Sample s : samples) {
            by.computeIfAbsent(s.path() + "/" + s.client(), k -> new ArrayList<>()).add(s);
        }
        System.out.printf("%n### Magnet: time to first peer and to metadata, loopback, %d repetitions (medians, min–max)%n%n",
                reps);
        System.out.println("| discovery | client | first peer (ms) | metadata (ms) | missed |");
        System.out.println("|---|---|---:|---:|---:|");
        Map<String, long[]> medians = new LinkedHashMap<>();
        for (Map.Entry<String, List<Sample>> e : by.entrySet()) {
            List<Long> first = new ArrayList<>();
            List<Long> meta = new ArrayList<>();
            int missed = 0;
            for (Sample s : e.getValue()) {
                if (s.firstPeerMs() < 0 || s.metadataMs() < 0) {
                    missed++;
                    continue;
                }
                first.add(s.firstPeerMs());
                meta.add(s.metadataMs());
            }
            String[] k = e.getKey().split("/");
            medians.put(e.getKey(), new long[] {median(first), median(meta)});
            System.out.printf("| %s | %s | %s | %s | %d |%n", k[0], k[1], stat(first), stat(meta), missed);
        }
        System.out.println();
        for (String path : List.of("tracker", "dht")) {
            for (String ref : List.of("libtorrent", "libtorrent-tick100")) {
                long[] hv = medians.get(path + "/hivebt");
                long[] lt = medians.get(path + "/" + ref);
                if (hv != null && lt != null && lt[0] > 0 && lt[1] > 0) {
                    System.out.printf("%s: hivebt / %s medians: first peer %.2f, metadata %.2f%n", path, ref,
                            (double) hv[0] / lt[0], (double) hv[1] / lt[1]);
                }
            }
        }
    }

    private static long median(List<Long> v) {
        if (v.isEmpty()) {
            return -1;
        }
        List<Long> s = new ArrayList<>(v);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    private static String stat(List<Long> v) {
        if (v.isEmpty()) {
            return "—";
        }
        List<Long> s = new ArrayList<>(v);
        s.sort(null);
        return s.get(s.size() / 2) + " (" + s.getFirst() + "–" + s.getLast() + ")";
    }
}
