package io.hivemind.bt.wire.ext;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A peer announced in a BEP 11 {@code ut_pex} {@code added} list, with its flag byte ({@code added.f}). Unknown flag
 * bits are kept. Immutable.
 *
 * @param address the peer's address (never unresolved; IPv4 or IPv6)
 * @param flags   the BEP 11 flag byte, 0 when the sender gave none
 */
public record PexPeer(InetSocketAddress address, int flags) {
    /** 0x01: the peer prefers encryption ({@code e} in its extension handshake). */
    public static final int PREFERS_ENCRYPTION = 0x01;
    /** 0x02: the peer is a seed or upload-only. */
    public static final int SEED = 0x02;
    /** 0x04: the peer supports uTP. */
    public static final int UTP = 0x04;
    /** 0x08: the peer announced {@code ut_holepunch}. */
    public static final int HOLEPUNCH = 0x08;
    /** 0x10: the sender connected out to the peer, so it is reachable. */
    public static final int REACHABLE = 0x10;

    public PexPeer {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + address);
        }
        if (flags < 0 || flags > 0xff) {
            throw new IllegalArgumentException("flags " + flags);
        }
    }

    public static PexPeer of(InetSocketAddress address) {
        return new PexPeer(address, 0);
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }
}
