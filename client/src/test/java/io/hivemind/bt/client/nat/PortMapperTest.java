package io.hivemind.bt.client.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.nat.NatException.Reason;
import io.hivemind.bt.client.nat.core.NatPmpMessages;
import io.hivemind.bt.client.nat.core.PcpMessages;
import io.hivemind.bt.client.nat.core.RetrySchedule;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The port mapper's Netty shells against gateways on loopback: well-behaved NAT-PMP, PCP and UPnP gateways (mapping,
 * renewal, deletion on close, fallback from PCP to NAT-PMP) and hostile ones (malformed SSDP, SOAP, NAT-PMP and PCP
 * replies, XXE, oversized bodies, silence, refusals), which must end in typed errors within the configured
 * schedules, never a hang.
 */
public class PortMapperTest {
    static final long MS = 1_000_000L;
    static final InetAddress LO = InetAddress.getLoopbackAddress();

    static PortMapper.Builder quick() {
        return PortMapper.builder().gateway(LO)
                .schedules(RetrySchedule.fixed(300 * MS, 600 * MS, 1200 * MS), RetrySchedule.fixed(300 * MS, 900 * MS),
                        RetrySchedule.fixed(300 * MS, 600 * MS))
                .ssdp(1, Duration.ofMillis(1500)).httpTimeout(Duration.ofSeconds(2))
                .closeTimeout(Duration.ofSeconds(2));
    }

    static NatException failure(java.util.concurrent.CompletableFuture<Mapping> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        return assertInstanceOf(NatException.class, e.getCause());
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    // ---- NAT-PMP gateway replies --------------------------------------------------------------------------------

    static byte[] natPmpExternal(long epoch) {
        return new byte[] {0, (byte) 128, 0, 0, 0, 0, (byte) (epoch >> 8), (byte) epoch, 11, 0, 0, 1};
    }

    static byte[] natPmpMapping(byte[] req, int externalPort, long lifetime, long epoch) {
        byte[] r = new byte[16];
        r[1] = (byte) (128 + req[1]);
        r[6] = (byte) (epoch >> 8);
        r[7] = (byte) epoch;
        r[8] = req[4];
        r[9] = req[5];
        r[10] = (byte) (externalPort >> 8);
        r[11] = (byte) externalPort;
        r[14] = (byte) (lifetime >> 8);
        r[15] = (byte) lifetime;
        return r;
    }

    /** A NAT-PMP-only gateway (miniupnpd with PCP off): PCP requests get "unsupported version". */
    public static Function<byte[], List<byte[]>> natPmpGateway(long lifetime) {
        return req -> {
            if (req[0] != 0) {
                return List.of(new byte[] {0, (byte) (128 + req[1]), 0, 1, 0, 0, 0, 5});
            }
            if (req[1] == 0) {
                return List.of(natPmpExternal(100));
            }
            return List.of(natPmpMapping(req, 40000, req[8] == 0 && req[11] == 0 ? 0 : lifetime, 100));
        };
    }

    @Test
    void natPmpGatewayMapsAfterPcpFallbackAndDeletesOnClose() throws Exception {
        try (FakePmpGateway gw = new FakePmpGateway(natPmpGateway(7200))) {
            PortMapper mapper = quick().natpmp(true).natPmpPort(gw.port()).build();
            Mapping m = mapper.map(Protocol.TCP, 6881).get(20, TimeUnit.SECONDS);
            assertEquals(MappingMethod.NATPMP, m.method());
            assertEquals(40000, m.externalPort());
            assertEquals(InetAddress.getByName("11.0.0.1"), m.externalAddress());
            assertTrue(m.leaseExpiry() != null);
            assertEquals(InetAddress.getByName("11.0.0.1"), mapper.externalAddress().orElseThrow());
            assertTrue(mapper.status().isMapped(Protocol.TCP, 6881));
            assertEquals(2, gw.requests.get(0)[0]); // PCP was tried first
            mapper.close();
            byte[] last = gw.requests.get(gw.requests.size() - 1);
            assertEquals(12, last.length);
            assertEquals(2, last[1]); // TCP mapping request...
            assertEquals(0, NatPmpMessages.mappingRequest(Protocol.TCP, 6881, 0, 0)[8]);
            assertTrue(Arrays.equals(NatPmpMessages.mappingRequest(Protocol.TCP, 6881, 0, 0), last)); // ...lifetime 0
        }
    }

    @Test
    void shortLeasesAreRenewedAtHalfTheirLifetime() throws Exception {
        try (FakePmpGateway gw = new FakePmpGateway(natPmpGateway(2))) {
            PortMapper mapper = quick().natpmp(true).pcp(false).natPmpPort(gw.port()).build();
            try {
                mapper.map(Protocol.UDP, 7000).get(20, TimeUnit.SECONDS);
                long mappings = gw.requests.stream().filter(r -> r.length == 12).count();
                await(() -> gw.requests.stream().filter(r -> r.length == 12).count() > mappings, "a renewal");
                assertEquals(0, gw.requests.get(0)[0]); // pcp(false): NAT-PMP from the start
            } finally {
                mapper.close();
            }
        }
    }

    /** RFC 6886 §3.6: a reply whose epoch fell back means the gateway rebooted; the mapping is requested again at once. */
    @Test
    void gatewayRestartDetectedFromTheEpochRemapsAtOnce() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        Function<byte[], List<byte[]>> rebooting = req -> {
            if (req[1] == 0) {
                return List.of(natPmpExternal(first.getAndSet(false) ? 30000 : 10));
            }
            return List.of(natPmpMapping(req, 40000, 3600, 10));
        };
        try (FakePmpGateway gw = new FakePmpGateway(rebooting)) {
            PortMapper mapper = quick().natpmp(true).pcp(false).natPmpPort(gw.port()).build();
            try {
                mapper.map(Protocol.TCP, 6881).get(20, TimeUnit.SECONDS);
                // a one-hour lease is not renewed for 30 minutes: a second request can only come from the epoch check
                await(() -> gw.requests.stream().filter(r -> r.length == 12).count() >= 2, "a re-mapping");
            } finally {
                mapper.close();
            }
        }
    }

