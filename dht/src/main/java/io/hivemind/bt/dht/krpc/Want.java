package io.hivemind.bt.dht.krpc;

/**
 * The BEP 32 {@code want} list of a {@code find_node}/{@code get_peers}/{@code get} query as bit flags.
 * {@link #DEFAULT} means the key was absent: answer in the family of the request.
 */
public final class Want {
    /** No {@code want} key. */
    public static final int DEFAULT = 0;
    /** {@code "n4"}: IPv4 nodes wanted. */
    public static final int N4 = 1;
    /** {@code "n6"}: IPv6 nodes wanted. */
    public static final int N6 = 2;

    private Want() {
    }

    /** Whether IPv4 nodes should be sent to a requester of the given family. */
    public static boolean v4(int want, boolean requestIsV4) {
        return want == DEFAULT ? requestIsV4 : (want & N4) != 0;
    }

    /** Whether IPv6 nodes should be sent to a requester of the given family. */
    public static boolean v6(int want, boolean requestIsV4) {
        return want == DEFAULT ? !requestIsV4 : (want & N6) != 0;
    }
}
