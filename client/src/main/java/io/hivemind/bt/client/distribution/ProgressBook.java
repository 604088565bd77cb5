package io.hivemind.bt.client.distribution;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The coordinator's book of one distribution: which workers it waits for (the targets), what each reported, and
 * when the distribution is settled — every target COMPLETE or FAILED, or the deadline passed (the rest are then
 * TIMED_OUT). Reports keep updating the book after it settled (a late worker still shows as complete), but the
 * {@link DistributionResult} is taken once.
 *
 * <p>Implementation note: state per worker only moves forward except out of FAILED (a worker that recovers from
 * an error may report progress again); COMPLETE is sticky, so reports that overtake each other on the network cannot
 * undo it. Workers that report without being targets (a model channel's subscriber that checked in late) are kept
 * up to {@code maxObservers}, after which their reports are refused: the book's size is bounded by the targets plus
 * that number. Pure: time comes in as epoch milliseconds from the caller's clock. Not thread-safe (the coordinator
 * calls it under its lock).
 */
final class ProgressBook {
    private final long totalBytes;
    private final long startMillis;
    private final long deadlineMillis;
    private final int maxObservers;
    private final Set<WorkerId> targets = new HashSet<>();
    private final Map<WorkerId, WorkerProgress> workers = new LinkedHashMap<>();
    private int observers;
    private DistributionResult result;

    ProgressBook(Set<WorkerId> targets, long totalBytes, long startMillis, long deadlineMillis, int maxObservers) {
        if (deadlineMillis < startMillis) {
            throw new IllegalArgumentException("deadline before start");
        }
        this.totalBytes = totalBytes;
        this.startMillis = startMillis;
        this.deadlineMillis = deadlineMillis;
        this.maxObservers = maxObservers;
        for (WorkerId w : targets) {
            addTarget(w, startMillis);
        }
    }

    /** A book that settled before a restart: its targets in their final states, and the result it had. */
    static ProgressBook restored(DistributionResult r, long totalBytes, long startMillis, long deadlineMillis,
                                 int maxObservers) {
        ProgressBook b = new ProgressBook(java.util.Set.of(), totalBytes, startMillis, deadlineMillis, maxObservers);
        for (WorkerId w : r.completed()) {
            b.targets.add(w);
            b.workers.put(w, new WorkerProgress(w, WorkerState.COMPLETE, true, totalBytes, totalBytes, 0, 0, null,
                    startMillis + r.elapsedMillis()));
        }
        r.failed().forEach((w, why) -> {
            b.targets.add(w);
            b.workers.put(w, new WorkerProgress(w, WorkerState.FAILED, true, 0, totalBytes, 0, 0, why,
                    startMillis + r.elapsedMillis()));
        });
        for (WorkerId w : r.timedOut()) {
            b.targets.add(w);
            b.workers.put(w, new WorkerProgress(w, WorkerState.TIMED_OUT, true, 0, totalBytes, 0, 0, null,
                    startMillis + r.elapsedMillis()));
        }
        b.result = r;
        return b;
    }

    /** The workers waited for. */
    Set<WorkerId> targets() {
        return Set.copyOf(targets);
    }

    /** Adds a worker to wait for (no effect once settled, or if already a target). */
    void addTarget(WorkerId w, long nowMillis) {
        if (result != null || !targets.add(w)) {
            return;
        }
        WorkerProgress old = workers.get(w);
        if (old == null) {
            workers.put(w, new WorkerProgress(w, WorkerState.PENDING, true, 0, totalBytes, 0, 0, null, nowMillis));
        } else {
            observers--;
            workers.put(w, copy(old, old.state(), true, old.message(), old.updatedAtMillis()));
        }
    }

    /** The worker's daemon accepted the direct notification. */
    void notified(WorkerId w, long nowMillis) {
        WorkerProgress p = workers.get(w);
        if (p != null && p.state() == WorkerState.PENDING) {
            workers.put(w, copy(p, WorkerState.NOTIFIED, p.target(), null, nowMillis));
        }
    }

