package io.hivemind.bt.client.cli;

import io.hivemind.bt.tracker.server.TrackerServer;
import io.hivemind.bt.tracker.server.TrackerServerConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hivebt tracker}: runs a {@link TrackerServer} (HTTP and UDP on the same port number by default) until
 * SIGINT or SIGTERM, then closes it cleanly. On Linux it uses epoll with one UDP socket per event loop
 * ({@code SO_REUSEPORT}); elsewhere NIO. A whitelist file is re-read when it changes.
 */
@Command(name = "tracker", mixinStandardHelpOptions = true,
        description = "Run a BitTorrent tracker (HTTP /announce, /scrape, /stats and UDP, BEP 3/15/23/48).")
public final class TrackerCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--http-port", defaultValue = "8000", description = "HTTP port; 0 = any free port, -1 = off (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--udp-port", defaultValue = "8000", description = "UDP port; 0 = any free port, -1 = off (default: ${DEFAULT-VALUE}).")
    int udpPort;

    @Option(names = "--bind", description = "Address to listen on (default: all addresses).")
    String bind;

    @Option(names = "--announce-interval", defaultValue = "30", description = "Seconds between announces (default: ${DEFAULT-VALUE}).")
    int announceInterval;

    @Option(names = "--min-interval", defaultValue = "10", description = "Minimum seconds between announces (default: ${DEFAULT-VALUE}).")
    int minInterval;

    @Option(names = "--max-peers", defaultValue = "200", description = "Most peers returned per announce (default: ${DEFAULT-VALUE}).")
    int maxPeers;

    @Option(names = "--whitelist", description = "File of hex info-hashes, one per line: serve only these (private tracker).")
    Path whitelist;

    @Option(names = "--trust-proxy", description = "CIDR range of a reverse proxy whose X-Forwarded-For and ip= are believed (repeatable).")
    List<String> trustedProxies = new ArrayList<>();

    @Option(names = "--peer-timeout-factor", defaultValue = "2", description = "Forget peers after this many intervals without an announce (default: ${DEFAULT-VALUE}).")
    int peerTimeoutFactor;

    @Option(names = "--max-swarms", defaultValue = "1000000", description = "Most swarms held (default: ${DEFAULT-VALUE}).")
    int maxSwarms;

    @Option(names = "--max-peers-per-swarm", defaultValue = "50000", description = "Most peers held per swarm (default: ${DEFAULT-VALUE}).")
    int maxPeersPerSwarm;

    @Option(names = "--threads", defaultValue = "0", description = "Event loop threads; 0 = one per CPU.")
    int threads;

    @Option(names = "--nio", description = "Use NIO even where epoll is available.")
    boolean forceNio;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        boolean epoll = !forceNio && Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(n,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        TrackerServer server;
        try {
            TrackerServer.Builder b = TrackerServer.builder()
                    .httpPort(httpPort).udpPort(udpPort)
                    .announceInterval(Duration.ofSeconds(announceInterval)).minInterval(Duration.ofSeconds(minInterval))
                    .maxPeers(maxPeers).peerTimeoutFactor(peerTimeoutFactor).maxSwarms(maxSwarms)
                    .maxPeersPerSwarm(maxPeersPerSwarm).trustedProxies(trustedProxies);
            if (bind != null) {
                b.bindAddress(InetAddress.getByName(bind));
            }
            if (whitelist != null) {
                b.whitelist(whitelist);
            }
            if (epoll) {
                // One UDP socket per event loop (SO_REUSEPORT), and recvmmsg: up to 32 datagrams per system call.
                b.transport(group, EpollServerSocketChannel::new, EpollDatagramChannel::new)
                        .udpSockets(n).udpOption(EpollChannelOption.SO_REUSEPORT, true)
                        .udpOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 2048)
                        .udpOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(32 * 2048));
            } else {
                b.transport(group, NioServerSocketChannel::new, NioDatagramChannel::new);
            }
            server = b.build().start();
        } catch (IllegalArgumentException | IOException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        } catch (IllegalStateException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            spec.commandLine().getErr().println("hivebt tracker: " + e.getMessage());
            return 1;
        }
        TrackerServerConfig c = server.config();
        out.printf("hivebt tracker: HTTP %s, UDP %s (%s, %d thread%s); interval %d s, min interval %d s, max peers %d%s%n",
                server.httpAddress() == null ? "off" : server.httpAddress() + " (/announce /scrape /stats)",
                server.udpAddress() == null ? "off" : server.udpAddress(), epoll ? "epoll" : "nio", n, n == 1 ? "" : "s",
                c.announceInterval().toSeconds(), c.minInterval().toSeconds(), c.maxPeers(),
                whitelist == null ? "" : "; whitelist " + whitelist);
        out.flush();

        CountDownLatch stopped = new CountDownLatch(1);
        Runnable shutdown = () -> {
            server.close();
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            stopped.countDown();
        };
        Thread hook = new Thread(() -> {
            shutdown.run();
            out.println("hivebt tracker: stopped");
            out.flush();
        }, "hivebt-tracker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (whitelist != null) {
            watchWhitelist(server, group, out);
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            // Embedded use (tests): interrupting the calling thread stops the tracker.
            Runtime.getRuntime().removeShutdownHook(hook);
            shutdown.run();
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private void watchWhitelist(TrackerServer server, EventLoopGroup group, PrintWriter out) {
        FileTime[] seen = {modified(whitelist)};
        group.next().scheduleWithFixedDelay(() -> {
            FileTime now = modified(whitelist);
            if (now != null && !now.equals(seen[0])) {
                seen[0] = now;
                try {
                    server.whitelist(whitelist);
                    out.println("hivebt tracker: whitelist reloaded from " + whitelist);
                } catch (IOException e) {
                    out.println("hivebt tracker: whitelist not reloaded: " + e.getMessage());
                }
                out.flush();
            }
        }, 10, 10, TimeUnit.SECONDS);
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return null;
        }
    }
}
