package io.hivemind.bt.client.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.testing.ExternalPrograms;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our port mapper against a real router daemon: Debian's {@code miniupnpd} 2.3 (nftables backend) runs in a router
 * namespace between a LAN namespace, where our client runs as a child JVM ({@link LanMain}), and a WAN namespace
 * ({@link NetnsLab}). For UPnP IGD, PCP and NAT-PMP in turn: both the TCP and UDP mappings are granted with the
 * router's external address, appear as DNAT rules in the router's nftables ruleset, a peer in the WAN namespace
 * reaches our client through them ({@link WanProbe}: TCP and UDP echo), and closing the mapper removes the rules.
 * The reference clients {@code upnpc} and {@code natpmpc} see our UPnP mapping and map through the same daemon.
 *
 * <p>Needs root (network namespaces) and the packages miniupnpd, miniupnpc, natpmpc, nftables: skipped with the
 * reason locally, failing under {@code CI=true}.
 */
class MiniupnpdInteropTest {
    private static NetnsLab lab;
    private static Process miniupnpd;
    private static Path dir;
    private static final BlockingQueue<String> DAEMON_LOG = new LinkedBlockingQueue<>();

    @BeforeAll
    static void startRouter() throws Exception {
        NetnsLab.require();
        ExternalPrograms.require("miniupnpd", "miniupnpd");
        ExternalPrograms.require("upnpc", "miniupnpc");
        ExternalPrograms.require("natpmpc", "natpmpc");
        dir = Files.createTempDirectory("hivebt-miniupnpd");
        lab = NetnsLab.create();
        try {
            lab.loadRouterFirewall(dir);
            startDaemon(false);
        } catch (Throwable t) {
            stopRouter();
            throw t;
        }
    }

    /** Starts miniupnpd in the router namespace; {@code igdV1} makes it describe itself as IGD v1 only. */
    private static void startDaemon(boolean igdV1) throws Exception {
        Path conf = dir.resolve("miniupnpd.conf");
        Files.writeString(conf, String.join("\n",
                "ext_ifname=" + lab.routerWanIf,
                "listening_ip=" + lab.routerLanIf,
                "http_port=0",
                "enable_natpmp=yes",
                "enable_upnp=yes",
                "secure_mode=yes",
                "system_uptime=yes",
                "force_igd_desc_v1=" + (igdV1 ? "yes" : "no"),
                "uuid=3f2b1c9e-7a44-4d2e-9c1a-5b6e8f0a1d23",
                "lease_file=" + dir.resolve("leases"),
                "upnp_table_name=miniupnpd",
                "upnp_nat_table_name=miniupnpd",
                "upnp_forward_chain=miniupnpd",
                "upnp_nat_chain=prerouting_miniupnpd",
                "upnp_nat_postrouting_chain=postrouting_miniupnpd",
                "allow 1024-65535 10.77.0.0/24 1024-65535",
                "deny 0-65535 0.0.0.0/0 0-65535", ""));
        DAEMON_LOG.clear();
        miniupnpd = new ProcessBuilder(lab.in(lab.router, "miniupnpd", "-d", "-f", conf.toString(), "-P",
                dir.resolve("miniupnpd.pid").toString())).redirectErrorStream(true).start();
        pump(miniupnpd, DAEMON_LOG);
        awaitLine(DAEMON_LOG, "Listening for NAT-PMP/PCP traffic", 20);
    }

    private static void stopDaemon() throws InterruptedException {
        if (miniupnpd != null) {
            miniupnpd.destroy(); // SIGTERM: miniupnpd removes its rules
            if (!miniupnpd.waitFor(10, TimeUnit.SECONDS)) {
                miniupnpd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            miniupnpd = null;
        }
    }

    @AfterAll
    static void stopRouter() throws Exception {
        stopDaemon();
        if (lab != null) {
            lab.close();
            lab = null;
        }
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            dir = null;
        }
    }

