package io.hivemind.bt.tracker;

/**
 * The {@code event} of an announce (BEP 3). The ordinals are not the wire values: HTTP uses {@link #httpName()},
 * UDP (BEP 15) uses {@link #udpCode()}.
 */
public enum AnnounceEvent {
    /** A regular announce; no {@code event} parameter, UDP code 0. */
    NONE("", 0),
    /** The download completed (sent once, not when starting as a seed); UDP code 1. */
    COMPLETED("completed", 1),
    /** The first announce to a tracker; UDP code 2. */
    STARTED("started", 2),
    /** The torrent stops; the tracker forgets the peer; UDP code 3. */
    STOPPED("stopped", 3);

    private final String httpName;
    private final int udpCode;

    AnnounceEvent(String httpName, int udpCode) {
        this.httpName = httpName;
        this.udpCode = udpCode;
    }

    /** The HTTP {@code event=} value, empty for {@link #NONE}. */
    public String httpName() {
        return httpName;
    }

    /** The BEP 15 event code. */
    public int udpCode() {
        return udpCode;
    }

    /** The event for a BEP 15 code; unknown codes are {@link #NONE} (the tracker treats them as regular). */
    public static AnnounceEvent fromUdpCode(int code) {
        return switch (code) {
            case 1 -> COMPLETED;
            case 2 -> STARTED;
            case 3 -> STOPPED;
            default -> NONE;
        };
    }

    /** The event for an HTTP {@code event=} value; empty, absent or unknown values are {@link #NONE}. */
    public static AnnounceEvent fromHttpName(CharSequence name) {
        if (name == null) {
            return NONE;
        }
        String s = name.toString();
        return switch (s) {
            case "completed" -> COMPLETED;
            case "started" -> STARTED;
            case "stopped" -> STOPPED;
            default -> NONE;
        };
    }
}
