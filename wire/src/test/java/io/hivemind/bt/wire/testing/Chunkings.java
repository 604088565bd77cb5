package io.hivemind.bt.wire.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ways a stream parser is fed in hivebt's tests (HARDENING.md, libtorrent's HTTP-parser trick): the input
 * whole, split in two at every byte offset, and re-chunked in every chunk size from 1 to 69. A parser must give the
 * same result for all of them.
 */
public final class Chunkings {
    /** Largest chunk size of {@link #rechunked}. */
    public static final int MAX_CHUNK = 69;

    private Chunkings() {
    }

    /** One way to cut an input: the parts, in order, and a name for assertion messages. */
    public record Chunking(String name, List<byte[]> parts) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Whole, split at every offset, and re-chunked in sizes 1 to 69. */
    public static List<Chunking> all(byte[] input) {
        List<Chunking> all = new ArrayList<>();
        all.add(whole(input));
        all.addAll(splits(input));
        all.addAll(rechunked(input, MAX_CHUNK));
        return all;
    }

    public static Chunking whole(byte[] input) {
        return new Chunking("whole", List.of(input.clone()));
    }

    /** The input in two parts, for every split point {@code 1..length-1}. */
    public static List<Chunking> splits(byte[] input) {
        List<Chunking> out = new ArrayList<>();
        for (int at = 1; at < input.length; at++) {
            out.add(new Chunking("split at " + at,
                    List.of(Arrays.copyOfRange(input, 0, at), Arrays.copyOfRange(input, at, input.length))));
        }
        return out;
    }

    /** The input in chunks of {@code size} bytes (the last one shorter), for every size from 1 to {@code maxSize}. */
    public static List<Chunking> rechunked(byte[] input, int maxSize) {
        List<Chunking> out = new ArrayList<>();
        for (int size = 1; size <= maxSize; size++) {
            out.add(chunked(input, size));
        }
        return out;
    }

    public static Chunking chunked(byte[] input, int size) {
        List<byte[]> parts = new ArrayList<>();
        for (int at = 0; at < input.length; at += size) {
            parts.add(Arrays.copyOfRange(input, at, Math.min(input.length, at + size)));
        }
        return new Chunking("chunks of " + size, parts);
    }

    /** The inputs one after the other. */
    public static byte[] concat(List<byte[]> inputs) {
        int n = 0;
        for (byte[] b : inputs) {
            n += b.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] b : inputs) {
            System.arraycopy(b, 0, out, at, b.length);
            at += b.length;
        }
        return out;
    }
}
