package io.hivemind.bt.client.distribution;

import io.hivemind.bt.dht.DhtKeyPair;
import io.hivemind.bt.dht.MutableItem;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.internal.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Objects;

/**
 * The secret half of a {@link Channel}: an Ed25519 key pair (BEP 44) and the channel name. The publisher signs
 * every announcement with it; workers hold only the public {@link #channel()}. The text form is
 * {@code <64 hex digits of the 32-byte seed>[:<name>]}; {@link #toString()} never shows the seed. Immutable and
 * thread-safe.
 */
public final class ChannelKey {
    private final DhtKeyPair keys;
    private final Channel channel;

    private ChannelKey(DhtKeyPair keys, String name) {
        this.keys = keys;
        this.channel = Channel.of(keys.publicKey(), name);
    }

    /** A new random key for channel {@code name}. */
    public static ChannelKey generate(String name) {
        return new ChannelKey(DhtKeyPair.generate(new SecureRandom()), name);
    }

    /** The key of a 32-byte seed. */
    public static ChannelKey fromSeed(byte[] seed, String name) {
        return new ChannelKey(DhtKeyPair.fromSeed(seed), name);
    }

    /**
     * Parses {@code <64 hex seed>[:<name>]} (name defaulting to {@link Channel#DEFAULT_NAME}), or reads that text
     * from a file when written {@code @<path>}.
     */
    public static ChannelKey parse(String text) throws IOException {
        Objects.requireNonNull(text, "text");
        String t = text.trim();
        if (t.startsWith("@")) {
            byte[] b = Files.readAllBytes(Path.of(t.substring(1)));
            if (b.length > 1024) {
                throw new IllegalArgumentException("a channel key file holds one line of hex");
            }
            t = new String(b, StandardCharsets.US_ASCII).trim();
        }
        int colon = t.indexOf(':');
        String seed = (colon < 0 ? t : t.substring(0, colon)).toLowerCase(Locale.ROOT);
        String name = colon < 0 ? Channel.DEFAULT_NAME : t.substring(colon + 1);
        if (!seed.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a channel key is the 64 hex digits of a 32-byte Ed25519 seed");
        }
        return fromSeed(Hex.decode(seed), name);
    }

    /** The same key for another channel name. */
    public ChannelKey withName(String name) {
        return new ChannelKey(keys, name);
    }

    /** The public half: what workers follow. */
    public Channel channel() {
        return channel;
    }

    /** The key pair, for DHT puts. */
    public DhtKeyPair keyPair() {
        return keys;
    }

    /** The secret text form, {@code <seed hex>:<name>} (store it like a password). */
    public String encode() {
        return Hex.encode(keys.seed()) + ":" + channel.name();
    }

    /** Signs a BEP 44 mutable item under {@code salt} with sequence number {@code seq}. */
    public MutableItem sign(byte[] salt, long seq, BValue value) {
        return MutableItem.sign(keys, salt, seq, value);
    }

    @Override
    public String toString() {
        return "ChannelKey[" + channel + "]";
    }
}
