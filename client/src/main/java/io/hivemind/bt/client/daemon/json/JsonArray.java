package io.hivemind.bt.client.daemon.json;

import java.util.ArrayList;
import java.util.List;

/** A JSON array. Immutable. */
public record JsonArray(List<JsonValue> values) implements JsonValue {

    public static final JsonArray EMPTY = new JsonArray(List.of());

    public JsonArray {
        values = List.copyOf(values);
    }

    public int size() {
        return values.size();
    }

    public JsonValue get(int i) {
        return values.get(i);
    }

    public static JsonArray ofStrings(List<String> strings) {
        List<JsonValue> l = new ArrayList<>(strings.size());
        for (String s : strings) {
            l.add(JsonValue.of(s));
        }
        return new JsonArray(l);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String typeName() {
        return "array";
    }

    @Override
    public String toString() {
        return toJson();
    }

    /** Collects values in order. Not thread-safe. */
    public static final class Builder {
        private final List<JsonValue> values = new ArrayList<>();

        public Builder add(JsonValue v) {
            values.add(v == null ? JsonNull.INSTANCE : v);
            return this;
        }

        public Builder add(String s) {
            return add(JsonValue.of(s));
        }

        public Builder add(long n) {
            return add(JsonValue.of(n));
        }

        public JsonArray build() {
            return new JsonArray(values);
        }
    }
}
