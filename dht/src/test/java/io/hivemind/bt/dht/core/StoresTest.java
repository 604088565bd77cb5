package io.hivemind.bt.dht.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.dht.DhtKeyPair;
import io.hivemind.bt.dht.MutableItem;
import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.wire.bencode.BBytes;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Token rotation (BEP 5 "tokens"), peer storage and BEP 44 item storage with its error codes. */
class StoresTest {
    private static final long MIN = 60_000_000_000L;
    private final SplittableRandom random = new SplittableRandom(9);

    @Test
    void tokensAreTiedToIpAndTargetAndExpireAfterTwoRotations() throws Exception {
        TokenManager t = new TokenManager(random, 5 * MIN, 0);
        InetAddress ip = InetAddress.getByName("192.0.2.1");
        NodeId target = NodeId.random(random);
        byte[] token = t.token(ip, target);
        assertTrue(t.valid(token, ip, target));
        assertFalse(t.valid(token, InetAddress.getByName("192.0.2.2"), target), "other IP");
        assertFalse(t.valid(token, ip, NodeId.random(random)), "other key");
        t.tick(5 * MIN);
        assertTrue(t.valid(token, ip, target), "previous secret still accepted");
        t.tick(10 * MIN);
        assertFalse(t.valid(token, ip, target), "stale after two rotations");
        assertFalse(t.valid(new byte[8], ip, target));
        assertFalse(t.valid(null, ip, target));
    }

    @Test
    void peerStoreIsBoundedAndExpires() throws Exception {
        PeerStore s = new PeerStore(2, 3, 30 * MIN);
        NodeId a = NodeId.random(random);
        for (int i = 1; i <= 5; i++) {
            s.announce(a, new InetSocketAddress(InetAddress.getByName("192.0.2." + i), 1), 0);
        }
        assertEquals(3, s.peerCount(a), "oldest peers evicted");
        NodeId b = NodeId.random(random);
        NodeId c = NodeId.random(random);
        s.announce(b, new InetSocketAddress(InetAddress.getByName("192.0.2.9"), 1), 0);
        s.announce(c, new InetSocketAddress(InetAddress.getByName("192.0.2.9"), 1), 0);
        assertEquals(2, s.torrentCount());
        assertEquals(3, s.peerCount(a), "the swarm with the most peers survives");
        assertEquals(2, s.peers(a, true, 2, 0, random).size());
        assertTrue(s.peers(a, false, 10, 0, random).isEmpty(), "IPv6 requesters get IPv6 peers only");
        s.expire(30 * MIN);
        assertEquals(0, s.torrentCount());
    }

    @Test
    void itemStoreChecksEverythingBep44Requires() {
        ItemStore s = new ItemStore(10, 120 * MIN);
        DhtKeyPair keys = DhtKeyPair.fromSeed(new byte[32]);
        byte[] salt = "s".getBytes();
        MutableItem v2 = MutableItem.sign(keys, salt, 2, BBytes.of("two"));
        assertEquals(ItemStore.Outcome.STORED, put(s, v2, null));
        assertEquals(ItemStore.Outcome.SEQ_TOO_LOW, put(s, MutableItem.sign(keys, salt, 1, BBytes.of("one")), null));
        assertEquals(ItemStore.Outcome.SEQ_TOO_LOW, put(s, MutableItem.sign(keys, salt, 2, BBytes.of("x")), null));
        assertEquals(ItemStore.Outcome.CAS_MISMATCH, put(s, MutableItem.sign(keys, salt, 3, BBytes.of("3")), 1L));
        MutableItem forged = new MutableItem(v2.publicKey(), salt, 3, BBytes.of("evil"), v2.signature());
        assertEquals(ItemStore.Outcome.INVALID_SIGNATURE, put(s, forged, null));
        assertEquals(ItemStore.Outcome.STORED, put(s, MutableItem.sign(keys, salt, 3, BBytes.of("3")), 2L));
        assertEquals(3, s.get(v2.target(), 0).seq());
        assertEquals(ItemStore.Outcome.SALT_TOO_BIG,
                s.putMutable(keys.publicKey(), new byte[65], 1, BBytes.of("v"), new byte[64], null, 0));
        assertEquals(ItemStore.Outcome.VALUE_TOO_BIG, s.putImmutable(BBytes.of(new byte[1000]), 0));
        assertEquals(ItemStore.Outcome.STORED, s.putImmutable(BBytes.of("Hello World!"), 0));
        assertNotNull(s.get(ItemStore.immutableTarget(BBytes.of("Hello World!")), 0));
        assertNull(s.get(ItemStore.immutableTarget(BBytes.of("Hello World!")), 120 * MIN), "BEP 44: expires");
    }

    @Test
    void itemStoreIsBounded() {
        ItemStore s = new ItemStore(3, 120 * MIN);
        for (int i = 0; i < 10; i++) {
            s.putImmutable(BBytes.of("item " + i), i);
        }
        assertEquals(3, s.size());
        assertNotNull(s.get(ItemStore.immutableTarget(BBytes.of("item 9")), 10));
        assertNull(s.get(ItemStore.immutableTarget(BBytes.of("item 0")), 10));
    }

    private static ItemStore.Outcome put(ItemStore s, MutableItem m, Long cas) {
        return s.putMutable(m.publicKey(), m.salt(), m.seq(), m.value(), m.signature(), cas, 0);
    }
}