    @Test
    void pcpGatewayMapsAndDeletesWithTheSameNonce() throws Exception {
        Function<byte[], List<byte[]>> pcp = req -> {
            byte[] r = new byte[60];
            r[0] = 2;
            r[1] = (byte) 0x81;
            System.arraycopy(req, 4, r, 4, 4); // lifetime as asked
            r[11] = 50; // epoch
            System.arraycopy(req, 24, r, 24, 12); // nonce
            r[36] = req[36];
            System.arraycopy(req, 40, r, 40, 4); // ports
            byte[] ext = PcpMessages.address16(InetAddress.getLoopbackAddress());
            ext[12] = 11;
            ext[13] = 0;
            ext[14] = 0;
            ext[15] = 2;
            System.arraycopy(ext, 0, r, 44, 16);
            return List.of(r);
        };
        try (FakePmpGateway gw = new FakePmpGateway(pcp)) {
            PortMapper mapper = quick().natpmp(true).natPmpPort(gw.port()).build();
            Mapping m = mapper.map(Protocol.UDP, 6881).get(20, TimeUnit.SECONDS);
            assertEquals(MappingMethod.PCP, m.method());
            assertEquals(6881, m.externalPort());
            assertEquals(InetAddress.getByName("11.0.0.2"), m.externalAddress());
            mapper.close();
            byte[] first = gw.requests.get(0);
            byte[] last = gw.requests.get(gw.requests.size() - 1);
            assertEquals(0, NatPmpMessages.mappingRequest(Protocol.TCP, 1, 0, 0)[8] + last[4] + last[5] + last[6] + last[7]);
            assertTrue(Arrays.equals(Arrays.copyOfRange(first, 24, 36), Arrays.copyOfRange(last, 24, 36)));
        }
    }

