package io.hivemind.bt.client.daemon.json;

/** JSON {@code true} or {@code false}. */
public enum JsonBool implements JsonValue {
    FALSE, TRUE;

    public static JsonBool of(boolean b) {
        return b ? TRUE : FALSE;
    }

    public boolean value() {
        return this == TRUE;
    }

    @Override
    public String typeName() {
        return "boolean";
    }

    @Override
    public String toString() {
        return value() ? "true" : "false";
    }
}
