package io.hivemind.bt.dht;

/** A DHT operation failed. */
public class DhtException extends RuntimeException {
    public DhtException(String message, Throwable cause) {
        super(message, cause);
    }

    public DhtException(String message) {
        super(message);
    }
}
