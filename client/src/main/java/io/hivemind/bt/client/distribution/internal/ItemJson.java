package io.hivemind.bt.client.distribution.internal;

import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.distribution.Announcement;
import io.hivemind.bt.client.distribution.AnnouncementException;
import io.hivemind.bt.client.daemon.json.JsonValue;
import io.hivemind.bt.dht.MutableItem;
import io.hivemind.bt.wire.internal.Hex;
import java.util.Base64;
import java.util.Locale;

/**
 * The JSON form of a signed BEP 44 item, as direct notifications and check-in answers carry it:
 * {@code {"k": <key hex>, "salt": <salt hex>, "seq": n, "v": <base64 of the bencoded value>, "sig": <hex>}}.
 * Parsing checks the shapes and sizes (key 32 bytes, salt ≤ 64, value ≤ 1000 bytes canonical bencode, signature
 * 64 bytes) but not the signature: that is the worker's version gate's job. Shared by the distribution classes and the daemon's REST routes; not API.
 * Stateless.
 */
public final class ItemJson {
    private ItemJson() {
    }

    public static JsonObject toJson(MutableItem item) {
        return JsonObject.builder()
                .put("k", Hex.encode(item.publicKey()))
                .put("salt", Hex.encode(item.salt()))
                .put("seq", item.seq())
                .put("v", Base64.getEncoder().encodeToString(item.value().encode()))
                .put("sig", Hex.encode(item.signature()))
                .build();
    }

    /** Parses an item; {@link IllegalArgumentException} says what is wrong. */
    public static MutableItem fromJson(JsonValue value) {
        try {
            return parse(value);
        } catch (io.hivemind.bt.client.daemon.json.JsonException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static MutableItem parse(JsonValue value) {
        if (!(value instanceof JsonObject o)) {
            throw new IllegalArgumentException("item must be an object");
        }
        byte[] k = hex(o.getString("k", null), 32, 32, "k");
        byte[] salt = hex(o.getString("salt", ""), 0, 64, "salt");
        if (!o.has("seq")) {
            throw new IllegalArgumentException("seq missing");
        }
        long seq = o.getLong("seq", -1);
        String v64 = o.getString("v", null);
        if (v64 == null || v64.length() > 1400) {
            throw new IllegalArgumentException("v missing or too long");
        }
        byte[] v;
        try {
            v = Base64.getDecoder().decode(v64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("v is not base64");
        }
        byte[] sig = hex(o.getString("sig", null), 64, 64, "sig");
        try {
            return new MutableItem(k, salt, seq, Announcement.parseValue(v), sig);
        } catch (AnnouncementException e) {
            throw new IllegalArgumentException("v: " + e.getMessage(), e);
        }
    }

    private static byte[] hex(String s, int min, int max, String what) {
        if (s == null || s.length() > 2 * max || s.length() < 2 * min
                || !s.toLowerCase(Locale.ROOT).matches("([0-9a-f]{2})*")) {
            throw new IllegalArgumentException(what + " must be " + (min == max ? min : min + "-" + max)
                    + " bytes in hex");
        }
        return Hex.decode(s.toLowerCase(Locale.ROOT));
    }
}
