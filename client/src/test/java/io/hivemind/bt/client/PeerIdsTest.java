package io.hivemind.bt.client;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** BEP 20 peer id conventions. */
class PeerIdsTest {

    @Test
    void generatedIdsHaveThePrefixAndDiffer() {
        byte[] a = PeerIds.generate("-HV0100-");
        byte[] b = PeerIds.generate("-HV0100-");
        assertEquals(20, a.length);
        assertEquals("-HV0100-", new String(a, 0, 8, US_ASCII));
        assertFalse(Arrays.equals(a, b));
        assertThrows(IllegalArgumentException.class, () -> PeerIds.generate("-TOO-LONG-PREFIX-"));
    }

    @Test
    void namesKnownClients() {
        assertEquals("libtorrent 2.0.8", PeerIds.clientName("-LT2080-abcdefghijkl".getBytes(US_ASCII)));
        assertEquals("Transmission 3.00", PeerIds.clientName("-TR3000-abcdefghijkl".getBytes(US_ASCII)));
        assertEquals("qBittorrent 4.5.2", PeerIds.clientName("-qB4520-abcdefghijkl".getBytes(US_ASCII)));
        assertEquals("hivebt 0.1", PeerIds.clientName("-HV0100-abcdefghijkl".getBytes(US_ASCII)));
        assertTrue(PeerIds.clientName("A2-1-36-0-abcdefghij".getBytes(US_ASCII)).startsWith("aria2"));
        assertEquals("unknown", PeerIds.clientName(new byte[3]));
        assertTrue(PeerIds.clientName(new byte[20]).startsWith("unknown"));
    }
}
