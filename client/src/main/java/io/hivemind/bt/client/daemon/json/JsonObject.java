package io.hivemind.bt.client.daemon.json;

import io.hivemind.bt.client.daemon.json.JsonException.Reason;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A JSON object; members keep their order. Immutable. The typed getters throw {@link JsonException} with
 * {@link Reason#WRONG_TYPE} naming the member when a value has the wrong type, so request handlers can turn a bad
 * body into a 400 without checking every member by hand.
 */
public final class JsonObject implements JsonValue {
    public static final JsonObject EMPTY = new JsonObject(Map.of());

    private final Map<String, JsonValue> members;

    private JsonObject(Map<String, JsonValue> members) {
        this.members = members;
    }

    /** An object of {@code members} in their iteration order. */
    public static JsonObject of(Map<String, ? extends JsonValue> members) {
        return new JsonObject(Collections.unmodifiableMap(new LinkedHashMap<>(members)));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Map<String, JsonValue> members() {
        return members;
    }

    public Set<String> keys() {
        return members.keySet();
    }

    public int size() {
        return members.size();
    }

    public boolean has(String key) {
        return members.containsKey(key);
    }

    /** The member, or null when absent. */
    public JsonValue get(String key) {
        return members.get(key);
    }

    /** The string member, or {@code fallback} when absent or null. */
    public String getString(String key, String fallback) {
        JsonValue v = members.get(key);
        if (v == null || v == JsonNull.INSTANCE) {
            return fallback;
        }
        if (v instanceof JsonString s) {
            return s.value();
        }
        throw wrongType(key, "string", v);
    }

    public long getLong(String key, long fallback) {
        JsonValue v = members.get(key);
        if (v == null || v == JsonNull.INSTANCE) {
            return fallback;
        }
        if (v instanceof JsonNumber n) {
            try {
                return n.longValue();
            } catch (JsonException e) {
                throw new JsonException(Reason.BAD_NUMBER, -1, "'" + key + "': " + e.getMessage());
            }
        }
        throw wrongType(key, "integer", v);
    }

    public int getInt(String key, int fallback) {
        long v = getLong(key, fallback);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new JsonException(Reason.BAD_NUMBER, -1, "'" + key + "' out of range: " + v);
        }
        return (int) v;
    }

    public double getDouble(String key, double fallback) {
        JsonValue v = members.get(key);
        if (v == null || v == JsonNull.INSTANCE) {
            return fallback;
        }
        if (v instanceof JsonNumber n) {
            return n.doubleValue();
        }
        throw wrongType(key, "number", v);
    }

    /**
     * A boolean member; Transmission clients also send 0/1 for booleans, which are accepted.
     */
    public boolean getBoolean(String key, boolean fallback) {
        JsonValue v = members.get(key);
        if (v == null || v == JsonNull.INSTANCE) {
            return fallback;
        }
        if (v instanceof JsonBool b) {
            return b.value();
        }
        if (v instanceof JsonNumber n && ("0".equals(n.literal()) || "1".equals(n.literal()))) {
            return "1".equals(n.literal());
        }
        throw wrongType(key, "boolean", v);
    }

    /** The object member, or null when absent or null. */
    public JsonObject getObject(String key) {
        JsonValue v = members.get(key);
        if (v == null || v == JsonNull.INSTANCE) {
            return null;
        }
        if (v instanceof JsonObject o) {
            return o;
        }
        throw wrongType(key, "object", v);
    }

    /** The array member, or null when absent or null. */
    public JsonArray getArray(String key) {
        JsonValue v = members.get(key);
        if (v == null || v == JsonNull.INSTANCE) {
            return null;
        }
        if (v instanceof JsonArray a) {
            return a;
        }
        throw wrongType(key, "array", v);
    }

    private static JsonException wrongType(String key, String expected, JsonValue actual) {
        return new JsonException(Reason.WRONG_TYPE, -1,
                "'" + key + "' must be " + ("integer".equals(expected) || "array".equals(expected)
                        || "object".equals(expected) ? "an " : "a ") + expected + ", not " + actual.typeName());
    }

    @Override
    public String typeName() {
        return "object";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonObject j && members.equals(j.members);
    }

    @Override
    public int hashCode() {
        return members.hashCode();
    }

    @Override
    public String toString() {
        return toJson();
    }

    /** Collects members in insertion order; a repeated key replaces the earlier value. Not thread-safe. */
    public static final class Builder {
        private final LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();

        public Builder put(String key, JsonValue v) {
            members.put(key, v == null ? JsonNull.INSTANCE : v);
            return this;
        }

        public Builder put(String key, String v) {
            return put(key, JsonValue.of(v));
        }

        public Builder put(String key, long v) {
            return put(key, JsonValue.of(v));
        }

        public Builder put(String key, double v) {
            return put(key, JsonValue.of(v));
        }

        public Builder put(String key, boolean v) {
            return put(key, JsonValue.of(v));
        }

        public boolean has(String key) {
            return members.containsKey(key);
        }

        public JsonObject build() {
            return new JsonObject(Collections.unmodifiableMap(new LinkedHashMap<>(members)));
        }
    }
}
