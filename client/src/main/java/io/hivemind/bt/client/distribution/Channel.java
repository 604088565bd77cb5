package io.hivemind.bt.client.distribution;

import io.hivemind.bt.dht.MutableItem;
import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.wire.internal.Hex;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * What a worker subscribes to: the Ed25519 public key of a publisher and the name of one of its channels. The name
 * is the BEP 44 salt of the channel's mutable item, so one key can publish several channels (one per model). The
 * text form is {@code <64 hex digits of the key>[:<name>]}, the name defaulting to {@value #DEFAULT_NAME}. Tasks
 * signed by the same key use the salt {@code task:<task id>} (see {@link #taskSalt}). Immutable.
 *
 * @param publicKeyHex the 32-byte Ed25519 public key, 64 lower-case hex digits
 * @param name         the channel name: 1-48 characters of {@code [A-Za-z0-9._-]}
 */
public record Channel(String publicKeyHex, String name) {
    /** The channel name used when none is given. */
    public static final String DEFAULT_NAME = "models";
    /** Salt prefix of task items; channel names cannot contain ':' so the two never collide. */
    static final String TASK_PREFIX = "task:";

    public Channel {
        Objects.requireNonNull(publicKeyHex, "publicKeyHex");
        publicKeyHex = publicKeyHex.toLowerCase(Locale.ROOT);
        if (!publicKeyHex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a channel key is 64 hex digits (an Ed25519 public key)");
        }
        Names.requireName(name, "a channel name");
    }

    /** The channel of {@code publicKey} named {@code name}. */
    public static Channel of(byte[] publicKey, String name) {
        if (publicKey == null || publicKey.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
        }
        return new Channel(Hex.encode(publicKey), name);
    }

    /** Parses {@code <64 hex>[:<name>]}. */
    public static Channel parse(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.trim();
        int colon = t.indexOf(':');
        return colon < 0 ? new Channel(t, DEFAULT_NAME) : new Channel(t.substring(0, colon), t.substring(colon + 1));
    }

    /** The 32-byte public key (a fresh copy). */
    public byte[] publicKey() {
        return Hex.decode(publicKeyHex);
    }

    /** The BEP 44 salt of this channel's model items: the name in ASCII. */
    public byte[] salt() {
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    /** The BEP 44 salt of task {@code taskId}'s item. */
    public static byte[] taskSalt(String taskId) {
        return (TASK_PREFIX + Names.requireName(taskId, "a task id")).getBytes(StandardCharsets.US_ASCII);
    }

    /** The DHT key of this channel's item: SHA-1(public key ‖ salt) (BEP 44, BEP 46). */
    public NodeId target() {
        return MutableItem.target(publicKey(), salt());
    }

    /** True when {@code item} claims this channel's key and salt (its signature is not checked here). */
    public boolean matches(MutableItem item) {
        return Hex.encode(item.publicKey()).equals(publicKeyHex)
                && java.util.Arrays.equals(item.salt(), salt());
    }

    /** BEP 46 magnet link of the channel: {@code magnet:?xs=urn:btpk:<key>&s=<salt hex>}. */
    public String magnet() {
        return "magnet:?xs=urn:btpk:" + publicKeyHex + "&s=" + Hex.encode(salt());
    }

    @Override
    public String toString() {
        return publicKeyHex + ":" + name;
    }
}
