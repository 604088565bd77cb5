package io.hivemind.bt.client.distribution;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which versions of a channel a worker drops: all but the newest {@code keep} by sequence number, except that the
 * newest complete version always stays (a worker that keeps one version must not delete the model it runs on
 * while the next one is still downloading). Pure. Implementation note: a sort of at most a few dozen entries.
 */
final class Retention {
    /** One version: its sequence number and whether it is complete. */
    record Version(long seq, boolean complete) {
    }

    private Retention() {
    }

    /** The sequence numbers to drop from {@code versions}. */
    static List<Long> drop(List<Version> versions, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep at least one version");
        }
        List<Version> sorted = new ArrayList<>(versions);
        sorted.sort(Comparator.comparingLong(Version::seq).reversed());
        long newestComplete = Long.MIN_VALUE;
        for (Version v : sorted) {
            if (v.complete()) {
                newestComplete = v.seq();
                break;
            }
        }
        List<Long> out = new ArrayList<>();
        for (int i = keep; i < sorted.size(); i++) {
            if (sorted.get(i).seq() != newestComplete) {
                out.add(sorted.get(i).seq());
            }
        }
        return out;
    }
}
