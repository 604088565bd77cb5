package io.hivemind.bt.dht.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.dht.NodeId;
import java.net.InetAddress;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** BEP 42 "test vectors": the first 21 bits and the last byte of the example ids. */
class NodeIdRestrictionTest {

    @ParameterizedTest
    @CsvSource({
            "124.31.75.21, 1, 5fbfbff10c5d6a4ec8a88e4c6ab4c28b95eee401",
            "21.75.31.124, 86, 5a3ce9c14e7a08645677bbd1cfe7d8f956d53256",
            "65.23.51.170, 22, a5d43220bc8f112a3d426c84764f8c2a1150e616",
            "84.124.73.14, 65, 1b0321dd1bb1fe518101ceef99462b947a01ff41",
            "43.213.53.83, 90, e56f6cbf5b7c4be0237986d5243b87aa6d51305a"})
    void specVectorsAreValid(String ip, int rand, String id) throws Exception {
        InetAddress addr = InetAddress.getByName(ip);
        NodeId nodeId = NodeId.ofHex(id);
        assertEquals(rand & 0xff, nodeId.toBytes()[19] & 0xff);
        assertTrue(NodeIdRestriction.isValid(nodeId, addr));
        byte[] wrong = nodeId.toBytes();
        wrong[0] ^= 0x01;
        assertFalse(NodeIdRestriction.isValid(NodeId.of(wrong), addr));
    }

    @Test
    void generatedIdsAreValidForTheirAddressOnly() throws Exception {
        SplittableRandom r = new SplittableRandom(5);
        InetAddress v4 = InetAddress.getByName("203.0.113.9");
        InetAddress v6 = InetAddress.getByName("2001:db8::1");
        for (int i = 0; i < 200; i++) {
            assertTrue(NodeIdRestriction.isValid(NodeIdRestriction.generate(v4, r), v4));
            assertTrue(NodeIdRestriction.isValid(NodeIdRestriction.generate(v6, r), v6));
        }
        int validElsewhere = 0;
        InetAddress other = InetAddress.getByName("198.51.100.77");
        for (int i = 0; i < 200; i++) {
            if (NodeIdRestriction.isValid(NodeIdRestriction.generate(v4, r), other)) {
                validElsewhere++;
            }
        }
        assertTrue(validElsewhere < 5, "ids for one IP valid for another: " + validElsewhere);
    }

    @Test
    void localAddressesAreExempt() throws Exception {
        NodeId any = NodeId.random(new SplittableRandom(1));
        for (String ip : new String[]{"127.0.0.1", "10.1.2.3", "192.168.1.1", "::1", "fe80::1", "fd00::1"}) {
            assertTrue(NodeIdRestriction.isValid(any, InetAddress.getByName(ip)), ip);
        }
    }
}
