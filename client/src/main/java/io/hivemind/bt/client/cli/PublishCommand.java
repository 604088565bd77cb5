package io.hivemind.bt.client.cli;

import io.hivemind.bt.client.HostPort;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.distribution.ChannelKey;
import io.hivemind.bt.client.distribution.Coordinator;
import io.hivemind.bt.client.distribution.CoordinatorConfig;
import io.hivemind.bt.client.distribution.Distribution;
import io.hivemind.bt.client.distribution.DistributionResult;
import io.hivemind.bt.client.distribution.ModelVersion;
import io.hivemind.bt.client.distribution.WorkerId;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hivebt publish}: runs a HiveMind coordinator — session, embedded tracker, DHT, daemon API with the
 * distribution routes — publishes a model version (or, with {@code --task}, task data for named workers) signed
 * with the channel key, and keeps seeding and serving until SIGTERM/SIGINT (or, with {@code --exit-when-done},
 * until the workers have it). More versions and tasks can be published meanwhile with
 * {@code POST /api/distributions}.
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish a model version (or task data) to the workers following a channel, and seed it.")
public final class PublishCommand implements Callable<Integer> {

    @Option(names = "--channel-key", paramLabel = "key",
            description = "The channel's secret key: 64 hex digits of an Ed25519 seed, optionally :name, or @file holding that. Prefer HIVEBT_CHANNEL_KEY.")
    String channelKey;

    @Option(names = "--channel-name", paramLabel = "name", description = "Channel name (the BEP 44 salt), overriding the key's.")
    String channelName;

    @Option(names = "--generate-key", description = "Print a new channel key and its public channel, and exit.")
    boolean generateKey;

    @Parameters(paramLabel = "path", arity = "0..*", description = "The model (a file or directory), or the task's files.")
    List<Path> paths = List.of();

    @Option(names = "--meta", paramLabel = "key=value", description = "Model metadata (version, accuracy, framework …). Repeatable.")
    List<String> meta = List.of();

    @Option(names = "--task", paramLabel = "id", description = "Publish the paths as task data for the --to workers instead of a model.")
    String task;

    @Option(names = "--to", paramLabel = "worker", split = ",", description = "Workers a task is for, or a model is waited for besides the channel's known subscribers (repeatable or comma-separated).")
    List<String> to = List.of();

    @Option(names = "--worker", paramLabel = "id=url", description = "A worker known in advance and its daemon API URL (repeatable).")
    List<String> workers = List.of();

    @Option(names = "--state", paramLabel = "dir", description = "Coordinator directory: staging links, sequence numbers, session state (default ~/.local/share/hivebt/publish).")
    Path state;

    @Option(names = "--root", paramLabel = "dir", description = "Directory that API-created distributions may read from (repeatable).")
    List<Path> roots = List.of();

    @Option(names = "--token", paramLabel = "secret", description = "The cluster's shared token. Prefer HIVEBT_TOKEN.")
    String token;

    @Option(names = "--listen", paramLabel = "host:port", defaultValue = "0.0.0.0:6881", description = "Peer (and DHT) listen address (default ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--web", paramLabel = "host:port", defaultValue = "127.0.0.1:8080", description = "The coordinator's API (default ${DEFAULT-VALUE}; port 0 picks one).")
    String web;

    @Option(names = "--advertise-api", paramLabel = "url", description = "The API URL announced to workers, if not the bound address.")
    String advertise;

    @Option(names = "--tracker", paramLabel = "host:port", defaultValue = "0.0.0.0:6969", description = "Embedded tracker address (default ${DEFAULT-VALUE}; keep the port fixed: the torrents name it, also after a restart).")
    String trackerBind;

    @Option(names = "--tracker-host", paramLabel = "host", description = "Host name workers reach the embedded tracker at.")
    String trackerHost;

    @Option(names = "--no-tracker", description = "Run no embedded tracker (DHT and --external-tracker only).")
    boolean noTracker;

    @Option(names = "--external-tracker", paramLabel = "url", description = "Another tracker to put in the torrents (repeatable).")
    List<String> externalTrackers = List.of();

