package io.hivemind.bt.tracker;

/** A tracker request failed or its response was rejected. */
public class TrackerException extends RuntimeException {
    public TrackerException(String message, Throwable cause) {
        super(message, cause);
    }

    public TrackerException(String message) {
        super(message);
    }
}
