package io.hivemind.bt.client.nat;

import static org.junit.jupiter.api.Assertions.fail;

import io.hivemind.bt.wire.testing.ExternalPrograms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A three-namespace network for NAT tests: {@code <p>-wan} (a "public" peer, 11.0.0.2/24), {@code <p>-rtr} (the
 * router: 11.0.0.1 on its WAN side, 10.77.0.1/24 on its LAN side, forwarding on, nftables) and {@code <p>-lan}
 * (our client, 10.77.0.2, default route via the router). Every address lives only inside these namespaces, which
 * are connected to nothing else. miniupnpd refuses a reserved WAN address, hence 11.0.0.0/24.
 *
 * <p>{@link #require()} is the capability guard: without root, {@code ip} or network namespaces the test is skipped
 * with the reason locally and fails under CI ({@code CI=true}), like {@link ExternalPrograms}. {@link #close()}
 * deletes the namespaces (which removes the veth pairs and the nftables state) and is called from a finally block.
 */
final class NetnsLab implements AutoCloseable {
    static final String WAN_IP = "11.0.0.2";
    static final String ROUTER_WAN_IP = "11.0.0.1";
    static final String ROUTER_LAN_IP = "10.77.0.1";
    static final String LAN_IP = "10.77.0.2";

    final String prefix;
    final String wan;
    final String router;
    final String lan;
    final String routerWanIf;
    final String routerLanIf;
    private final List<String> created = new ArrayList<>();

    private NetnsLab(String prefix) {
        this.prefix = prefix;
        this.wan = prefix + "-wan";
        this.router = prefix + "-rtr";
        this.lan = prefix + "-lan";
        this.routerWanIf = prefix + "rw";
        this.routerLanIf = prefix + "rl";
    }

    /** Skips (locally) or fails (in CI) unless this process may create network namespaces. */
    static void require() {
        ExternalPrograms.require("ip", "iproute2");
        ExternalPrograms.require("nft", "nftables");
        String probe = "hbtprobe" + ProcessHandle.current().pid() % 100000;
        Result add = run(List.of("ip", "netns", "add", probe));
        if (add.code == 0) {
            run(List.of("ip", "netns", "del", probe));
            return;
        }
        String reason = "cannot create network namespaces (needs root / CAP_SYS_ADMIN): " + add.output.strip();
        if (ExternalPrograms.inCi()) {
            fail("network namespace test in CI: " + reason);
        }
        Assumptions.abort("skipped: " + reason);
    }

    /** Builds the three namespaces and their links; on failure, removes what it made. */
    static NetnsLab create() {
        String prefix = "hbn" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        NetnsLab lab = new NetnsLab(prefix);
        try {
            for (String ns : List.of(lab.wan, lab.router, lab.lan)) {
                lab.must("ip", "netns", "add", ns);
                lab.created.add(ns);
                lab.must("ip", "-n", ns, "link", "set", "lo", "up");
            }
            String w = prefix + "w";
            String l = prefix + "l";
            lab.must("ip", "-n", lab.router, "link", "add", lab.routerWanIf, "type", "veth", "peer", "name", w,
                    "netns", lab.wan);
            lab.must("ip", "-n", lab.router, "link", "add", lab.routerLanIf, "type", "veth", "peer", "name", l,
                    "netns", lab.lan);
            lab.must("ip", "-n", lab.router, "addr", "add", ROUTER_WAN_IP + "/24", "dev", lab.routerWanIf);
            lab.must("ip", "-n", lab.router, "addr", "add", ROUTER_LAN_IP + "/24", "dev", lab.routerLanIf);
            lab.must("ip", "-n", lab.wan, "addr", "add", WAN_IP + "/24", "dev", w);
            lab.must("ip", "-n", lab.lan, "addr", "add", LAN_IP + "/24", "dev", l);
            for (String[] up : new String[][] {{lab.router, lab.routerWanIf}, {lab.router, lab.routerLanIf},
                    {lab.wan, w}, {lab.lan, l}}) {
                lab.must("ip", "-n", up[0], "link", "set", up[1], "up");
            }
            lab.must("ip", "-n", lab.lan, "route", "add", "default", "via", ROUTER_LAN_IP);
            lab.must("ip", "netns", "exec", lab.router, "sysctl", "-qw", "net.ipv4.ip_forward=1");
            return lab;
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
    }

    /** The nftables structure miniupnpd 2.3's nftables backend fills (it does not create it itself). */
    void loadRouterFirewall(Path dir) throws IOException {
        Path rules = dir.resolve("router.nft");
        Files.writeString(rules, """
                table inet miniupnpd {
                  chain forward { type filter hook forward priority 0; policy drop; ct state established,related accept; jump miniupnpd; }
                  chain miniupnpd { }
                  chain prerouting { type nat hook prerouting priority -100; policy accept; jump prerouting_miniupnpd; }
                  chain postrouting { type nat hook postrouting priority 100; policy accept; jump postrouting_miniupnpd; }
                  chain prerouting_miniupnpd { }
                  chain postrouting_miniupnpd { }
                }
                """);
        must("ip", "netns", "exec", router, "nft", "-f", rules.toString());
    }

    /** The router's NAT rules as {@code nft} prints them. */
    String natRules() {
        return must("ip", "netns", "exec", router, "nft", "list", "chain", "inet", "miniupnpd", "prerouting_miniupnpd");
    }

    /** Runs a command inside namespace {@code ns}: the argument list for a ProcessBuilder. */
    List<String> in(String ns, String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(command));
        return c;
    }

    String must(String... command) {
        Result r = run(List.of(command));
        if (r.code != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.code + "): " + r.output);
        }
        return r.output;
    }

    record Result(int code, String output) {
    }

    static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readNBytes(1 << 20);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    @Override
    public void close() {
        for (String ns : created) {
            run(List.of("ip", "netns", "del", ns));
        }
        created.clear();
    }
}