    @Option(names = "--dht-bootstrap", paramLabel = "host:port", description = "DHT routers (repeatable; default the public ones).")
    List<String> bootstrap = List.of();

    @Option(names = "--no-dht", description = "Do not use the DHT (notifications and check-ins only).")
    boolean noDht;

    @Option(names = "--no-lsd", description = "Do not use Local Service Discovery.")
    boolean noLsd;

    @Option(names = "--torrent-version", defaultValue = "hybrid", description = "v1, v2 or hybrid (default ${DEFAULT-VALUE}).")
    String torrentVersion;

    @Option(names = "--piece-size", converter = SizeConverter.class, defaultValue = "0", description = "Piece size (0 = automatic).")
    long pieceSize;

    @Option(names = "--upload-limit", converter = SizeConverter.class, defaultValue = "0", paramLabel = "rate", description = "Upload limit, bytes/s (0 = none).")
    long uploadLimit;

    @Option(names = "--upload-slots", defaultValue = "0", description = "Upload slots per torrent (0 = session default).")
    int uploadSlots;

    @Option(names = "--timeout", converter = DurationConverter.class, defaultValue = "1h", description = "How long to wait for the workers (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--exit-when-done", description = "Exit once the distribution settles (0 when every worker has it).")
    boolean exitWhenDone;

