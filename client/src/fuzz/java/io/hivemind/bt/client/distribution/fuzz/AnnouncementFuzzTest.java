package io.hivemind.bt.client.distribution.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.client.daemon.json.JsonException;
import io.hivemind.bt.client.daemon.json.JsonLimits;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonReader;
import io.hivemind.bt.client.distribution.Announcement;
import io.hivemind.bt.client.distribution.AnnouncementException;
import io.hivemind.bt.client.distribution.Manifest;
import io.hivemind.bt.client.distribution.internal.ItemJson;
import io.hivemind.bt.dht.MutableItem;

/**
 * The distribution parsers on arbitrary bytes (HARDENING.md "Fuzzing"): an announcement value throws only
 * {@link AnnouncementException}, and what decodes encodes back (within the 1000-byte BEP 44 bound) to an equal
 * announcement (unknown members are dropped); a notification body's item throws only {@link IllegalArgumentException} or {@link JsonException};
 * a manifest throws only {@link IllegalArgumentException}. Saved inputs replay in every normal run.
 */
class AnnouncementFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void announcement(byte[] input) {
        Announcement a;
        try {
            a = Announcement.decode(input);
        } catch (AnnouncementException expected) {
            return;
        }
        byte[] again = a.encode().encode();
        assertTrue(again.length <= Announcement.MAX_VALUE);
        assertEquals(a, Announcement.decode(again));
    }

    @FuzzTest(maxDuration = "10s")
    void notificationItem(byte[] input) {
        JsonObject o;
        try {
            o = JsonReader.parseObject(input, JsonLimits.DEFAULT);
        } catch (JsonException expected) {
            return;
        }
        try {
            MutableItem item = ItemJson.fromJson(o.get("item"));
            item.verify(); // never throws: a bad key or signature is just false
        } catch (IllegalArgumentException | JsonException expected) {
            // typed rejection
        }
    }

    @FuzzTest(maxDuration = "10s")
    void manifest(byte[] input) {
        try {
            Manifest m = Manifest.parse(input);
            assertEquals(m, Manifest.parse(m.toJson()));
        } catch (IllegalArgumentException expected) {
            // typed rejection
        }
    }
}
