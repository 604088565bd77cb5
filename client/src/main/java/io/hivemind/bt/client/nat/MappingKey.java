package io.hivemind.bt.client.nat;

/** A wanted mapping: protocol and internal port. */
record MappingKey(Protocol protocol, int port) {
    @Override
    public String toString() {
        return protocol + "/" + port;
    }
}