    @Override
    public Integer call() throws Exception {
        if (generateKey) {
            ChannelKey k = ChannelKey.generate(channelName != null ? channelName : io.hivemind.bt.client.distribution.Channel.DEFAULT_NAME);
            System.out.println("channel key (secret): " + k.encode());
            System.out.println("channel (public):     " + k.channel());
            return 0;
        }
        String keyText = channelKey != null ? channelKey : System.getenv("HIVEBT_CHANNEL_KEY");
        String t = token != null ? token : System.getenv("HIVEBT_TOKEN");
        ChannelKey key;
        CoordinatorConfig.Builder cb;
        Map<String, String> metadata = new LinkedHashMap<>();
        SessionSettings settings;
        HostPort webAddress;
        Path work = (state != null ? state : Path.of(System.getProperty("user.home"), ".local", "share", "hivebt",
                "publish")).toAbsolutePath().normalize();
        List<Path> sources = new ArrayList<>();
        try {
            if (keyText == null) {
                throw new IllegalArgumentException("--channel-key (or HIVEBT_CHANNEL_KEY) is required; make one with --generate-key");
            }
            key = ChannelKey.parse(keyText);
            if (channelName != null) {
                key = key.withName(channelName);
            }
            if (paths.isEmpty()) {
                throw new IllegalArgumentException("give the model, or the task's files");
            }
            for (Path p : paths) {
                Path a = p.toAbsolutePath().normalize();
                if (!Files.exists(a)) {
                    throw new IllegalArgumentException("no such file: " + p);
                }
                sources.add(a);
            }
            if (task == null && sources.size() != 1) {
                throw new IllegalArgumentException("a model is one file or one directory");
            }
            if (task != null && to.isEmpty()) {
                throw new IllegalArgumentException("--task needs --to workers");
            }
            if (task != null) {
                io.hivemind.bt.client.distribution.Channel.taskSalt(task); // checks the id's syntax
            }
            for (String w : to) {
                WorkerId.of(w);
            }
            for (String m : meta) {
                int eq = m.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--meta is key=value: " + m);
                }
                metadata.put(m.substring(0, eq), m.substring(eq + 1));
            }
            TorrentVersion tv = switch (torrentVersion.toLowerCase(Locale.ROOT)) {
                case "v1" -> TorrentVersion.V1;
                case "v2" -> TorrentVersion.V2;
                case "hybrid" -> TorrentVersion.HYBRID;
                default -> throw new IllegalArgumentException("--torrent-version is v1, v2 or hybrid");
            };
            HostPort tb = HostPort.parse(trackerBind);
            cb = CoordinatorConfig.builder(key, work).token(t).torrentVersion(tv).pieceLength(pieceSize)
                    .timeout(timeout).trackers(externalTrackers).trackerPublicHost(trackerHost)
                    .trackerBind(noTracker ? null : new InetSocketAddress(tb.host(), tb.port()));
            for (String w : workers) {
                int eq = w.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--worker is id=url: " + w);
                }
                cb.worker(WorkerId.of(w.substring(0, eq)), URI.create(w.substring(eq + 1)));
            }
            webAddress = HostPort.parse(web);
            SessionSettings.Builder sb = SessionSettings.builder().listen(listen).dht(!noDht).lsd(!noLsd)
                    .uploadRateLimit(uploadLimit).activeDownloads(-1).activeSeeds(-1).activeLimit(-1);
            if (uploadSlots > 0) {
                sb.maxUploadsPerTorrent(uploadSlots);
            }
            if (!bootstrap.isEmpty()) {
                sb.dhtBootstrap(bootstrap.toArray(String[]::new));
            }
            settings = sb.build();
        } catch (IllegalArgumentException e) {
            System.err.println("hivebt publish: " + e.getMessage());
            return 2;
        }
        List<Path> apiRoots = new ArrayList<>(roots.stream().map(p -> p.toAbsolutePath().normalize()).toList());
        for (Path s : sources) {
            apiRoots.add(s.getParent());
        }
        DistributionRuntime rt;
        try {
            rt = DistributionRuntime.start(work.resolve("runtime"), work.resolve("data"), apiRoots, settings,
                    webAddress, t);
        } catch (Exception e) {
            System.err.println("hivebt publish: cannot start: " + e.getMessage());
            return 1;
        }
        Coordinator coordinator;
        Distribution d;
        try {
            coordinator = Coordinator.builder(rt.session)
                    .config(cb.apiUrl(advertise != null ? advertise : rt.apiUrl()).build()).start();
        } catch (Exception e) {
            rt.close();
            System.err.println("hivebt publish: " + e.getMessage());
            return 1;
        }
        rt.daemon.attachDistribution(coordinator, null);
        System.out.println("hivebt publish: api=" + rt.apiUrl() + " channel=" + coordinator.channel()
                + " trackers=" + String.join(",", coordinator.trackerUrls()) + " peer="
                + rt.session.listenAddresses().getFirst().getPort());
        System.out.flush();
        try {
            if (task != null) {
                Set<WorkerId> ids = new LinkedHashSet<>();
                for (String w : to) {
                    ids.add(WorkerId.of(w));
                }
                d = coordinator.distributeTask(task, sources, ids, timeout);
                System.out.println("hivebt publish: task " + task + " distribution=" + d.id() + " seq="
                        + d.status().seq());
            } else {
                d = coordinator.distributeModel(sources.getFirst(), metadata);
                Set<WorkerId> expected = new LinkedHashSet<>();
                for (String w : to) {
                    expected.add(WorkerId.of(w));
                }
                ModelVersion v = coordinator.broadcastToNetwork(d, expected).join();
                System.out.println("hivebt publish: model " + d.name() + " distribution=" + d.id() + " seq="
                        + v.seq());
            }
            System.out.flush();
        } catch (Exception e) {
            coordinator.close();
            rt.close();
            System.err.println("hivebt publish: " + e.getMessage());
            return 1;
        }
        if (exitWhenDone) {
            DistributionResult r = d.completion().join();
            var st = d.status();
            System.out.println("hivebt publish: done: " + r.completed().size() + " complete, " + r.failed().size()
                    + " failed " + r.failed() + ", " + r.timedOut().size() + " timed out " + r.timedOut()
                    + String.format(Locale.ROOT, "; elapsed_ms=%d size=%d origin_uploaded=%d origin_upload_ratio=%.3f",
                    r.elapsedMillis(), st.totalBytes(), st.originUploadedBytes(), st.originUploadRatio()));
            coordinator.close();
            rt.close();
            return r.succeeded() ? 0 : 1;
        }
        rt.awaitSignal(coordinator);
        return 0;
    }
}
