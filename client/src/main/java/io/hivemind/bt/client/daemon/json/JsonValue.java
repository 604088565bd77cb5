package io.hivemind.bt.client.daemon.json;

/**
 * A JSON value (RFC 8259). Immutable and thread-safe. Values come from {@link JsonReader} or are built in code;
 * {@link JsonWriter} turns them back into text.
 */
public sealed interface JsonValue permits JsonObject, JsonArray, JsonString, JsonNumber, JsonBool, JsonNull {

    /** The JSON type name, used in error messages ({@code "object"}, {@code "string"}, …). */
    String typeName();

    /** Compact JSON text of this value. */
    default String toJson() {
        return JsonWriter.write(this);
    }

    static JsonValue of(String s) {
        return s == null ? JsonNull.INSTANCE : new JsonString(s);
    }

    static JsonValue of(long n) {
        return JsonNumber.of(n);
    }

    static JsonValue of(double d) {
        return JsonNumber.of(d);
    }

    static JsonValue of(boolean b) {
        return JsonBool.of(b);
    }
}
