package io.hivemind.bt.client.cli;

import io.hivemind.bt.client.HostPort;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.daemon.Daemon;
import io.hivemind.bt.client.daemon.DaemonConfig;
import io.hivemind.bt.client.daemon.TorrentFactory;
import io.hivemind.bt.client.daemon.http.Credentials;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * What {@code hivebt worker} and {@code hivebt publish} share: a session with its state directory, a daemon serving
 * the REST API (where the distribution routes live) with the cluster's token as its credentials, and a clean
 * shutdown on SIGTERM/SIGINT. Not thread-safe; one per command run.
 */
final class DistributionRuntime implements AutoCloseable {
    final Session session;
    final Daemon daemon;

    private DistributionRuntime(Session session, Daemon daemon) {
        this.session = session;
        this.daemon = daemon;
    }

    /**
     * Starts the session and the daemon.
     *
     * @param state     the state directory (session resume data, DHT state, daemon state)
     * @param data      the daemon's default download directory (also a root for API paths)
     * @param roots     further directories API paths may name
     * @param settings  session settings (the state directory is set here)
     * @param web       the API address
     * @param token     the shared token, or null (loopback only)
     */
    static DistributionRuntime start(Path state, Path data, List<Path> roots, SessionSettings settings, HostPort web,
                                     String token) throws Exception {
        DaemonConfig cfg = DaemonConfig.builder()
                .web(web)
                .rpc(null)
                .stateDirectory(state.resolve("daemon"))
                .downloadDirectory(data)
                .downloadRoots(roots)
                .credentials(token == null ? Credentials.NONE : new Credentials(null, null, token))
                .allowedHosts(Set.of())
                .build();
        Session session = Session.builder().settings(settings.toBuilder()
                .stateDirectory(state.resolve("session")).build()).build();
        try {
            Daemon daemon = Daemon.start(cfg, session, TorrentFactory.UNSUPPORTED);
            return new DistributionRuntime(session, daemon);
        } catch (Exception | Error e) {
            session.close();
            throw e;
        }
    }

    /** {@code http://host:port} of the daemon's API (the wildcard address shown as 127.0.0.1). */
    String apiUrl() {
        return url(daemon.webAddress());
    }

    static String url(InetSocketAddress a) {
        String h = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        return "http://" + (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    /** Blocks until SIGTERM/SIGINT, running {@code onStop} and closing everything in the shutdown hook. */
    void awaitSignal(AutoCloseable onStop) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                onStop.close();
            } catch (Exception e) {
                System.err.println("hivebt: " + e.getMessage());
            } finally {
                close();
                done.countDown();
            }
        }, "hivebt-shutdown"));
        done.await();
    }

    @Override
    public void close() {
        try {
            daemon.close();
        } finally {
            session.close();
        }
    }
}
