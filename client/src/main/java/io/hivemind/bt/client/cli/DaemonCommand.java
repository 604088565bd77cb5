package io.hivemind.bt.client.cli;

import io.hivemind.bt.client.HostPort;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.daemon.CreatorTorrentFactory;
import io.hivemind.bt.client.daemon.Daemon;
import io.hivemind.bt.client.daemon.DaemonConfig;
import io.hivemind.bt.client.daemon.TorrentFactory;
import io.hivemind.bt.client.daemon.http.Credentials;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hivebt daemon}: runs a session with the web UI, REST API, Transmission RPC and metrics until SIGTERM or
 * SIGINT, then shuts down cleanly (HTTP first, then the session, which saves resume data and announces
 * {@code stopped}).
 */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = "Run a long-lived session with a web UI, REST API, Transmission RPC and Prometheus metrics.")
public final class DaemonCommand implements Callable<Integer> {

    @Option(names = "--web-port", defaultValue = "8080", description = "Web UI, REST API and metrics port (default ${DEFAULT-VALUE}).")
    int webPort;

    @Option(names = "--rpc-port", defaultValue = "9091", description = "Transmission RPC port, 0 = none (default ${DEFAULT-VALUE}).")
    int rpcPort;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address the web and RPC ports bind to (default ${DEFAULT-VALUE}); anything but loopback needs --token or --user/--password.")
    String bind;

    @Option(names = "--config", description = "State directory (default ~/.config/hivebt).")
    Path config;

    @Option(names = "--download-dir", description = "Default download directory (default ~/Downloads).")
    Path downloadDir;

    @Option(names = "--download-root", description = "Further directories the API may download to (repeatable).")
    List<Path> downloadRoots = List.of();

    @Option(names = "--listen", description = "Peer listen address (default 0.0.0.0:6881).")
    String listen;

    @Option(names = "--upnp", description = "Map the listen port on the router with UPnP IGD.")
    boolean upnp;

    @Option(names = "--natpmp", description = "Map the listen port on the router with NAT-PMP/PCP.")
    boolean natpmp;

    @Option(names = "--no-dht", negatable = false, description = "Do not use the DHT.")
    boolean noDht;

    @Option(names = "--no-lsd", negatable = false, description = "Do not use Local Service Discovery.")
    boolean noLsd;

    @Option(names = "--token", description = "Access token (Bearer, or the Basic-auth password with any user). Prefer HIVEBT_TOKEN.")
    String token;

    @Option(names = "--user", description = "Basic-auth user name.")
    String user;

    @Option(names = "--password", description = "Basic-auth password. Prefer HIVEBT_PASSWORD.")
    String password;

    @Option(names = "--allowed-host", description = "Host name accepted in the Host header besides IP literals and localhost (repeatable).")
    List<String> allowedHosts = List.of();

    /** Tests and embedders can set these; the CLI uses the real session and the wire module's torrent creator. */
    static volatile java.util.function.Function<SessionSettings, Session> sessionFactory =
            s -> Session.builder().settings(s).build();
    static volatile TorrentFactory torrentFactory = CreatorTorrentFactory.defaults();
    /** Completes the command when counted down (tests); the shutdown hook does it for real runs. */
    static volatile CountDownLatch stop;

    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getProperty("user.home"));
        Path state = config != null ? config : home.resolve(".config").resolve("hivebt");
        Path downloads = downloadDir != null ? downloadDir : home.resolve("Downloads");
        String t = token != null ? token : System.getenv("HIVEBT_TOKEN");
        String p = password != null ? password : System.getenv("HIVEBT_PASSWORD");
        Credentials credentials;
        try {
            credentials = new Credentials(user, p, t);
        } catch (IllegalArgumentException e) {
            System.err.println("hivebt daemon: " + e.getMessage());
            return 2;
        }
        DaemonConfig cfg;
        try {
            cfg = DaemonConfig.builder()
                    .web(new HostPort(bind, webPort))
                    .rpc(rpcPort == 0 ? null : new HostPort(bind, rpcPort))
                    .stateDirectory(state.resolve("daemon"))
                    .downloadDirectory(downloads)
                    .downloadRoots(downloadRoots)
                    .credentials(credentials)
                    .allowedHosts(Set.copyOf(allowedHosts))
                    .build();
        } catch (IllegalArgumentException e) {
            System.err.println("hivebt daemon: " + e.getMessage());
            return 2;
        }
        // resume data goes to <config>/session/resume; flags given on the command line win over saved settings
        SessionSettings.Builder sb = Daemon.savedSettings(cfg.stateDirectory(), SessionSettings.defaults())
                .toBuilder().stateDirectory(state.resolve("session"));
        if (upnp) {
            sb.upnp(true);
        }
        if (natpmp) {
            sb.natpmp(true);
        }
        if (listen != null) {
            sb.listen(listen);
        }
        if (noDht) {
            sb.dht(false);
        }
        if (noLsd) {
            sb.lsd(false);
        }
        SessionSettings settings;
        try {
            settings = sb.build();
        } catch (IllegalArgumentException e) {
            System.err.println("hivebt daemon: " + e.getMessage());
            return 2;
        }
        Session session;
        try {
            session = sessionFactory.apply(settings);
        } catch (RuntimeException e) {
            System.err.println("hivebt daemon: cannot start the session: " + e.getMessage());
            return 1;
        }
        Daemon daemon;
        try {
            daemon = Daemon.start(cfg, session, torrentFactory);
        } catch (Exception e) {
            session.close();
            System.err.println("hivebt daemon: " + e.getMessage());
            return 1;
        }
        CountDownLatch done = new CountDownLatch(1);
        CountDownLatch testStop = stop;
        Thread hook = new Thread(() -> {
            shutdown(daemon, session);
            done.countDown();
        }, "hivebt-daemon-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println("hivebt daemon: web UI and REST on http://" + hostForUrl(daemon.webAddress()) + "/"
                + (daemon.rpcAddress() != null ? ", Transmission RPC on http://" + hostForUrl(daemon.rpcAddress())
                + "/transmission/rpc" : ""));
        System.out.flush();
        if (testStop != null) {
            testStop.await();
            Runtime.getRuntime().removeShutdownHook(hook);
            shutdown(daemon, session);
            return 0;
        }
        done.await();
        return 0;
    }

    private static String hostForUrl(java.net.InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    private static void shutdown(Daemon daemon, Session session) {
        try {
            daemon.close();
        } finally {
            session.close();
        }
    }
}
