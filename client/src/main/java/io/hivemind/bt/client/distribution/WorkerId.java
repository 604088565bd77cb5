package io.hivemind.bt.client.distribution;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of a worker in the compute network: 1 to 64 characters of {@code [A-Za-z0-9._-]}, not starting with a
 * dot. It names the worker in progress reports and in its directory on the coordinator, so it is kept to characters
 * that are safe in URLs, JSON and file names. Immutable.
 *
 * @param value the name
 */
public record WorkerId(String value) implements Comparable<WorkerId> {
    private static final Pattern SYNTAX = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");

    public WorkerId {
        Objects.requireNonNull(value, "value");
        if (!SYNTAX.matcher(value).matches()) {
            throw new IllegalArgumentException("a worker id is 1-64 characters of A-Z a-z 0-9 . _ - (not starting "
                    + "with a dot): " + Names.shorten(value));
        }
    }

    public static WorkerId of(String value) {
        return new WorkerId(value);
    }

    @Override
    public int compareTo(WorkerId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
