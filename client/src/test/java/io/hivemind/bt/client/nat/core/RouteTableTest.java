package io.hivemind.bt.client.nat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Default gateway discovery from the kernel's routing tables. */
class RouteTableTest {
    static final String ROUTE = """
            Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
            eth0\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
            wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0
            eth0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0
            eth1\t00000000\t0200000A\t0002\t0\t0\t1\t00000000\t0\t0\t0
            garbage line
            eth2\t00000000\tZZZZ\t0003\t0\t0\t1\t00000000\t0\t0\t0
            """;

    @Test
    void ipv4DefaultRouteWithTheLowestMetric() throws Exception {
        List<RouteTable.DefaultRoute> r = RouteTable.parseIpv4(ROUTE);
        assertEquals(2, r.size()); // eth1's route is not UP
        assertEquals(InetAddress.getByName("10.0.0.1"), r.get(0).gateway());
        assertEquals("eth0", r.get(0).iface());
        assertEquals(InetAddress.getByName("192.168.1.1"), r.get(1).gateway());
        assertTrue(RouteTable.bestIpv4("Iface\tDestination\n").isEmpty());
    }

    @Test
    void ipv6DefaultRoute() throws Exception {
        String table = """
                fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
                00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003     eth0
                00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
                """;
        List<RouteTable.DefaultRoute> r = RouteTable.parseIpv6(table);
        assertEquals(1, r.size());
        assertEquals(InetAddress.getByName("fe80::1"), r.get(0).gateway());
        assertEquals(1024, r.get(0).metric());
    }

    @Test
    void fallbackGuessIsTheFirstHostOfTheSubnet() throws Exception {
        assertEquals(InetAddress.getByName("192.168.1.1"),
                RouteTable.guessGateway(InetAddress.getByName("192.168.1.37"), 24));
        assertEquals(InetAddress.getByName("10.0.0.1"), RouteTable.guessGateway(InetAddress.getByName("10.0.3.4"), 8));
        assertNull(RouteTable.guessGateway(InetAddress.getByName("10.0.0.1"), 24)); // we are .1
        assertNull(RouteTable.guessGateway(InetAddress.getByName("10.0.0.5"), 32));
    }
}