    /** The direct notification failed (the worker may still learn through the DHT or its check-in). */
    void notifyFailed(WorkerId w, String why, long nowMillis) {
        WorkerProgress p = workers.get(w);
        if (p != null && p.state() == WorkerState.PENDING) {
            workers.put(w, copy(p, WorkerState.PENDING, p.target(), why, nowMillis));
        }
    }

    /** Applies a report; false when refused (a non-target worker beyond the observer bound). */
    boolean report(ProgressReport r, long nowMillis) {
        WorkerProgress p = workers.get(r.worker());
        if (p == null) {
            if (observers >= maxObservers) {
                return false;
            }
            observers++;
            p = new WorkerProgress(r.worker(), WorkerState.PENDING, false, 0, totalBytes, 0, 0, null, nowMillis);
        }
        WorkerState next = switch (r.state()) {
            case STARTING, DOWNLOADING -> WorkerState.DOWNLOADING;
            case COMPLETE -> WorkerState.COMPLETE;
            case ERROR -> WorkerState.FAILED;
        };
        if (p.state() == WorkerState.COMPLETE) {
            next = WorkerState.COMPLETE;
        }
        long total = r.totalBytes() > 0 ? r.totalBytes() : p.totalBytes();
        long done = next == WorkerState.COMPLETE ? Math.max(r.doneBytes(), total) : r.doneBytes();
        String message = next == WorkerState.FAILED ? (r.error() == null ? "error" : r.error()) : null;
        workers.put(r.worker(), new WorkerProgress(r.worker(), next, p.target(), Math.min(done, Math.max(total, done)),
                total, r.downloadRate(), r.uploadedBytes(), message, nowMillis));
        return true;
    }

    /**
     * The result, the first time the distribution is settled at {@code nowMillis} (every target terminal, or the
     * deadline reached); empty before and after that first time.
     */
    Optional<DistributionResult> poll(long nowMillis) {
        if (result != null) {
            return Optional.empty();
        }
        boolean allTerminal = true;
        for (WorkerId w : targets) {
            WorkerState s = workers.get(w).state();
            if (s != WorkerState.COMPLETE && s != WorkerState.FAILED) {
                allTerminal = false;
                break;
            }
        }
        if (!allTerminal && nowMillis < deadlineMillis) {
            return Optional.empty();
        }
        Set<WorkerId> completed = new HashSet<>();
        Map<WorkerId, String> failed = new HashMap<>();
        Set<WorkerId> timedOut = new HashSet<>();
        for (WorkerId w : targets) {
            WorkerProgress p = workers.get(w);
            switch (p.state()) {
                case COMPLETE -> completed.add(w);
                case FAILED -> failed.put(w, p.message() == null ? "error" : p.message());
                default -> {
                    timedOut.add(w);
                    workers.put(w, copy(p, WorkerState.TIMED_OUT, true, p.message(), nowMillis));
                }
            }
        }
        result = DistributionResult.of(completed, failed, timedOut, Math.max(0, nowMillis - startMillis));
        return Optional.of(result);
    }

    boolean settled() {
        return result != null;
    }

    /** The result once settled, else null. */
    DistributionResult result() {
        return result;
    }

    boolean isTarget(WorkerId w) {
        return targets.contains(w);
    }

    /** Targets that are neither complete nor failed. */
    Set<WorkerId> waitingFor() {
        Set<WorkerId> out = new HashSet<>();
        for (WorkerId w : targets) {
            if (!workers.get(w).state().terminal()) {
                out.add(w);
            }
        }
        return out;
    }

    WorkerProgress get(WorkerId w) {
        return workers.get(w);
    }

    /** All workers, sorted by id. */
    Map<WorkerId, WorkerProgress> snapshot() {
        return new TreeMap<>(workers);
    }

    int targetCount() {
        return targets.size();
    }

    long deadlineMillis() {
        return deadlineMillis;
    }

    private static WorkerProgress copy(WorkerProgress p, WorkerState s, boolean target, String message, long at) {
        return new WorkerProgress(p.worker(), s, target, p.doneBytes(), p.totalBytes(), p.downloadRate(),
                p.uploadedBytes(), message, at);
    }
}
