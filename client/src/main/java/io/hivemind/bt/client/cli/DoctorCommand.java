package io.hivemind.bt.client.cli;

import io.hivemind.bt.client.HostPort;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.nat.Mapping;
import io.hivemind.bt.client.nat.NatException;
import io.hivemind.bt.client.nat.PortMapper;
import io.hivemind.bt.client.nat.Protocol;
import io.hivemind.bt.client.nat.core.ExternalAddressVoter;
import io.hivemind.bt.client.nat.core.RetrySchedule;
import io.hivemind.bt.client.net.Transport;
import io.hivemind.bt.dht.DhtConfig;
import io.hivemind.bt.dht.DhtNode;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hivebt doctor}: the troubleshooting checklist as one command. Each check prints {@code OK}, {@code WARN},
 * {@code FAIL} or {@code SKIP} with what it saw, and for anything not OK a concrete fix. Exit code 0 when no check
 * warned or failed, 1 otherwise.
 *
 * <p>Checks: the listen port can be bound (or is held by a running hivebt), the network transport (io_uring, epoll
 * or NIO) and why a faster one is unavailable, the storage kind, the download directory (exists, writable, free
 * space), each tracker (HTTP status and the address it sees us at, or a UDP connect), the port mapping through
 * UPnP/NAT-PMP/PCP (mapped for a moment, then deleted), whether we are reachable from outside (the mapping, or a
 * tracker-reported address equal to ours), and how many DHT nodes answer a short bootstrap.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check the setup: listen port, reachability, trackers, DHT, transport, storage, disk space.")
