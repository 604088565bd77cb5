package io.hivemind.bt.client.distribution;

import io.hivemind.bt.client.HostPort;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.daemon.Daemon;
import io.hivemind.bt.client.daemon.DaemonConfig;
import io.hivemind.bt.client.daemon.TorrentFactory;
import io.hivemind.bt.client.daemon.http.Credentials;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** A real session and daemon on loopback ephemeral ports, to which a coordinator or a worker is attached. */
final class TestNode implements AutoCloseable {
    final Path root;
    final Session session;
    final Daemon daemon;
    Coordinator coordinator;
    Worker worker;

    private TestNode(Path root, Session session, Daemon daemon) {
        this.root = root;
        this.session = session;
        this.daemon = daemon;
    }

    static SessionSettings.Builder settings(boolean dht, String... bootstrap) {
        return SessionSettings.builder().listen("127.0.0.1:0").dht(dht).dhtBootstrap(bootstrap).lsd(false)
                .networkThreads(1).activeDownloads(-1).activeSeeds(-1).activeLimit(-1)
                .pieceBufferBudgetBytes(16 << 20);
    }

    static TestNode start(Path root, String token, SessionSettings settings) throws Exception {
        Session s = Session.builder().settings(settings.toBuilder().stateDirectory(root.resolve("session")).build())
                .build();
        try {
            DaemonConfig cfg = DaemonConfig.builder().web(new HostPort("127.0.0.1", 0)).rpc(null)
                    .stateDirectory(root.resolve("daemon")).downloadDirectory(root.resolve("data"))
                    .downloadRoots(List.of(root)).credentials(token == null ? Credentials.NONE
                            : new Credentials(null, null, token)).allowedHosts(Set.of()).build();
            return new TestNode(root, s, Daemon.start(cfg, s, TorrentFactory.UNSUPPORTED));
        } catch (Exception | Error e) {
            s.close();
            throw e;
        }
    }

    URI api() {
        return URI.create("http://127.0.0.1:" + daemon.webAddress().getPort());
    }

    void attach() {
        daemon.attachDistribution(coordinator, worker);
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
        daemon.close();
        session.close();
    }
}
