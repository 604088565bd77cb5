package io.hivemind.bt.client.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.client.ipfilter.IpFilter;
import io.hivemind.bt.client.ipfilter.IpFilterException;
import io.hivemind.bt.client.ipfilter.IpFilterLoader;
import io.hivemind.bt.client.ipfilter.IpRange;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Blocklist files and range strings under hostile input: the loader returns a result or throws a typed
 * {@link IpFilterException} (never another exception, never a hang), the rules it reports are in the builder,
 * and the resolved filter answers lookups. A range that parses blocks its own first and last address and
 * nothing just outside. Run longer with {@code JAZZER_FUZZ=1 mvn -pl client -am test -Dtest=IpFilterLoaderFuzzTest}.
 */
class IpFilterLoaderFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void load(FuzzedDataProvider data) throws IOException {
        IpFilter.Action action = data.consumeBoolean() ? IpFilter.Action.DENY : IpFilter.Action.ALLOW;
        int badLines = data.consumeInt(0, 5);
        byte[] file = data.consumeRemainingAsBytes();
        IpFilter.Builder b = IpFilter.builder();
        IpFilterLoader.Result r;
        try {
            r = IpFilterLoader.read(new ByteArrayInputStream(file), b, action,
                    new IpFilterLoader.Limits(256, 10_000, 1 << 20, badLines));
        } catch (IpFilterException expected) {
            assertTrue(expected.reason() != null);
            return;
        }
        assertEquals(r.rules(), b.ruleCount());
        assertTrue(r.badLines() <= badLines);
        IpFilter f = b.build();
        f.isBlockedV4(0);
        f.isBlockedV4(-1);
        f.isBlockedV6(0, 0);
        f.isBlockedV6(-1, -1);
    }

    @FuzzTest(maxDuration = "10s")
    void range(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        IpRange r;
        try {
            r = IpRange.parse(text);
        } catch (IpFilterException expected) {
            return;
        }
        IpFilter f = IpFilter.builder().add(IpFilter.Action.DENY, r).build();
        assertTrue(f.isBlocked(r.first().getAddress()));
        assertTrue(f.isBlocked(r.last().getAddress()));
        assertEquals(r, IpRange.parse(r.toString()), "toString parses back");
        if (r.isV4() && r.firstLow() > 0) {
            assertTrue(!f.isBlockedV4((int) (r.firstLow() - 1)));
        }
        if (r.isV4() && r.lastLow() < 0xffffffffL) {
            assertTrue(!f.isBlockedV4((int) (r.lastLow() + 1)));
        }
    }
}