    private static void pump(Process p, BlockingQueue<String> lines) {
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // process ended
            }
        });
    }

    /** Lines up to and including the first containing {@code marker}; fails after {@code seconds}. */
    private static List<String> awaitLine(BlockingQueue<String> lines, String marker, int seconds) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no line containing '" + marker + "' within " + seconds + " s; saw " + seen);
            }
            seen.add(line);
            if (line.contains(marker)) {
                return seen;
            }
        }
    }

    private static List<String> javaIn(String ns, Class<?> main, String... args) {
        List<String> c = new ArrayList<>(lab.in(ns, ProcessHandle.current().info().command().orElse("java"),
                "-Xmx96m", "-XX:TieredStopAtLevel=1", "-Dio.netty.leakDetection.level=disabled",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        c.addAll(List.of(args));
        return c;
    }

    private void mapsAndForwards(String method, int port, MappingMethod expected) throws Exception {
        Process client = new ProcessBuilder(javaIn(lab.lan, LanMain.class, method, Integer.toString(port)))
                .redirectErrorStream(true).start();
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        pump(client, out);
        try {
            List<String> lines = awaitLine(out, "STATUS", 120);
            List<String[]> mapped = lines.stream().filter(l -> l.startsWith("MAPPED ")).map(l -> l.split(" ")).toList();
            assertEquals(2, mapped.size(), "both TCP and UDP mapped: " + lines);
            int[] external = new int[2];
            for (String[] m : mapped) {
                assertEquals(expected.name(), m[1], String.join(" ", m));
                assertEquals(NetnsLab.ROUTER_WAN_IP, m[4], "external address from the router");
                external[m[2].equals("TCP") ? 0 : 1] = Integer.parseInt(m[5]);
            }
            assertTrue(lines.get(lines.size() - 1).contains("external=/" + NetnsLab.ROUTER_WAN_IP), lines.toString());

            String rules = lab.natRules();
            String to = "dnat ip to " + NetnsLab.LAN_IP + ":" + port;
            assertTrue(rules.contains("0x6 th dport " + external[0] + " " + to), "TCP rule in\n" + rules);
            assertTrue(rules.contains("0x11 th dport " + external[1] + " " + to), "UDP rule in\n" + rules);

            NetnsLab.Result probe = NetnsLab.run(javaIn(lab.wan, WanProbe.class, NetnsLab.ROUTER_WAN_IP,
                    Integer.toString(external[0]), Integer.toString(external[1])));
            assertEquals(0, probe.code(), "a WAN peer reaches us through the mapping: " + probe.output());
            assertTrue(probe.output().contains("TCP echo:hello"), probe.output());

            if (expected == MappingMethod.UPNP) {
                NetnsLab.Result list = NetnsLab.run(lab.in(lab.lan, "upnpc", "-l"));
                assertTrue(list.output().contains("hivebt-test"), "upnpc sees our mapping:\n" + list.output());
            }

            OutputStream stdin = client.getOutputStream();
            stdin.write("close\n".getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
            awaitLine(out, "CLOSED", 30);
            assertTrue(client.waitFor(30, TimeUnit.SECONDS));
            String after = lab.natRules();
            assertFalse(after.contains(to), "mappings deleted on close:\n" + after);
        } finally {
            client.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void upnpIgdMapsTcpAndUdp() throws Exception {
        mapsAndForwards("upnp", 16881, MappingMethod.UPNP);
    }

    /** A router that offers only IGD v1 (WANIPConnection:1, no AddAnyPortMapping). */
    @Test
    void upnpIgdV1MapsTcpAndUdp() throws Exception {
        stopDaemon();
        startDaemon(true);
        try {
            mapsAndForwards("upnp", 16884, MappingMethod.UPNP);
        } finally {
            stopDaemon();
            startDaemon(false);
        }
    }

    @Test
    void pcpMapsTcpAndUdp() throws Exception {
        mapsAndForwards("pcp", 16882, MappingMethod.PCP);
    }

    @Test
    void natPmpMapsTcpAndUdp() throws Exception {
        mapsAndForwards("natpmp", 16883, MappingMethod.NATPMP);
    }

    /** {@code hivebt doctor} in the LAN namespace finds the router by UPnP and NAT-PMP/PCP and reports us reachable. */
    @Test
    void doctorSeesTheMappingThroughTheRouter() throws Exception {
        NetnsLab.Result r = NetnsLab.run(javaIn(lab.lan, io.hivemind.bt.client.cli.Main.class, "doctor",
                "--listen", "0.0.0.0:16890", "--download-dir", dir.toString(), "--min-free", "1", "--transport", "NIO",
                "--upnp", "--natpmp", "--timeout", "5"));
        assertTrue(r.output().contains("[OK  ] port mapping   TCP 16890 mapped by"), r.output());
        assertTrue(r.output().contains("to " + NetnsLab.ROUTER_WAN_IP + ":16890"), r.output());
        assertTrue(r.output().contains("[OK  ] reachable      through the mapping at " + NetnsLab.ROUTER_WAN_IP), r.output());
        assertEquals(0, r.code(), r.output());
        assertFalse(lab.natRules().contains(":16890"), "the doctor's test mapping is deleted again");
    }

    /** The reference clients against the same daemon: proves the router setup the tests above rely on. */
    @Test
    void referenceClientsMapThroughTheSameDaemon() throws Exception {
        NetnsLab.Result pmp = NetnsLab.run(lab.in(lab.lan, "natpmpc", "-g", NetnsLab.ROUTER_LAN_IP, "-a", "17000",
                "17000", "tcp", "120"));
        assertTrue(pmp.output().contains("Mapped public port 17000 protocol TCP to local port 17000"), pmp.output());
        NetnsLab.Result upnp = NetnsLab.run(lab.in(lab.lan, "upnpc", "-e", "reference", "-a", NetnsLab.LAN_IP,
                "17001", "17001", "UDP"));
        assertTrue(upnp.output().contains("is redirected to internal " + NetnsLab.LAN_IP + ":17001"), upnp.output());
        String rules = lab.natRules();
        assertTrue(rules.contains("th dport 17000 dnat ip to " + NetnsLab.LAN_IP + ":17000"), rules);
        assertTrue(rules.contains("th dport 17001 dnat ip to " + NetnsLab.LAN_IP + ":17001"), rules);
        NetnsLab.run(lab.in(lab.lan, "natpmpc", "-g", NetnsLab.ROUTER_LAN_IP, "-a", "17000", "0", "tcp", "0"));
        NetnsLab.run(lab.in(lab.lan, "upnpc", "-d", "17001", "UDP"));
        String after = lab.natRules();
        assertFalse(after.contains(":17000") || after.contains(":17001"), after);
    }
}