public final class DoctorCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--listen", paramLabel = "host:port", defaultValue = "0.0.0.0:6881",
            description = "Peer listen address to check (default ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--download-dir", description = "Download directory to check (default ~/Downloads).")
    Path downloadDir;

    @Option(names = "--min-free", paramLabel = "size", converter = SizeConverter.class, defaultValue = "1GiB",
            description = "Free space below which the download directory fails (default ${DEFAULT-VALUE}).")
    long minFree;

    @Option(names = "--tracker", paramLabel = "url", description = "Tracker to check (repeatable).")
    List<String> trackers = new ArrayList<>();

    @Option(names = "--bootstrap", paramLabel = "host:port", description = "DHT router or node to bootstrap from (repeatable).")
    List<String> bootstrap = new ArrayList<>();

    @Option(names = "--upnp", description = "Check port mapping with UPnP IGD.")
    boolean upnp;

    @Option(names = "--natpmp", description = "Check port mapping with NAT-PMP/PCP.")
    boolean natpmp;

    @Option(names = "--gateway", paramLabel = "ip", description = "NAT-PMP/PCP gateway (default: the default route).")
    String gateway;

    @Option(names = "--natpmp-port", hidden = true, defaultValue = "5351")
    int natpmpPort;

    @Option(names = "--transport", paramLabel = "kind", defaultValue = "AUTO",
            description = "Transport to check: AUTO, IO_URING, EPOLL or NIO (default ${DEFAULT-VALUE}).")
    SessionSettings.TransportKind transport;

    @Option(names = "--storage", paramLabel = "kind", description = "Piece store in use: MMAP or POSITIONAL.")
    SessionSettings.StorageKind storage;

    @Option(names = "--timeout", paramLabel = "seconds", defaultValue = "10",
            description = "Time limit of each network check (default ${DEFAULT-VALUE}).")
    int timeout;

    /** A check's verdict. */
    enum Status { OK, WARN, FAIL, SKIP }

    /** One line of the report: the verdict, what was seen, and how to fix it (null when OK). */
    record Check(String name, Status status, String detail, String fix) {
    }

    private final List<Check> checks = new ArrayList<>();
    private InetAddress trackerSeen;
    private Mapping mapping;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        HostPort hp;
        try {
            hp = HostPort.parse(listen);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Duration t = Duration.ofSeconds(Math.max(1, timeout));
        out.println("hivebt doctor");
        out.flush();
        run(out, () -> listenPort(hp));
        run(out, this::transportCheck);
        run(out, this::storageCheck);
        run(out, this::diskCheck);
        for (String url : trackers) {
            run(out, () -> trackerCheck(url, hp.port(), t));
        }
        if (trackers.isEmpty()) {
            run(out, () -> new Check("trackers", Status.SKIP, "none given",
                    "pass --tracker URL for each tracker your torrents use"));
        }
        run(out, () -> mappingCheck(hp.port(), t));
        run(out, () -> reachability(hp));
        run(out, () -> dhtCheck(t));
        long problems = checks.stream().filter(c -> c.status() == Status.WARN || c.status() == Status.FAIL).count();
        out.println(problems == 0 ? "All checks passed." : problems + (problems == 1 ? " problem" : " problems")
                + " found: see the fixes above.");
        out.flush();
        return problems == 0 ? 0 : 1;
    }

    private interface CheckBody {
        Check run() throws Exception;
    }

    private void run(PrintWriter out, CheckBody body) {
        Check c;
        try {
            c = body.run();
        } catch (Exception e) {
            c = new Check("internal", Status.FAIL, "the check itself failed: " + e, "report this as a bug");
        }
        checks.add(c);
        out.printf("[%-4s] %-14s %s%n", c.status(), c.name(), c.detail());
        if (c.fix() != null && c.status() != Status.OK) {
            out.printf("       %-14s fix: %s%n", "", c.fix());
        }
        out.flush();
    }

    /** The checks made so far (tests). */
    List<Check> checks() {
        return List.copyOf(checks);
    }

    Check listenPort(HostPort hp) throws IOException {
        InetAddress host = InetAddress.getByName(hp.host());
        String where = hp.host() + ":" + hp.port();
        try (ServerSocket tcp = new ServerSocket()) {
            tcp.bind(new InetSocketAddress(host, hp.port()));
            int port = tcp.getLocalPort();
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(host, port))) {
                return new Check("listen port", Status.OK, "TCP and UDP " + hp.host() + ":" + port + " can be bound", null);
            }
        } catch (BindException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("ermission") || msg.contains("denied")) {
                return new Check("listen port", Status.FAIL, where + ": " + msg,
                        "ports below 1024 need root: use --listen " + hp.host() + ":6881");
            }
            if (msg.contains("in use")) {
                boolean listening = false;
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(host.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : host,
                            hp.port()), 1000);
                    listening = true;
                } catch (IOException ignored) {
                    // nobody accepts there
                }
                return new Check("listen port", Status.WARN, where + " is already in use"
                        + (listening ? " and accepting connections" : ""),
                        "if a hivebt daemon runs, this is expected; otherwise stop the other program or choose "
                                + "another port with --listen");
            }
            return new Check("listen port", Status.FAIL, where + ": " + msg,
                    "check that " + hp.host() + " is an address of this host, or use 0.0.0.0");
        }
    }

    Check transportCheck() {
        if (transport != SessionSettings.TransportKind.AUTO && !Transport.isAvailable(transport)) {
            return new Check("transport", Status.FAIL, transport + " is not available here: " + cause(transport),
                    "use --transport AUTO (picks the fastest available)");
        }
        String chosen = transport == SessionSettings.TransportKind.AUTO
                ? (Transport.isAvailable(SessionSettings.TransportKind.IO_URING) ? "io_uring"
                : Transport.isAvailable(SessionSettings.TransportKind.EPOLL) ? "epoll" : "nio")
                : transport.name().toLowerCase(java.util.Locale.ROOT);
        if (transport == SessionSettings.TransportKind.AUTO && !chosen.equals("io_uring")) {
            return new Check("transport", Status.WARN, chosen + " (io_uring unavailable: "
                    + cause(SessionSettings.TransportKind.IO_URING) + ")",
                    "io_uring needs Linux 5.14+ with io_uring enabled (sysctl kernel.io_uring_disabled=0, and no "
                            + "seccomp filter blocking it in containers); " + chosen + " works, a little slower");
        }
        return new Check("transport", Status.OK, chosen, null);
    }

    private static String cause(SessionSettings.TransportKind kind) {
        try {
            Throwable t = switch (kind) {
                case IO_URING -> IoUring.unavailabilityCause();
                case EPOLL -> Epoll.unavailabilityCause();
                default -> null;
            };
            return t == null ? "unknown" : String.valueOf(t.getMessage());
        } catch (Throwable t) {
            return "native library not loadable: " + t;
        }
    }

    Check storageCheck() {
        SessionSettings.StorageKind kind = storage != null ? storage : SessionSettings.defaults().storage();
        return new Check("storage", Status.OK, kind + (storage == null ? " (default)" : ""), null);
    }

    Check diskCheck() throws IOException {
        Path dir = downloadDir != null ? downloadDir : Path.of(System.getProperty("user.home"), "Downloads");
        if (!Files.exists(dir)) {
            return new Check("download dir", Status.FAIL, dir + " does not exist",
                    "mkdir -p " + dir + "  (or point --download-dir at an existing directory)");
        }
        if (!Files.isDirectory(dir)) {
            return new Check("download dir", Status.FAIL, dir + " is not a directory",
                    "point --download-dir at a directory");
        }
        if (!Files.isWritable(dir)) {
            return new Check("download dir", Status.FAIL, dir + " is not writable by this user",
                    "chown/chmod it for the user that runs hivebt, or choose another --download-dir");
        }
        long free = Files.getFileStore(dir).getUsableSpace();
        String detail = dir + ": " + human(free) + " free";
        if (free < minFree) {
            return new Check("download dir", Status.FAIL, detail + ", less than " + human(minFree),
                    "free space on that filesystem or choose a --download-dir on a larger one");
        }
        return new Check("download dir", Status.OK, detail, null);
    }

    Check trackerCheck(String url, int port, Duration t) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return new Check("tracker", Status.FAIL, url + " is not a URL", "check the tracker URL");
        }
        TrackerProbe.Outcome o = TrackerProbe.probe(uri, port, t);
        if (o.externalIp() != null) {
            trackerSeen = o.externalIp();
        }
        String seen = o.externalIp() == null ? "" : "; it sees us as " + o.externalIp().getHostAddress();
        if (!o.reachable()) {
            return new Check("tracker", Status.FAIL, url + ": " + o.detail(),
                    uri.getScheme() != null && uri.getScheme().equalsIgnoreCase("udp")
                            ? "outgoing UDP may be blocked by a firewall, or the tracker is down: try its http URL"
                            : "check the URL, DNS and any proxy or firewall between here and the tracker");
        }
        if (!o.healthy()) {
            return new Check("tracker", Status.WARN, url + ": " + o.detail() + seen,
                    "the tracker answered but not as a tracker: check the announce URL (it usually ends in /announce)");
        }
        return new Check("tracker", Status.OK, url + ": " + o.detail() + seen, null);
    }

    Check mappingCheck(int port, Duration t) throws Exception {
        if (!upnp && !natpmp) {
            return new Check("port mapping", Status.SKIP, "UPnP and NAT-PMP are off",
                    "pass --upnp/--natpmp to test them, or forward TCP and UDP port " + port + " on your router by hand");
        }
        PortMapper.Builder b = PortMapper.builder().upnp(upnp).natpmp(natpmp).natPmpPort(natpmpPort)
                .closeTimeout(Duration.ofSeconds(3)).httpTimeout(t).ssdp(2, Duration.ofSeconds(Math.min(5, t.toSeconds() + 1)))
                .leases(600, 600)
                .schedules(RetrySchedule.natPmp(5), RetrySchedule.pcp(new java.security.SecureRandom(), 2),
                        RetrySchedule.fixed(250_000_000L, 500_000_000L));
        if (gateway != null) {
            b.gateway(InetAddress.getByName(gateway));
        }
        PortMapper mapper = b.build();
        try {
            Mapping m = mapper.map(Protocol.TCP, port).get(t.toSeconds() * 3 + 10, TimeUnit.SECONDS);
            mapping = m;
            return new Check("port mapping", Status.OK, "TCP " + port + " mapped by " + m.method() + " to "
                    + (m.externalAddress() == null ? "?" : m.externalAddress().getHostAddress()) + ":"
                    + m.externalPort() + " (deleted again now)", null);
        } catch (ExecutionException e) {
            String msg = e.getCause() instanceof NatException n ? n.getMessage() : String.valueOf(e.getCause());
            return new Check("port mapping", Status.FAIL, msg,
                    "enable UPnP or NAT-PMP on the router, or forward TCP and UDP port " + port
                            + " to this host by hand and run without --upnp/--natpmp");
        } catch (TimeoutException e) {
            return new Check("port mapping", Status.FAIL, "no answer in time",
                    "enable UPnP or NAT-PMP on the router, or forward the port by hand");
        } finally {
            mapper.close();
        }
    }

    Check reachability(HostPort hp) throws IOException {
        if (mapping != null) {
            return new Check("reachable", Status.OK, "through the mapping at "
                    + (mapping.externalAddress() == null ? "?" : mapping.externalAddress().getHostAddress()) + ":"
                    + mapping.externalPort(), null);
        }
        if (trackerSeen == null) {
            return new Check("reachable", Status.SKIP, "unknown: no mapping and no tracker reported our address",
                    "give an HTTP --tracker (most report the address they see) or --upnp/--natpmp");
        }
        boolean local = isLocalAddress(trackerSeen);
        if (local) {
            return new Check("reachable", Status.OK, "the tracker sees us at our own address "
                    + trackerSeen.getHostAddress() + ": no NAT in between", null);
        }
        return new Check("reachable", Status.WARN, "behind NAT: the tracker sees us as " + trackerSeen.getHostAddress()
                + ", not an address of this host, and no port mapping was made",
                "forward TCP and UDP port " + hp.port() + " to this host on the router, or enable UPnP/NAT-PMP "
                        + "there and start hivebt with --upnp/--natpmp; until then only outgoing connections work");
    }

    private static boolean isLocalAddress(InetAddress a) {
        try {
            return java.net.NetworkInterface.getByInetAddress(a) != null;
        } catch (IOException e) {
            return false;
        }
    }

    Check dhtCheck(Duration t) throws Exception {
        if (bootstrap.isEmpty()) {
            return new Check("dht", Status.SKIP, "no bootstrap node given",
                    "pass --bootstrap router.bittorrent.com:6881 (or any DHT node) to test the DHT");
        }
        boolean loopback = true;
        DhtNode.Builder b = DhtNode.builder();
        for (String s : bootstrap) {
            InetSocketAddress a = DhtCommand.hostPort(s);
            InetSocketAddress resolved = new InetSocketAddress(InetAddress.getByName(a.getHostString()), a.getPort());
            loopback &= resolved.getAddress().isLoopbackAddress();
            b.bootstrap(resolved);
        }
        b.bind(new InetSocketAddress(loopback ? InetAddress.getLoopbackAddress() : InetAddress.getByName("0.0.0.0"), 0));
        if (loopback) {
            b.config(DhtConfig.builder().restrictRoutingIps(false).build());
        }
        if (mapping != null && mapping.externalAddress() != null
                && ExternalAddressVoter.isGlobal(mapping.externalAddress())) {
            b.externalAddress(mapping.externalAddress()); // BEP 42 id, as the session does
        }
        try (DhtNode node = b.build()) {
            node.start().get(t.toSeconds() + 5, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + t.toNanos();
            int n = 0;
            while (System.nanoTime() < deadline) {
                n = node.nodes().get(5, TimeUnit.SECONDS).size();
                if (n >= 8 || (loopback && n > 0)) {
                    break;
                }
                Thread.sleep(200);
            }
            if (n == 0) {
                return new Check("dht", Status.FAIL, "no DHT node answered within " + t.toSeconds() + " s",
                        "outgoing UDP is probably blocked: allow UDP on the firewall, or check the --bootstrap address");
            }
            return new Check("dht", Status.OK, n + " DHT nodes known after bootstrapping", null);
        }
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
