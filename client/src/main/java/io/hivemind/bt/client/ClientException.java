package io.hivemind.bt.client;

/** A session-level failure reported to library users. */
public class ClientException extends RuntimeException {
    public ClientException(String message, Throwable cause) {
        super(message, cause);
    }

    public ClientException(String message) {
        super(message);
    }
}
