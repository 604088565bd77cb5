package io.hivemind.bt.wire.mse;

import java.util.EnumSet;
import java.util.Set;

/** The payload-stream methods of MSE's {@code crypto_provide}/{@code crypto_select} bitfield. */
public enum CryptoMethod {
    /** The payload stream after the MSE handshake is plaintext (the handshake itself is still obfuscated). */
    PLAINTEXT(0x01),
    /** The payload stream is RC4-encrypted (the usual meaning of "encrypted connection"). */
    RC4(0x02);

    private final int bit;

    CryptoMethod(int bit) {
        this.bit = bit;
    }

    /** The bit of this method in crypto_provide / crypto_select. */
    public int bit() {
        return bit;
    }

    /** The bitfield of a set of methods. */
    public static int bits(Set<CryptoMethod> methods) {
        int b = 0;
        for (CryptoMethod m : methods) {
            b |= m.bit;
        }
        return b;
    }

    /** The known methods in a bitfield; unknown bits are ignored. */
    public static Set<CryptoMethod> of(int bits) {
        EnumSet<CryptoMethod> set = EnumSet.noneOf(CryptoMethod.class);
        for (CryptoMethod m : values()) {
            if ((bits & m.bit) != 0) {
                set.add(m);
            }
        }
        return set;
    }
}
