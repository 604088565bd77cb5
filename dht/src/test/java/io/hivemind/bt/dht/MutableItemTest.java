package io.hivemind.bt.dht;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.dht.core.ItemSigning;
import io.hivemind.bt.dht.core.ItemStore;
import io.hivemind.bt.wire.bencode.BBytes;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** BEP 44 "Test Vectors": the signed buffers, targets and signatures of tests 1–3 of the spec. */
class MutableItemTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] PUBLIC_KEY = HEX.parseHex("77ff84905a91936367c01360803104f92432fcd904a43511876df5cdf3e7e548");
    private static final BBytes VALUE = BBytes.of("Hello World!");

    /** BEP 44 test 1 (mutable). */
    @Test
    void vector1Mutable() {
        assertEquals("3:seqi1e1:v12:Hello World!",
                new String(ItemSigning.signatureBuffer(new byte[0], 1, VALUE), StandardCharsets.US_ASCII));
        MutableItem item = new MutableItem(PUBLIC_KEY, new byte[0], 1, VALUE, HEX.parseHex(
                "305ac8aeb6c9c151fa120f120ea2cfb923564e11552d06a5d856091e5e853cff"
                        + "1260d3f39e4999684aa92eb73ffd136e6f4f3ecbfda0ce53a1608ecd7ae21f01"));
        assertEquals(NodeId.ofHex("4a533d47ec9c7d95b1ad75f576cffc641853b750"), item.target());
        assertTrue(item.verify());
        assertFalse(new MutableItem(PUBLIC_KEY, new byte[0], 2, VALUE, item.signature()).verify(), "seq is signed");
    }

    /** BEP 44 test 2 (mutable with salt). */
    @Test
    void vector2MutableWithSalt() {
        byte[] salt = "foobar".getBytes(StandardCharsets.US_ASCII);
        assertEquals("4:salt6:foobar3:seqi1e1:v12:Hello World!",
                new String(ItemSigning.signatureBuffer(salt, 1, VALUE), StandardCharsets.US_ASCII));
        MutableItem item = new MutableItem(PUBLIC_KEY, salt, 1, VALUE, HEX.parseHex(
                "6834284b6b24c3204eb2fea824d82f88883a3d95e8b4a21b8c0ded553d17d17d"
                        + "df9a8a7104b1258f30bed3787e6cb896fca78c58f8e03b5f18f14951a87d9a08"));
        assertEquals(NodeId.ofHex("411eba73b6f087ca51a3795d9c8c938d365e32c1"), item.target());
        assertTrue(item.verify());
        assertFalse(new MutableItem(PUBLIC_KEY, "foobaz".getBytes(), 1, VALUE, item.signature()).verify(),
                "salt is signed");
    }

    /** BEP 44 test 3 (immutable). */
    @Test
    void vector3Immutable() {
        assertEquals(NodeId.ofHex("e5f96f6f38320f0f33959cb4d3d656452117aadb"), ItemStore.immutableTarget(VALUE));
    }

    @Test
    void signAndVerifyWithBouncyCastle() {
        DhtKeyPair keys = DhtKeyPair.fromSeed(new byte[32]);
        MutableItem item = MutableItem.sign(keys, "s".getBytes(), 9, BBytes.of("v"));
        assertTrue(item.verify());
        assertArrayEquals(keys.publicKey(), DhtKeyPair.fromSeed(keys.seed()).publicKey());
        byte[] sig = item.signature().clone();
        sig[10] ^= 1;
        assertFalse(new MutableItem(item.publicKey(), item.salt(), 9, item.value(), sig).verify());
    }
}