    @Test
    void malformedNatPmpRepliesEndInATypedError() throws Exception {
        List<byte[]> garbage = List.of(new byte[] {0, (byte) 128, 0}, new byte[] {1, (byte) 128, 0, 0, 0, 0, 0, 0},
                new byte[] {0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        try (FakePmpGateway gw = new FakePmpGateway(req -> garbage)) {
            PortMapper mapper = quick().natpmp(true).pcp(false).natPmpPort(gw.port()).build();
            NatException e = failure(mapper.map(Protocol.TCP, 6881));
            assertEquals(Reason.MALFORMED_NATPMP, e.reason());
            assertTrue(e.getMessage().contains("last reply rejected"), e.getMessage());
            MappingStatus s = mapper.status().mappings().get(0);
            assertEquals(MappingStatus.State.FAILED, s.state());
            assertTrue(s.lastError().contains("NAT-PMP"), s.lastError());
            mapper.close();
        }
    }

    @Test
    void malformedPcpRepliesEndInATypedError() throws Exception {
        try (FakePmpGateway gw = new FakePmpGateway(req -> List.of(new byte[] {2, (byte) 0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                Arrays.copyOf(new byte[] {2, 1}, 60)))) {
            PortMapper mapper = quick().natpmp(true).natPmpPort(gw.port()).build();
            NatException e = failure(mapper.map(Protocol.TCP, 6881));
            assertEquals(Reason.MALFORMED_PCP, e.reason());
            mapper.close();
        }
    }

    @Test
    void silentGatewayTimesOutWithAHint() throws Exception {
        try (FakePmpGateway gw = new FakePmpGateway(req -> List.of())) {
            PortMapper mapper = quick().natpmp(true).natPmpPort(gw.port()).build();
            NatException e = failure(mapper.map(Protocol.TCP, 6881));
            assertEquals(Reason.TIMEOUT, e.reason());
            assertTrue(e.getMessage().contains("is NAT-PMP/PCP enabled on the router?"), e.getMessage());
            mapper.close();
        }
    }

    @Test
    void refusalCarriesTheResultCode() throws Exception {
        try (FakePmpGateway gw = new FakePmpGateway(req -> req[1] == 0 ? List.of(natPmpExternal(1))
                : List.of(new byte[] {0, (byte) (128 + req[1]), 0, 2, 0, 0, 0, 1}))) {
            PortMapper mapper = quick().natpmp(true).pcp(false).natPmpPort(gw.port()).build();
            NatException e = failure(mapper.map(Protocol.TCP, 6881));
            assertEquals(Reason.NATPMP_REFUSED, e.reason());
            assertEquals(2, e.code());
            assertTrue(e.getMessage().contains("Not Authorized"), e.getMessage());
            mapper.close();
        }
    }

    // ---- UPnP -------------------------------------------------------------------------------------------------------

    static PortMapper upnp(FakeUpnpDevice d) {
        return quick().upnp(true).ssdpTarget(d.ssdpAddress()).build();
    }

    @Test
    void upnpDeviceMapsAndDeletesOnClose() throws Exception {
        try (FakeUpnpDevice d = new FakeUpnpDevice()) {
            d.soap = FakeUpnpDevice::wellBehaved;
            PortMapper mapper = upnp(d);
            Mapping m = mapper.map(Protocol.TCP, 6881).get(20, TimeUnit.SECONDS);
            assertEquals(MappingMethod.UPNP, m.method());
            assertEquals(6881, m.externalPort());
            assertEquals(InetAddress.getByName("11.0.0.1"), m.externalAddress());
            String add = d.soapRequests.stream().filter(s -> s.contains("#AddPortMapping")).findFirst().orElseThrow();
            assertTrue(add.contains("<NewInternalClient>127.0.0.1</NewInternalClient>"), add);
            assertTrue(add.contains("<NewLeaseDuration>3600</NewLeaseDuration>"), add);
            assertTrue(mapper.status().upnpDevice().startsWith("Fake IGD at http://127.0.0.1:"));
            mapper.close();
            assertTrue(d.soapRequests.get(d.soapRequests.size() - 1).contains("#DeletePortMapping"));
        }
    }

    @Test
    void onlyPermanentLeasesSupportedIsRetriedWithLeaseZero() throws Exception {
        try (FakeUpnpDevice d = new FakeUpnpDevice()) {
            d.soap = body -> body.contains("AddPortMapping") && !body.contains("<NewLeaseDuration>0<")
                    ? FakeUpnpDevice.fault(725) : FakeUpnpDevice.wellBehaved(body);
            PortMapper mapper = upnp(d);
            Mapping m = mapper.map(Protocol.UDP, 6881).get(20, TimeUnit.SECONDS);
            assertNull(m.leaseExpiry()); // permanent
            mapper.close();
        }
    }

    @Test
    void soapFaultIsATypedRefusal() throws Exception {
        try (FakeUpnpDevice d = new FakeUpnpDevice()) {
            d.soap = body -> body.contains("AddPortMapping") ? FakeUpnpDevice.fault(606) : FakeUpnpDevice.wellBehaved(body);
            PortMapper mapper = upnp(d);
            NatException e = failure(mapper.map(Protocol.TCP, 6881));
            assertEquals(Reason.SOAP_FAULT, e.reason());
            assertEquals(606, e.code());
            assertTrue(e.getMessage().contains("ActionNotAuthorized"), e.getMessage());
            mapper.close();
        }
    }

    @Test
    void hostileUpnpRepliesAreRejectedWithClearErrors() throws Exception {
        record Case(String name, java.util.function.Consumer<FakeUpnpDevice> setup, Reason expected, String text) {
        }
        List<Case> cases = List.of(
                new Case("malformed SSDP", d -> d.ssdpReply = x -> "HTTP/1.1 200 OK\r\nST: x\r\n".getBytes(),
                        Reason.MALFORMED_SSDP, "last rejected"),
                new Case("LOCATION elsewhere", d -> d.ssdpReply = x -> new String(x.goodSsdpReply())
                        .replace("127.0.0.1", "127.0.0.2").getBytes(), Reason.BAD_URL, "another host"),
                new Case("XXE description", d -> d.description = FakeUpnpDevice.Reply.ok(
                        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><root>&x;</root>"),
                        Reason.MALFORMED_XML, "DOCTYPE"),
                new Case("huge description", d -> d.description = new FakeUpnpDevice.Reply(200, new byte[1 << 20]),
                        Reason.TOO_LARGE, "too large"),
                new Case("no WAN service", d -> d.description = FakeUpnpDevice.Reply.ok(
                        FakeUpnpDevice.descriptionXml("urn:schemas-upnp-org:service:Printer:1")),
                        Reason.NO_IGD_SERVICE, "WANIPConnection"),
                new Case("hanging HTTP", d -> d.description = new FakeUpnpDevice.Reply(200, null),
                        Reason.TIMEOUT, "no complete HTTP reply"),
                new Case("bad external IP", d -> d.soap = b -> FakeUpnpDevice.Reply.ok(FakeUpnpDevice.envelope(
                        "<u:GetExternalIPAddressResponse xmlns:u=\"x\"><NewExternalIPAddress>&lt;script&gt;"
                                + "</NewExternalIPAddress></u:GetExternalIPAddressResponse>")),
                        Reason.MALFORMED_SOAP, "no IP address"),
                new Case("silence", d -> d.ssdpReply = x -> null, Reason.TIMEOUT, "is UPnP enabled on the router?"));
        for (Case c : cases) {
            try (FakeUpnpDevice d = new FakeUpnpDevice()) {
                d.soap = FakeUpnpDevice::wellBehaved;
                c.setup().accept(d);
                PortMapper mapper = upnp(d);
                NatException e = failure(mapper.map(Protocol.TCP, 6881));
                assertEquals(c.expected(), e.reason(), c.name() + ": " + e.getMessage());
                assertTrue(e.getMessage().contains(c.text()), c.name() + ": " + e.getMessage());
                assertTrue(mapper.status().upnpError() != null, c.name());
                mapper.close();
            }
        }
    }

    @Test
    void bothMethodsFailingReportsEach() throws Exception {
        try (FakeUpnpDevice d = new FakeUpnpDevice(); FakePmpGateway gw = new FakePmpGateway(req -> List.of())) {
            d.ssdpReply = x -> null;
            PortMapper mapper = quick().upnp(true).natpmp(true).ssdpTarget(d.ssdpAddress()).natPmpPort(gw.port()).build();
            NatException e = failure(mapper.map(Protocol.TCP, 6881));
            assertTrue(e.getMessage().contains("UPnP: ") && e.getMessage().contains("NAT-PMP/PCP: "), e.getMessage());
            assertEquals(2, mapper.status().mappings().size());
            mapper.close();
        }
    }

    @Test
    void votesFromTrackersAndPeersDecideTheAddressAndNotifyListeners() throws Exception {
        PortMapper mapper = PortMapper.builder().build();
        java.util.concurrent.CompletableFuture<InetAddress> heard = new java.util.concurrent.CompletableFuture<>();
        mapper.addExternalAddressListener(heard::complete);
        mapper.reportExternalAddress(InetAddress.getByName("9.9.9.9"),
                io.hivemind.bt.client.nat.core.ExternalAddressVoter.Source.TRACKER, InetAddress.getByName("1.2.3.4"));
        assertEquals(InetAddress.getByName("9.9.9.9"), heard.get(10, TimeUnit.SECONDS));
        await(() -> mapper.externalAddress().isPresent(), "the snapshot");
        assertEquals(Reason.CLOSED, failure(mapper.map(Protocol.TCP, 1)).reason()); // both methods off
        mapper.close();
    }
}
