package io.hivemind.bt.client.cli;

import io.hivemind.bt.dht.DhtConfig;
import io.hivemind.bt.dht.DhtKeyPair;
import io.hivemind.bt.dht.DhtNode;
import io.hivemind.bt.dht.DhtStats;
import io.hivemind.bt.dht.MutableItem;
import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.dht.core.DhtEngine;
import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BValue;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hivebt dht}: a standalone mainline DHT node, and one-shot lookups through a short-lived node
 * ({@code get-peers}, {@code announce}, BEP 44 {@code put}/{@code get}, BEP 51 {@code sample}).
 */
@Command(name = "dht", mixinStandardHelpOptions = true,
        description = "Mainline DHT node (BEP 5, 32, 42, 43, 44, 51).",
        subcommands = {DhtCommand.Run.class, DhtCommand.GetPeers.class, DhtCommand.Announce.class,
                DhtCommand.Put.class, DhtCommand.Get.class, DhtCommand.Sample.class})
public final class DhtCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", description = "UDP port to bind (default ${DEFAULT-VALUE}; 0 = any).", defaultValue = "6881")
    int port;

    @Option(names = "--bind", description = "Address to bind (default ${DEFAULT-VALUE}); repeat for IPv4 and IPv6.",
            defaultValue = "0.0.0.0")
    List<String> bind = new ArrayList<>();

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Router or node to bootstrap from (repeatable).")
    List<String> bootstrap = new ArrayList<>();

    @Option(names = "--state", description = "Routing-table state file (saved on exit, read on start).")
    Path state;

    @Option(names = "--read-only", description = "BEP 43 read-only node: answers no queries.")
    boolean readOnly;

    @Option(names = "--external-ip", description = "Our external IP: the node id follows BEP 42.")
    String externalIp;

    @Option(names = "--allow-same-ip", description = "Test networks where many nodes share one IP (loopback): keep "
            + "several routing-table nodes per IP and lift the per-IP rate limit.")
    boolean allowSameIp;

    @Option(names = "--timeout", description = "Seconds to wait for a lookup (default ${DEFAULT-VALUE}).", defaultValue = "60")
    int timeout;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
    }

    static InetSocketAddress hostPort(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("expected HOST:PORT, got " + s);
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return InetSocketAddress.createUnresolved(host, Integer.parseInt(s.substring(colon + 1)));
    }

    DhtNode start() throws Exception {
        DhtConfig.Builder config = DhtConfig.builder().restrictRoutingIps(!allowSameIp);
        if (allowSameIp) {
            config.rateLimit(1_000_000, java.time.Duration.ofSeconds(10), java.time.Duration.ofMinutes(5));
        }
        DhtNode.Builder b = DhtNode.builder().readOnly(readOnly).config(config.build());
        for (String address : bind) {
            b.bind(new InetSocketAddress(InetAddress.getByName(address), port));
        }
        for (String s : bootstrap) {
            b.bootstrap(hostPort(s));
        }
        if (state != null) {
            b.stateFile(state);
        }
        if (externalIp != null) {
            b.externalAddress(InetAddress.getByName(externalIp));
        }
        DhtNode node = b.build();
        node.start().get(30, TimeUnit.SECONDS);
        return node;
    }

    /** Starts a node, waits until its table has a node (or the timeout), runs {@code body}, closes it. */
    int oneShot(NodeBody body) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (DhtNode node = start()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
            while (node.nodes().get().isEmpty()) {
                if (System.nanoTime() > deadline) {
                    err.println("no DHT node answered: give --bootstrap HOST:PORT");
                    return 1;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            return body.run(node, out);
        } catch (TimeoutException e) {
            err.println("timed out");
            return 1;
        } catch (Exception e) {
            err.println("dht: " + e.getMessage());
            return 1;
        }
    }

    @FunctionalInterface
    interface NodeBody {
        int run(DhtNode node, PrintWriter out) throws Exception;
    }

    static NodeId key(String hex) {
        return NodeId.ofHex(hex.trim().toLowerCase());
    }

    static String text(BValue v) {
        return v instanceof BBytes b ? b.asString() : v.toString();
    }

    @Command(name = "run", description = "Run a standalone node until interrupted; prints its stats every 10 s.")
    static final class Run implements java.util.concurrent.Callable<Integer> {
        @CommandLine.ParentCommand
        DhtCommand parent;

        @Option(names = "--for", description = "Stop after this many seconds (default: run until interrupted).")
        Integer seconds;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = parent.spec.commandLine().getOut();
            DhtNode node = parent.start();
            CountDownLatch stop = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                node.close();
                stop.countDown();
            });
            Runtime.getRuntime().addShutdownHook(hook);
            out.println("DHT node " + node.id() + " on " + node.localAddresses());
            out.flush();
            long end = seconds == null ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (!stop.await(Math.min(10, Math.max(1, (end - System.nanoTime()) / 1_000_000_000L)),
                    TimeUnit.SECONDS)) {
                DhtStats s = node.stats();
                out.printf("nodes=%d queries in=%d out=%d replies=%d rate-limited=%d torrents=%d items=%d%n",
                        s.nodeCount(), s.queriesIn(), s.queriesOut(), s.repliesOut(), s.rateLimited(), s.torrents(),
                        s.items());
                out.flush();
                if (System.nanoTime() >= end) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                    node.close();
                    break;
                }
            }
            return 0;
        }
    }

    @Command(name = "get-peers", description = "Look up peers of an info-hash (40 hex digits).")
    static final class GetPeers implements java.util.concurrent.Callable<Integer> {
        @CommandLine.ParentCommand
        DhtCommand parent;

        @Parameters(paramLabel = "INFOHASH")
        String infoHash;

        @Override
        public Integer call() {
            return parent.oneShot((node, out) -> {
                List<InetSocketAddress> peers = node.getPeers(key(infoHash)).get(parent.timeout, TimeUnit.SECONDS);
                for (InetSocketAddress p : peers) {
                    out.println(p.getAddress().getHostAddress() + ":" + p.getPort());
                }
                out.println(peers.size() + " peers");
                return 0;
            });
        }
    }

    @Command(name = "announce", description = "Announce this host as a peer of an info-hash.")
    static final class Announce implements java.util.concurrent.Callable<Integer> {
        @CommandLine.ParentCommand
        DhtCommand parent;

        @Parameters(paramLabel = "INFOHASH")
        String infoHash;

        @Option(names = "--peer-port", description = "Port peers should connect to (default: the DHT port).")
        int peerPort;

        @Override
        public Integer call() {
            return parent.oneShot((node, out) -> {
                int n = node.announce(key(infoHash), peerPort).get(parent.timeout, TimeUnit.SECONDS);
                out.println("announced to " + n + " nodes");
                return n > 0 ? 0 : 1;
            });
        }
    }

    @Command(name = "put", description = "Store a BEP 44 item: immutable, or mutable with --seed.")
    static final class Put implements java.util.concurrent.Callable<Integer> {
        @CommandLine.ParentCommand
        DhtCommand parent;

        @Parameters(paramLabel = "VALUE", description = "The value (stored as a bencoded string).")
        String value;

        @Option(names = "--seed", description = "Ed25519 seed (64 hex digits) of a mutable item's key.")
        String seed;

        @Option(names = "--salt", description = "Salt of a mutable item.", defaultValue = "")
        String salt;

        @Option(names = "--seq", description = "Sequence number of a mutable item (default ${DEFAULT-VALUE}).",
                defaultValue = "1")
        long seq;

        @Option(names = "--cas", description = "Compare-and-swap: the sequence number expected in the DHT.")
        Long cas;

        @Override
        public Integer call() {
            return parent.oneShot((node, out) -> {
                DhtEngine.StoreResult r;
                if (seed == null) {
                    r = node.putImmutable(BBytes.of(value)).get(parent.timeout, TimeUnit.SECONDS);
                } else {
                    DhtKeyPair keys = DhtKeyPair.fromSeed(HexFormat.of().parseHex(seed));
                    r = node.putMutable(keys, salt.getBytes(java.nio.charset.StandardCharsets.UTF_8), seq,
                            BBytes.of(value), cas).get(parent.timeout, TimeUnit.SECONDS);
                    out.println("public key " + HexFormat.of().formatHex(keys.publicKey()));
                }
                out.println("target " + r.target() + " stored on " + r.accepted() + " nodes"
                        + (r.errors().isEmpty() ? "" : ", errors " + r.errors()));
                return r.accepted() > 0 ? 0 : 1;
            });
        }
    }

    @Command(name = "get", description = "Read a BEP 44 item: immutable by target, or mutable by --public-key.")
    static final class Get implements java.util.concurrent.Callable<Integer> {
        @CommandLine.ParentCommand
        DhtCommand parent;

        @Parameters(paramLabel = "TARGET", arity = "0..1", description = "Target of an immutable item (40 hex digits).")
        String target;

        @Option(names = "--public-key", description = "Public key of a mutable item (64 hex digits).")
        String publicKey;

        @Option(names = "--salt", description = "Salt of a mutable item.", defaultValue = "")
        String salt;

        @Override
        public Integer call() {
            return parent.oneShot((node, out) -> {
                if (publicKey != null) {
                    Optional<MutableItem> m = node.getMutable(HexFormat.of().parseHex(publicKey),
                            salt.getBytes(java.nio.charset.StandardCharsets.UTF_8)).get(parent.timeout, TimeUnit.SECONDS);
                    if (m.isEmpty()) {
                        out.println("not found");
                        return 1;
                    }
                    out.println("seq " + m.get().seq() + ": " + text(m.get().value()));
                    return 0;
                }
                if (target == null) {
                    throw new IllegalArgumentException("give a TARGET or --public-key");
                }
                Optional<BValue> v = node.getImmutable(key(target)).get(parent.timeout, TimeUnit.SECONDS);
                out.println(v.map(DhtCommand::text).orElse("not found"));
                return v.isPresent() ? 0 : 1;
            });
        }
    }

    @Command(name = "sample", description = "BEP 51: sample info-hashes stored by nodes near a target.")
    static final class Sample implements java.util.concurrent.Callable<Integer> {
        @CommandLine.ParentCommand
        DhtCommand parent;

        @Parameters(paramLabel = "TARGET", arity = "0..1", description = "Where to look (default: random).")
        String target;

        @Override
        public Integer call() {
            return parent.oneShot((node, out) -> {
                NodeId t = target == null ? NodeId.random(new java.util.SplittableRandom()) : key(target);
                DhtEngine.SampleResult r = node.sampleInfohashes(t).get(parent.timeout, TimeUnit.SECONDS);
                for (NodeId ih : r.infoHashes()) {
                    out.println(ih);
                }
                out.println(r.infoHashes().size() + " info-hashes from " + r.nodesAnswered() + " nodes");
                return 0;
            });
        }
    }
}
