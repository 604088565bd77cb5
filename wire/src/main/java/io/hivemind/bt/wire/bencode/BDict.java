package io.hivemind.bt.wire.bencode;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A bencoded dictionary: keys are byte strings kept in their canonical (raw byte) order.
 *
 * <p>A dictionary produced by {@link BencodeDecoder} remembers where it was found in the input
 * ({@link #sourceStart()}, {@link #sourceEnd()}): the info-hash is computed over exactly those original bytes,
 * never over a re-encoding. Dictionaries built in code have no source span ({@code -1}).
 *
 * <p>Immutable and thread-safe. Typed getters return {@code null} (or empty) when a key is absent and
 * throw {@link BencodeException} with {@link BencodeException.Reason#WRONG_TYPE} when present with another type.
 */
public final class BDict implements BValue {
    private final SortedMap<BBytes, BValue> entries;
    private final int sourceStart;
    private final int sourceEnd;

    private BDict(SortedMap<BBytes, BValue> entries, int sourceStart, int sourceEnd) {
        this.entries = Collections.unmodifiableSortedMap(entries);
        this.sourceStart = sourceStart;
        this.sourceEnd = sourceEnd;
    }

    /** Builds a dictionary from a map (copied). */
    public static BDict of(Map<BBytes, ? extends BValue> entries) {
        return new BDict(new TreeMap<>(entries), -1, -1);
    }

    static BDict decoded(TreeMap<BBytes, BValue> entries, int start, int end) {
        return new BDict(entries, start, end);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Unmodifiable view in canonical key order. */
    public SortedMap<BBytes, BValue> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    public boolean containsKey(String key) {
        return entries.containsKey(BBytes.of(key));
    }

    public BValue get(String key) {
        return entries.get(BBytes.of(key));
    }

    public BValue get(BBytes key) {
        return entries.get(key);
    }

    /** Offset of the leading {@code 'd'} in the decoded input, or -1. */
    public int sourceStart() {
        return sourceStart;
    }

    /** Offset just past the closing {@code 'e'} in the decoded input, or -1. */
    public int sourceEnd() {
        return sourceEnd;
    }

    public BDict getDict(String key) {
        return typed(key, BDict.class);
    }

    public BList getList(String key) {
        return typed(key, BList.class);
    }

    public BBytes getBytes(String key) {
        return typed(key, BBytes.class);
    }

    /** The value as a UTF-8 string, or null when absent. */
    public String getString(String key) {
        BBytes b = typed(key, BBytes.class);
        return b == null ? null : b.asString();
    }

    public Optional<Long> getLong(String key) {
        BInt i = typed(key, BInt.class);
        return i == null ? Optional.empty() : Optional.of(i.value());
    }

    /** The integer under {@code key}, or {@code fallback} when absent. */
    public long getLong(String key, long fallback) {
        BInt i = typed(key, BInt.class);
        return i == null ? fallback : i.value();
    }

    private <T extends BValue> T typed(String key, Class<T> type) {
        BValue v = entries.get(BBytes.of(key));
        if (v == null) {
            return null;
        }
        if (!type.isInstance(v)) {
            throw new BencodeException(BencodeException.Reason.WRONG_TYPE, -1,
                    "key '" + key + "' is a " + kind(v) + ", expected " + kind(type));
        }
        return type.cast(v);
    }

    static String kind(Object v) {
        Class<?> c = v instanceof Class<?> k ? k : v.getClass();
        if (c == BInt.class) return "integer";
        if (c == BBytes.class) return "string";
        if (c == BList.class) return "list";
        return "dictionary";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BDict d && entries.equals(d.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return entries.toString();
    }

    /** Mutable builder; keys may be added in any order. Not thread-safe. */
    public static final class Builder {
        private final TreeMap<BBytes, BValue> entries = new TreeMap<>();

        private Builder() {
        }

        public Builder put(String key, BValue value) {
            entries.put(BBytes.of(key), value);
            return this;
        }

        public Builder put(BBytes key, BValue value) {
            entries.put(key, value);
            return this;
        }

        public Builder put(String key, long value) {
            return put(key, BInt.of(value));
        }

        public Builder put(String key, String value) {
            return put(key, BBytes.of(value));
        }

        public Builder put(String key, byte[] value) {
            return put(key, BBytes.of(value));
        }

        /** Puts {@code value} only when it is not null. */
        public Builder putIfNotNull(String key, BValue value) {
            if (value != null) {
                put(key, value);
            }
            return this;
        }

        public Builder putAll(BDict other) {
            entries.putAll(other.entries);
            return this;
        }

        public Builder remove(String key) {
            entries.remove(BBytes.of(key));
            return this;
        }

        public BDict build() {
            return new BDict(new TreeMap<>(entries), -1, -1);
        }
    }
}
