package io.hivemind.bt.client.cli;

import io.hivemind.bt.client.HostPort;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.distribution.Channel;
import io.hivemind.bt.client.distribution.Worker;
import io.hivemind.bt.client.distribution.WorkerConfig;
import io.hivemind.bt.client.distribution.WorkerId;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hivebt worker}: a HiveMind worker agent. Follows channels (BEP 46 DHT polling, direct notifications on its
 * daemon API, check-ins with the coordinator), downloads every new version it can verify, keeps the newest ones,
 * seeds what it holds and reports progress to the coordinator, until SIGTERM/SIGINT.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Follow distribution channels: download each new model version and task, keep the newest, seed them, report progress.")
public final class WorkerCommand implements Callable<Integer> {

    @Option(names = "--channel", required = true, paramLabel = "pubkey[:name]",
            description = "A channel to follow: the publisher's Ed25519 public key in hex, and the channel name (default models). Repeatable.")
    List<String> channels;

    @Option(names = "--dir", required = true, paramLabel = "dir",
            description = "Where the data goes (models/<channel>/<seq>/…, tasks/<id>/<seq>/…) and the worker's state (.hivebt-worker/).")
    Path dir;

    @Option(names = "--id", paramLabel = "name", description = "This worker's name in reports (default: the host name).")
    String id;

    @Option(names = "--coordinator", paramLabel = "url", description = "The coordinator's API, http://host:port (default: the one the announcements name).")
    URI coordinator;

    @Option(names = "--token", paramLabel = "secret", description = "The cluster's shared token (API bearer token both ways). Prefer HIVEBT_TOKEN.")
    String token;

    @Option(names = "--keep", defaultValue = "3", description = "Versions kept per channel (default ${DEFAULT-VALUE}).")
    int keep;

    @Option(names = "--keep-tasks", defaultValue = "20", description = "Tasks kept (default ${DEFAULT-VALUE}).")
    int keepTasks;

    @Option(names = "--listen", paramLabel = "host:port", defaultValue = "0.0.0.0:6881", description = "Peer (and DHT) listen address (default ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--web", paramLabel = "host:port", defaultValue = "127.0.0.1:8081", description = "This worker's daemon API, where the coordinator sends notifications (default ${DEFAULT-VALUE}; port 0 picks one).")
    String web;

    @Option(names = "--advertise-api", paramLabel = "url", description = "The API URL to give the coordinator, if not the bound address.")
    URI advertise;

    @Option(names = "--dht-bootstrap", paramLabel = "host:port", description = "DHT routers (repeatable; default the public ones).")
    List<String> bootstrap = List.of();

    @Option(names = "--no-dht", description = "Do not use the DHT (check-ins and notifications only).")
    boolean noDht;

    @Option(names = "--no-lsd", description = "Do not use Local Service Discovery.")
    boolean noLsd;

    @Option(names = "--poll-interval", converter = DurationConverter.class, defaultValue = "30s", description = "DHT polling period (default ${DEFAULT-VALUE}).")
    Duration pollInterval;

    @Option(names = "--check-in-interval", converter = DurationConverter.class, defaultValue = "30s", description = "Check-in period with the coordinator (default ${DEFAULT-VALUE}).")
    Duration checkInInterval;

    @Option(names = "--report-interval", converter = DurationConverter.class, defaultValue = "2s", description = "Progress report period (default ${DEFAULT-VALUE}).")
    Duration reportInterval;

    @Option(names = "--download-limit", converter = SizeConverter.class, defaultValue = "0", paramLabel = "rate", description = "Download limit, bytes/s (0 = none).")
    long downloadLimit;

    @Option(names = "--upload-limit", converter = SizeConverter.class, defaultValue = "0", paramLabel = "rate", description = "Upload limit, bytes/s (0 = none).")
    long uploadLimit;

    @Option(names = "--upload-slots", defaultValue = "0", description = "Peers served at once per torrent (0 = the session default, four plus one optimistic).")
    int uploadSlots;

    @Override
    public Integer call() throws Exception {
        String t = token != null ? token : System.getenv("HIVEBT_TOKEN");
        WorkerConfig.Builder wb;
        HostPort webAddress;
        SessionSettings settings;
        try {
            String name = id != null ? id : hostName();
            wb = WorkerConfig.builder(WorkerId.of(name), dir.toAbsolutePath().normalize())
                    .keepVersions(keep).keepTasks(keepTasks).coordinatorUrl(coordinator).token(t)
                    .useDht(!noDht).pollInterval(pollInterval).checkInInterval(checkInInterval)
                    .reportInterval(reportInterval);
            for (String c : channels) {
                wb.channel(Channel.parse(c));
            }
            webAddress = HostPort.parse(web);
            SessionSettings.Builder sb = SessionSettings.builder().listen(listen).dht(!noDht).lsd(!noLsd)
                    .downloadRateLimit(downloadLimit).uploadRateLimit(uploadLimit)
                    .activeDownloads(-1).activeSeeds(-1).activeLimit(-1);
            if (uploadSlots > 0) {
                sb.maxUploadsPerTorrent(uploadSlots);
            }
            if (!bootstrap.isEmpty()) {
                sb.dhtBootstrap(bootstrap.toArray(String[]::new));
            }
            settings = sb.build();
            wb.build();
        } catch (IllegalArgumentException e) {
            System.err.println("hivebt worker: " + e.getMessage());
            return 2;
        }
        Path state = dir.toAbsolutePath().normalize().resolve(".hivebt-worker");
        DistributionRuntime rt;
        try {
            rt = DistributionRuntime.start(state, dir.toAbsolutePath().normalize(), List.of(), settings, webAddress, t);
        } catch (Exception e) {
            System.err.println("hivebt worker: cannot start: " + e.getMessage());
            return 1;
        }
        Worker worker;
        try {
            String api = advertise != null ? advertise.toString() : rt.apiUrl();
            worker = Worker.builder(rt.session).config(wb.apiUrl(URI.create(api)).build()).start();
        } catch (Exception e) {
            rt.close();
            System.err.println("hivebt worker: " + e.getMessage());
            return 1;
        }
        rt.daemon.attachDistribution(null, worker);
        System.out.println("hivebt worker: id=" + worker.id() + " api=" + rt.apiUrl() + " peer="
                + rt.session.listenAddresses().getFirst().getPort() + " channels=" + worker.channels().size());
        System.out.flush();
        rt.awaitSignal(worker);
        return 0;
    }

    private static String hostName() {
        try {
            String h = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
            return h.isEmpty() || h.startsWith(".") ? "worker" : h.length() > 64 ? h.substring(0, 64) : h;
        } catch (Exception e) {
            return "worker";
        }
    }
}
