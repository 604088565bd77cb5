package io.hivemind.bt.wire.testing;

import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/** QuickTheories generators shared by hivebt's property tests. */
public final class Gens {
    private Gens() {
    }

    /** Byte arrays of {@code min} to {@code max} bytes, any values. */
    public static Gen<byte[]> bytes(int min, int max) {
        return SourceDSL.lists().of(SourceDSL.integers().between(0, 255)).ofSizeBetween(min, max).map(l -> {
            byte[] b = new byte[l.size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (int) l.get(i);
            }
            return b;
        });
    }

    /** Text of up to {@code max} characters without surrogates, so it survives UTF-8 unchanged. */
    public static Gen<String> text(int max) {
        return SourceDSL.strings().betweenCodePoints(0x20, 0xd7ff).ofLengthBetween(0, max);
    }
}
