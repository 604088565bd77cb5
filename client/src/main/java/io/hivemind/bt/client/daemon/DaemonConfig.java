package io.hivemind.bt.client.daemon;

import io.hivemind.bt.client.HostPort;
import io.hivemind.bt.client.daemon.http.Credentials;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How the daemon serves its API. Immutable; build with {@link #builder()}. Fails fast: an address other than
 * loopback requires credentials (HARDENING.md "Web UI, REST and RPC").
 *
 * @param web                address of the web UI, REST API, metrics (and the RPC too)
 * @param rpc                separate address for the Transmission RPC, or null for none
 * @param stateDirectory     where the daemon keeps its state (see {@code StateStore})
 * @param downloadDirectory  the default download directory
 * @param downloadRoots      further directories downloads may go to (the default one is always allowed)
 * @param credentials        who may use the API ({@link Credentials#NONE} only on loopback)
 * @param allowedHosts       host names accepted in the {@code Host} header besides IP literals and localhost
 * @param maxBodyBytes       largest JSON body (must hold a base64 torrent)
 * @param maxUploadBytes     largest multipart upload
 * @param maxConnections     HTTP connections open at once
 * @param httpThreads        event loop threads of the HTTP server
 */
public record DaemonConfig(HostPort web, HostPort rpc, Path stateDirectory, Path downloadDirectory,
                           List<Path> downloadRoots, Credentials credentials, Set<String> allowedHosts,
                           int maxBodyBytes, long maxUploadBytes, int maxConnections, int httpThreads) {

    public DaemonConfig {
        Objects.requireNonNull(web, "web");
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(downloadDirectory, "downloadDirectory");
        Objects.requireNonNull(credentials, "credentials");
        downloadRoots = List.copyOf(downloadRoots);
        allowedHosts = Set.copyOf(allowedHosts);
        if (maxBodyBytes < 1024 || maxUploadBytes < 1024 || maxConnections < 1 || httpThreads < 1) {
            throw new IllegalArgumentException("limits too small");
        }
        if (!credentials.required()) {
            for (HostPort hp : rpc == null ? List.of(web) : List.of(web, rpc)) {
                if (!isLoopback(hp.host())) {
                    throw new IllegalArgumentException("the daemon listens on " + hp
                            + ": an access token or a user name and password is required when not bound to loopback");
                }
            }
        }
    }

    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name: may resolve anywhere
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: web on 127.0.0.1:8080, RPC on 127.0.0.1:9091, no credentials, 16 MiB bodies, 1 TiB uploads. */
    public static final class Builder {
        private HostPort web = new HostPort("127.0.0.1", 8080);
        private HostPort rpc = new HostPort("127.0.0.1", 9091);
        private Path stateDirectory;
        private Path downloadDirectory;
        private List<Path> downloadRoots = List.of();
        private Credentials credentials = Credentials.NONE;
        private Set<String> allowedHosts = Set.of();
        private int maxBodyBytes = 16 << 20;
        private long maxUploadBytes = 1L << 40;
        private int maxConnections = 256;
        private int httpThreads = 1;

        private Builder() {
        }

        public Builder web(HostPort a) {
            this.web = a;
            return this;
        }

        public Builder rpc(HostPort a) {
            this.rpc = a;
            return this;
        }

        public Builder stateDirectory(Path d) {
            this.stateDirectory = d;
            return this;
        }

        public Builder downloadDirectory(Path d) {
            this.downloadDirectory = d;
            return this;
        }

        public Builder downloadRoots(List<Path> roots) {
            this.downloadRoots = roots;
            return this;
        }

        public Builder credentials(Credentials c) {
            this.credentials = c;
            return this;
        }

        public Builder allowedHosts(Set<String> hosts) {
            this.allowedHosts = hosts;
            return this;
        }

        public Builder maxBodyBytes(int n) {
            this.maxBodyBytes = n;
            return this;
        }

        public Builder maxUploadBytes(long n) {
            this.maxUploadBytes = n;
            return this;
        }

        public Builder maxConnections(int n) {
            this.maxConnections = n;
            return this;
        }

        public Builder httpThreads(int n) {
            this.httpThreads = n;
            return this;
        }

        public DaemonConfig build() {
            return new DaemonConfig(web, rpc, stateDirectory, downloadDirectory, downloadRoots, credentials,
                    allowedHosts, maxBodyBytes, maxUploadBytes, maxConnections, httpThreads);
        }
    }
}
