package io.hivemind.bt.client.core;

import java.util.Arrays;

/**
 * A growable list of primitive {@code int}s, used as a reusable output buffer by the decision cores (blocks to
 * request, peers to cancel, pieces to suggest) so that hot calls do not allocate.
 *
 * <p>Not thread-safe. Callers usually keep one instance per purpose and {@link #clear()} it before each call;
 * the cores append to it and never clear a list they were given.
 */
public final class IntList {
    private int[] values;
    private int size;

    public IntList() {
        this(16);
    }

    public IntList(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("negative capacity " + initialCapacity);
        }
        values = new int[Math.max(1, initialCapacity)];
    }

    /** A list holding {@code values} (copied). */
    public static IntList of(int... values) {
        IntList l = new IntList(values.length);
        for (int v : values) {
            l.add(v);
        }
        return l;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " of " + size);
        }
        return values[index];
    }

    public void set(int index, int value) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " of " + size);
        }
        values[index] = value;
    }

    public void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length << 1);
        }
        values[size++] = value;
    }

    /** Index of the first occurrence of {@code value}, or -1. */
    public int indexOf(int value) {
        for (int i = 0; i < size; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return -1;
    }

    public boolean contains(int value) {
        return indexOf(value) >= 0;
    }

    /** Removes the element at {@code index} by moving the last element into its place (order not kept). */
    public int removeAtSwap(int index) {
        int v = get(index);
        values[index] = values[--size];
        return v;
    }

    /** Removes the element at {@code index}, shifting the rest down (order kept). */
    public int removeAt(int index) {
        int v = get(index);
        System.arraycopy(values, index + 1, values, index, size - index - 1);
        size--;
        return v;
    }

    /** Removes the elements from {@code from} (inclusive) to {@code to} (exclusive), shifting the rest down once. */
    public void removeRange(int from, int to) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException("range " + from + ".." + to + " of " + size);
        }
        System.arraycopy(values, to, values, from, size - to);
        size -= to - from;
    }

    /** Removes the last element and returns it. */
    public int removeLast() {
        if (size == 0) {
            throw new IllegalStateException("empty");
        }
        return values[--size];
    }

    public void clear() {
        size = 0;
    }

    public int[] toArray() {
        return Arrays.copyOf(values, size);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IntList l && Arrays.equals(values, 0, size, l.values, 0, l.size);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < size; i++) {
            h = 31 * h + values[i];
        }
        return h;
    }

    @Override
    public String toString() {
        return Arrays.toString(toArray());
    }
}
