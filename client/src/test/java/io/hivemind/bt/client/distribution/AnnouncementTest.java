package io.hivemind.bt.client.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BInt;
import io.hivemind.bt.wire.internal.Hex;
import io.hivemind.bt.wire.metainfo.InfoHashes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The announcement value: BEP 46 {@code ih}, the BEP 44 1000-byte bound, and hostile values. */
class AnnouncementTest {
    static final byte[] V1 = Hex.decode("f8b1bd268f3e4debb9e968e6a7cc5d4f4c838869");
    static final byte[] V2 = Hex.decode("16507c151f7c4171a0a5dc8f24d0941c3b3fecc8fff38bd8081a2a2592f3b64a");

    static Announcement model(Map<String, String> md) {
        return new Announcement(DistributionKind.MODEL, InfoHashes.of(V1, V2), "resnet-1.4", null, 123_456,
                List.of("http://127.0.0.1:6969/announce"), "http://127.0.0.1:8080", new TreeMap<>(md), false,
                Manifest.FILE_NAME);
    }

    /** BEP 46 "Publishing content": {@code v} carries {@code ih}, the 20-byte info-hash. */
    @Test
    void bep46IhIsTheV1InfoHashAndTheValueRoundTrips() {
        Announcement a = model(Map.of("version", "1.4", "accuracy", "0.93", "framework", "onnx"));
        BDict v = a.encode();
        assertEquals(20, v.getBytes("ih").length());
        assertEquals(Hex.encode(V1), Hex.encode(v.getBytes("ih").bytes()));
        assertTrue(v.encode().length <= Announcement.MAX_VALUE);
        assertEquals(a, Announcement.decode(v.encode()));
        assertEquals("1.4", Announcement.decode(v).version());
        assertTrue(a.magnet().contains("xt=urn:btih:" + Hex.encode(V1)));
        assertTrue(a.magnet().contains("xt=urn:btmh:1220" + Hex.encode(V2)));
        assertTrue(a.magnet().contains("tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce"));
    }

    /** BEP 44: v is at most 1000 bytes; metadata that does not fit is cut to "version" and flagged. */
    @Test
    void metadataThatDoesNotFitIsCutToTheVersion() {
        Map<String, String> md = new TreeMap<>();
        md.put("version", "2.0");
        for (int i = 0; i < 10; i++) {
            md.put("k" + i, "x".repeat(200));
        }
        Announcement a = model(md);
        BDict v = a.encode();
        assertTrue(v.encode().length <= Announcement.MAX_VALUE, "" + v.encode().length);
        Announcement back = Announcement.decode(v);
        assertTrue(back.metadataTruncated());
        assertEquals(Map.of("version", "2.0"), back.metadata());
    }

    @Test
    void limitsAreEnforcedWhenBuilding() {
        assertThrows(IllegalArgumentException.class, () -> model(Map.of("k", "line\nbreak")));
        Map<String, String> many = new TreeMap<>();
        for (int i = 0; i <= Announcement.MAX_METADATA_ENTRIES; i++) {
            many.put("k" + i, "v");
        }
        assertThrows(IllegalArgumentException.class, () -> model(many));
        assertThrows(IllegalArgumentException.class, () -> new Announcement(DistributionKind.TASK,
                InfoHashes.v1(V1), "n", "../etc", 1, List.of(), null, new TreeMap<>(), false, null));
        assertThrows(IllegalArgumentException.class, () -> new Announcement(DistributionKind.MODEL,
                InfoHashes.v1(V1), "n", null, 1, List.of("file:///etc/passwd"), null, new TreeMap<>(), false, null));
        assertThrows(IllegalArgumentException.class, () -> new Announcement(DistributionKind.MODEL,
                InfoHashes.v1(V1), "n", null, 1, List.of(), "javascript:alert(1)", new TreeMap<>(), false, null));
    }

    @Test
    void hostileValuesAreTypedErrors() {
        record Case(String bencode, AnnouncementException.Reason reason) {
        }
        String ih = "2:ih20:" + "a".repeat(20);
        List<Case> cases = List.of(
                new Case("i5e", AnnouncementException.Reason.NOT_BENCODE),
                new Case("d1:k5:model1:n1:x2:szi1ee", AnnouncementException.Reason.MISSING_FIELD),
                new Case("d2:ih3:abc1:k5:model1:n1:x2:szi1ee", AnnouncementException.Reason.BAD_FIELD),
                new Case("d" + ih + "1:k4:evil1:n1:x2:szi1ee", AnnouncementException.Reason.BAD_FIELD),
                new Case("d" + ih + "1:k5:model2:szi1ee", AnnouncementException.Reason.MISSING_FIELD),
                new Case("d" + ih + "1:k5:model1:n1:xe", AnnouncementException.Reason.MISSING_FIELD),
                new Case("d" + ih + "1:k5:model1:n1:x2:szi-1ee", AnnouncementException.Reason.BAD_FIELD),
                new Case("d" + ih + "1:k4:task1:n1:x2:szi1ee", AnnouncementException.Reason.BAD_FIELD),
                new Case("d" + ih + "1:k5:model2:mdd1:ai1ee1:n1:x2:szi1ee", AnnouncementException.Reason.BAD_FIELD),
                new Case("d" + ih + "1:k5:model1:n2:\u00ff\u00fe2:szi1ee", AnnouncementException.Reason.BAD_FIELD),
                // not canonical: keys out of order
                new Case("d1:k5:model" + ih + "1:n1:x2:szi1ee", AnnouncementException.Reason.NOT_BENCODE),
                new Case("d" + ih + "1:k5:model1:n1:x2:szi1e2:trl10:file:///x/ee", AnnouncementException.Reason.BAD_FIELD),
                new Case("d1:x" + "1001:" + "a".repeat(1001) + "e", AnnouncementException.Reason.TOO_LARGE));
        for (Case c : cases) {
            AnnouncementException e = assertThrows(AnnouncementException.class,
                    () -> Announcement.decode(c.bencode().getBytes(StandardCharsets.ISO_8859_1)), c.bencode());
            assertEquals(c.reason(), e.reason(), c.bencode() + ": " + e.getMessage());
        }
    }

    @Test
    void taskAnnouncementCarriesItsId() {
        Announcement a = new Announcement(DistributionKind.TASK, InfoHashes.v1(V1), "job-7", "job-7", 10,
                List.of(), null, new TreeMap<>(), false, null);
        BDict v = a.encode();
        assertEquals("job-7", v.getString("t"));
        assertEquals(a, Announcement.decode(v));
        assertFalse(v.containsKey("md"));
        assertEquals(new BInt(10), v.get("sz"));
    }
}
