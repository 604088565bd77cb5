package io.hivemind.bt.client.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hivemind.bt.client.daemon.json.JsonLimits;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonReader;
import io.hivemind.bt.client.distribution.internal.ItemJson;
import io.hivemind.bt.dht.MutableItem;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON form of signed items in notifications and check-in answers: round trip and hostile shapes. */
class ItemJsonTest {

    @Test
    void roundTrip() {
        ChannelKey k = ChannelKey.generate("m");
        MutableItem item = k.sign(k.channel().salt(), 42, VersionGateTest.model("1", (byte) 1));
        MutableItem back = ItemJson.fromJson(ItemJson.toJson(item));
        assertArrayEquals(item.publicKey(), back.publicKey());
        assertArrayEquals(item.salt(), back.salt());
        assertEquals(item.seq(), back.seq());
        assertEquals(item.value(), back.value());
        assertArrayEquals(item.signature(), back.signature());
        assertEquals(true, back.verify());
    }

    @Test
    void hostileShapesAreIllegalArguments() {
        String k = "a".repeat(64);
        String sig = "b".repeat(128);
        String v = Base64.getEncoder().encodeToString("d1:ai1ee".getBytes(StandardCharsets.US_ASCII));
        List<String> bad = List.of(
                "{}",
                "{\"k\":\"" + k + "\",\"seq\":1,\"v\":\"" + v + "\"}",
                "{\"k\":\"" + k.substring(2) + "\",\"seq\":1,\"v\":\"" + v + "\",\"sig\":\"" + sig + "\"}",
                "{\"k\":\"" + k + "\",\"salt\":\"" + "00".repeat(65) + "\",\"seq\":1,\"v\":\"" + v + "\",\"sig\":\"" + sig + "\"}",
                "{\"k\":\"" + k + "\",\"seq\":1,\"v\":\"!!\",\"sig\":\"" + sig + "\"}",
                "{\"k\":\"" + k + "\",\"seq\":1,\"v\":\"" + Base64.getEncoder().encodeToString(new byte[1001])
                        + "\",\"sig\":\"" + sig + "\"}",
                "{\"k\":\"" + k + "\",\"seq\":1,\"v\":\"" + Base64.getEncoder().encodeToString("d1:bi1e1:ai1ee".getBytes())
                        + "\",\"sig\":\"" + sig + "\"}",
                "{\"k\":5,\"seq\":1,\"v\":\"" + v + "\",\"sig\":\"" + sig + "\"}",
                "{\"k\":\"" + k + "\",\"seq\":\"x\",\"v\":\"" + v + "\",\"sig\":\"" + sig + "\"}");
        for (String s : bad) {
            JsonObject o = JsonReader.parseObject(s.getBytes(StandardCharsets.UTF_8), JsonLimits.DEFAULT);
            assertThrows(IllegalArgumentException.class, () -> ItemJson.fromJson(o), s);
        }
        assertThrows(IllegalArgumentException.class, () -> ItemJson.fromJson(null));
    }
}
