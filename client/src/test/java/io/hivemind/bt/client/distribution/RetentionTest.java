package io.hivemind.bt.client.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keep-the-last-N with the newest complete version always kept; versions written "seq:c" (c = complete). */
class RetentionTest {

    private static List<Retention.Version> versions(String spec) {
        List<Retention.Version> out = new ArrayList<>();
        for (String s : spec.trim().split("\\s+")) {
            out.add(new Retention.Version(Long.parseLong(s.replace("c", "")), s.endsWith("c")));
        }
        return out;
    }

    @Test
    void keepsTheNewest() {
        assertEquals(List.of(2L, 1L), Retention.drop(versions("1c 2c 3c 4c 5c"), 3));
        assertEquals(List.of(), Retention.drop(versions("1c 2c"), 3));
        assertEquals(List.of(4L, 3L, 1L), Retention.drop(versions("5 4 3 1"), 1));
    }

    @Test
    void theNewestCompleteVersionStaysWhileNewerOnesDownload() {
        assertEquals(List.of(1L), Retention.drop(versions("1c 2c 3 4"), 2));
        assertEquals(List.of(3L, 1L), Retention.drop(versions("1c 2c 3 4"), 1));
        assertEquals(List.of(4L, 2L, 1L), Retention.drop(versions("1c 2c 3c 4 5"), 1));
    }
}
