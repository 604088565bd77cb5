package io.hivemind.bt.wire.ext;

import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BInt;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import io.hivemind.bt.wire.bencode.BencodeException;
import io.hivemind.bt.wire.bencode.BencodeLimits;
import io.hivemind.bt.wire.ext.ExtensionProtocolException.Reason;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Shared decoding steps of the extension payload codecs: bencode with limits, typed field access. */
final class Payloads {
    private Payloads() {
    }

    static BencodeDecoder.Prefix decodePrefix(byte[] payload) {
        try {
            return BencodeDecoder.decodePrefix(payload, 0, payload.length, BencodeLimits.EXTENSION);
        } catch (BencodeException e) {
            throw new ExtensionProtocolException(Reason.BAD_BENCODE, e.getMessage(), e);
        }
    }

    static BDict dict(BValue v, String what) {
        if (v instanceof BDict d) {
            return d;
        }
        throw new ExtensionProtocolException(Reason.NOT_A_DICTIONARY, what + " is not a dictionary");
    }

    /** The integer under {@code key}, or null when absent. */
    static Long optLong(BDict d, String key) {
        BValue v = d.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof BInt i) {
            return i.value();
        }
        throw wrongType(key, "an integer");
    }

    static long requireLong(BDict d, String key) {
        Long v = optLong(d, key);
        if (v == null) {
            throw new ExtensionProtocolException(Reason.MISSING_KEY, "missing key '" + key + "'");
        }
        return v;
    }

    /** The string under {@code key}, or null when absent. */
    static BBytes optBytes(BDict d, String key) {
        BValue v = d.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof BBytes b) {
            return b;
        }
        throw wrongType(key, "a string");
    }

    static int intInRange(long v, long min, long max, String key) {
        if (v < min || v > max) {
            throw new ExtensionProtocolException(Reason.INVALID_VALUE, "'" + key + "' = " + v + " outside [" + min + ", " + max + "]");
        }
        return (int) v;
    }

    static ExtensionProtocolException wrongType(String key, String expected) {
        return new ExtensionProtocolException(Reason.WRONG_TYPE, "'" + key + "' is not " + expected);
    }

    /** 4 bytes give an {@link Inet4Address}, 16 an {@link Inet6Address} (kept as IPv6 even when IPv4-mapped). */
    static InetAddress address(byte[] raw, int offset, int length) {
        byte[] a = new byte[length];
        System.arraycopy(raw, offset, a, 0, length);
        try {
            return length == 16 ? Inet6Address.getByAddress(null, a, -1) : InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new AssertionError("address of " + length + " bytes", e);
        }
    }

    /** The raw bytes of an address: 4 for IPv4, 16 for IPv6 (without scope). */
    static byte[] raw(InetAddress a) {
        return a.getAddress();
    }
}
