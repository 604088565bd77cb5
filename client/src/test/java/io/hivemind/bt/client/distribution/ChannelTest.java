package io.hivemind.bt.client.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.dht.MutableItem;
import io.hivemind.bt.wire.bencode.BBytes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Channels and channel keys: text forms, BEP 46 targets and secrecy of the seed. */
class ChannelTest {

    /** BEP 46 "Test Vectors", test 1 and test 2: public key (+ salt) to target ID. */
    @Test
    void bep46TargetVectors() {
        String pub = "8543d3e6115f0f98c944077a4493dcd543e49c739fd998550a1f614ab36ed63e";
        assertEquals("cc3f9d90b572172053626f9980ce261a850d050b",
                MutableItem.target(io.hivemind.bt.wire.internal.Hex.decode(pub), new byte[0]).toHex());
        // salt "n" (hex 6e) is a valid channel name
        assertEquals("59ee7c2cb9b4f7eb1986ee2d18fd2fdb8a56554f", hex(new Channel(pub, "n").target()));
        assertEquals("magnet:?xs=urn:btpk:" + pub + "&s=6e", new Channel(pub, "n").magnet());
    }

    private static String hex(io.hivemind.bt.dht.NodeId id) {
        return id.toHex();
    }

    @Test
    void textForms() throws Exception {
        ChannelKey k = ChannelKey.generate("resnet");
        Channel c = k.channel();
        assertEquals(c, Channel.parse(c.toString()));
        assertEquals(Channel.DEFAULT_NAME, Channel.parse(c.publicKeyHex()).name());
        ChannelKey again = ChannelKey.parse(k.encode());
        assertEquals(c, again.channel());
        assertFalse(k.toString().contains(k.encode().substring(0, 64)), "toString must not show the seed");
        assertThrows(IllegalArgumentException.class, () -> Channel.parse("zz"));
        assertThrows(IllegalArgumentException.class, () -> Channel.parse(c.publicKeyHex() + ":../x"));
        assertThrows(IllegalArgumentException.class, () -> Channel.parse(c.publicKeyHex() + ":a:b"));
        assertThrows(IllegalArgumentException.class, () -> ChannelKey.parse("12"));
    }

    @Test
    void keyFromFile(@TempDir Path tmp) throws Exception {
        ChannelKey k = ChannelKey.generate("m");
        Path f = tmp.resolve("key");
        Files.writeString(f, k.encode() + "\n");
        assertEquals(k.channel(), ChannelKey.parse("@" + f).channel());
    }

    @Test
    void signedItemsMatchTheirChannel() {
        ChannelKey k = ChannelKey.generate("resnet");
        MutableItem item = k.sign(k.channel().salt(), 3, BBytes.of("x"));
        assertTrue(item.verify());
        assertTrue(k.channel().matches(item));
        assertFalse(k.withName("other").channel().matches(item));
        assertEquals(k.channel().target(), item.target());
    }
}
