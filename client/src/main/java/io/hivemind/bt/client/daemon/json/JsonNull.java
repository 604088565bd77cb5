package io.hivemind.bt.client.daemon.json;

/** JSON {@code null}; a singleton. */
public enum JsonNull implements JsonValue {
    INSTANCE;

    @Override
    public String typeName() {
        return "null";
    }

    @Override
    public String toString() {
        return "null";
    }
}
