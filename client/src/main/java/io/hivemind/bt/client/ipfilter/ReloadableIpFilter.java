package io.hivemind.bt.client.ipfilter;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The session's IP filter: the current {@link IpFilter} snapshot behind an {@link AtomicReference}, the files
 * it was loaded from, and counters of blocked addresses per {@link FilterPoint}.
 *
 * <p>{@link #reload()} reads every source into a new builder and swaps the snapshot in one atomic step;
 * lookups running meanwhile see either the old or the new filter, never a mix. A load that fails keeps the old
 * filter and throws. {@link #reloadIfChanged()} reloads only when a file's size or modification time changed;
 * the session can call it from its periodic tick (a cheap {@code stat} per file), which serves as the file
 * watcher without a thread of its own.
 *
 * <p>Thread-safe: lookups and counters are lock-free; reloads are serialised by a lock of their own and never
 * block lookups.
 */
public final class ReloadableIpFilter {

    /** A blocklist file and what its ranges mean. */
    public record Source(Path file, IpFilter.Action action) {
        public Source {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(action, "action");
        }
    }

    private final AtomicReference<IpFilter> current = new AtomicReference<>(IpFilter.allowAll());
    private final LongAdder[] blocked = new LongAdder[FilterPoint.values().length];
    private final LongAdder[] checked = new LongAdder[FilterPoint.values().length];
    private final Object reloadLock = new Object();
    private final IpFilter.Action defaultAction;
    private final IpFilterLoader.Limits limits;
    private volatile List<Source> sources;
    private volatile String fingerprint = "";

    /** A filter with no sources (blocks nothing until {@link #set} or {@link #setSources}). */
    public ReloadableIpFilter() {
        this(List.of(), IpFilter.Action.ALLOW, IpFilterLoader.Limits.DEFAULT);
    }

    /**
     * @param sources       blocklist files, loaded by {@link #reload()} (not by the constructor)
     * @param defaultAction what addresses in no rule get
     * @param limits        limits of every file load
     */
    public ReloadableIpFilter(List<Source> sources, IpFilter.Action defaultAction, IpFilterLoader.Limits limits) {
        this.sources = List.copyOf(sources);
        this.defaultAction = Objects.requireNonNull(defaultAction, "defaultAction");
        this.limits = Objects.requireNonNull(limits, "limits");
        for (int k = 0; k < blocked.length; k++) {
            blocked[k] = new LongAdder();
            checked[k] = new LongAdder();
        }
    }

    /** The current snapshot. */
    public IpFilter current() {
        return current.get();
    }

    /** Replaces the snapshot (for filters built in code). */
    public void set(IpFilter filter) {
        current.set(Objects.requireNonNull(filter, "filter"));
    }

    /** Changes the files; takes effect at the next {@link #reload()}. */
    public void setSources(List<Source> newSources) {
        this.sources = List.copyOf(newSources);
    }

    /**
     * Checks {@code address} at {@code point} against the current snapshot and counts the outcome.
     *
     * @return true when the address is blocked
     */
    public boolean check(InetAddress address, FilterPoint point) {
        checked[point.ordinal()].increment();
        boolean b = current.get().isBlocked(address);
        if (b) {
            blocked[point.ordinal()].increment();
        }
        return b;
    }

    /** {@link #check(InetAddress, FilterPoint)} for a raw 4- or 16-byte address. */
    public boolean check(byte[] address, FilterPoint point) {
        checked[point.ordinal()].increment();
        boolean b = current.get().isBlocked(address);
        if (b) {
            blocked[point.ordinal()].increment();
        }
        return b;
    }

    /** Addresses blocked at {@code point} since creation. */
    public long blockedCount(FilterPoint point) {
        return blocked[point.ordinal()].sum();
    }

    /** Addresses checked at {@code point} since creation. */
    public long checkedCount(FilterPoint point) {
        return checked[point.ordinal()].sum();
    }

    /**
     * Loads every source and swaps the new filter in.
     *
     * @return one load result per source, in order
     * @throws IOException       when a file cannot be read (the old filter stays)
     * @throws IpFilterException when a file is over a limit or too broken (the old filter stays)
     */
    public List<IpFilterLoader.Result> reload() throws IOException {
        synchronized (reloadLock) {
            List<Source> src = sources;
            String before = fingerprint(src);
            IpFilter.Builder b = IpFilter.builder().defaultAction(defaultAction);
            IpFilterLoader.Result[] results = new IpFilterLoader.Result[src.size()];
            for (int k = 0; k < src.size(); k++) {
                results[k] = IpFilterLoader.load(src.get(k).file(), b, src.get(k).action(), limits);
            }
            current.set(b.build());
            fingerprint = before;
            return List.of(results);
        }
    }

    /**
     * Reloads when a source file's size or modification time changed since the last successful reload.
     *
     * @return true when it reloaded
     */
    public boolean reloadIfChanged() throws IOException {
        synchronized (reloadLock) {
            if (fingerprint(sources).equals(fingerprint)) {
                return false;
            }
            reload();
            return true;
        }
    }

    private static String fingerprint(List<Source> src) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Source s : src) {
            BasicFileAttributes a = Files.readAttributes(s.file(), BasicFileAttributes.class);
            sb.append(s.file()).append('|').append(s.action()).append('|').append(a.size()).append('|')
                    .append(a.lastModifiedTime().toMillis()).append('|').append(a.fileKey()).append('\n');
        }
        return sb.toString();
    }
}
