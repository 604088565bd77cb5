package io.hivemind.bt.client.daemon;

import java.util.Random;

/** Deterministic test data. */
public final class DaemonRestTestData {
    private DaemonRestTestData() {
    }

    public static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
