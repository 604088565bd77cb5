package io.hivemind.bt.client.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * BEP 14 announces under hostile input: {@link LsdMessage#parse} returns a message or throws {@link LsdException}
 * with a reason (never another exception, never a hang); a parsed message respects the limits, and encoding it
 * again parses to the same port, info-hashes and (token-safe) cookie. Run longer with
 * {@code JAZZER_FUZZ=1 mvn -pl client -am test -Dtest=LsdMessageFuzzTest}.
 */
class LsdMessageFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parse(FuzzedDataProvider data) {
        int skip = data.consumeInt(0, 3);
        byte[] packet = data.consumeRemainingAsBytes();
        int offset = Math.min(skip, packet.length);
        LsdMessage m;
        try {
            m = LsdMessage.parse(packet, offset, packet.length - offset);
        } catch (LsdException expected) {
            assertNotNull(expected.reason());
            assertTrue(expected.offset() >= 0 && expected.offset() <= Math.max(LsdMessage.MAX_PACKET, packet.length));
            return;
        }
        assertTrue(m.port() >= 1 && m.port() <= 65535);
        assertTrue(m.infoHashCount() >= 1 && m.infoHashCount() <= LsdMessage.MAX_INFO_HASHES);
        assertTrue(m.cookie() == null || m.cookie().length() <= LsdMessage.MAX_COOKIE);
        String cookie = m.cookie() != null && m.cookie().matches("[!-~]{1,64}") ? m.cookie() : null;
        if (LsdMessage.capacity(LsdMessage.HOST4, cookie) < m.infoHashCount()) {
            return; // too many for one packet of ours: nothing to round-trip
        }
        byte[] again = LsdMessage.encode(LsdMessage.HOST4, m.port(), m.infoHashes(), cookie);
        LsdMessage back = LsdMessage.parse(again, 0, again.length);
        assertEquals(m.port(), back.port());
        assertEquals(cookie, back.cookie());
        assertEquals(m.infoHashCount(), back.infoHashCount());
        for (int i = 0; i < m.infoHashCount(); i++) {
            assertArrayEquals(m.infoHash(i), back.infoHash(i));
        }
    }
}
