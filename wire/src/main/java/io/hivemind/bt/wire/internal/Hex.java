package io.hivemind.bt.wire.internal;

import java.util.HexFormat;

/** Lower-case hex helpers. Thread-safe. */
public final class Hex {
    private static final HexFormat HEX = HexFormat.of();

    private Hex() {
    }

    public static String encode(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** Decodes hex (either case); throws {@link IllegalArgumentException} on bad input. */
    public static byte[] decode(CharSequence hex) {
        return HEX.parseHex(hex);
    }
}
