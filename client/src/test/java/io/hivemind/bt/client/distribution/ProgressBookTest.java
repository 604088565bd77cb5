package io.hivemind.bt.client.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The coordinator's per-distribution book, driven by a virtual clock (milliseconds). */
class ProgressBookTest {
    private static final String ID = "0123456789abcdef0123456789abcdef01234567";
    private static final WorkerId A = WorkerId.of("a");
    private static final WorkerId B = WorkerId.of("b");
    private static final WorkerId C = WorkerId.of("c");

    private static ProgressReport report(WorkerId w, ProgressReport.State s, long done) {
        return new ProgressReport(w, ID, s, done, 1000, 10, 0, s == ProgressReport.State.ERROR ? "disk full" : null);
    }

    @Test
    void settlesWhenEveryTargetCompletes() {
        ProgressBook book = new ProgressBook(Set.of(A, B), 1000, 0, 60_000, 10);
        assertTrue(book.poll(1).isEmpty());
        book.notified(A, 5);
        assertEquals(WorkerState.NOTIFIED, book.get(A).state());
        book.report(report(A, ProgressReport.State.DOWNLOADING, 500), 10);
        assertEquals(WorkerState.DOWNLOADING, book.get(A).state());
        assertEquals(0.5, book.get(A).progress(), 1e-9);
        book.report(report(A, ProgressReport.State.COMPLETE, 1000), 20);
        assertTrue(book.poll(21).isEmpty());
        book.report(report(B, ProgressReport.State.COMPLETE, 1000), 30);
        Optional<DistributionResult> r = book.poll(31);
        assertTrue(r.isPresent());
        assertTrue(r.get().succeeded());
        assertEquals(Set.of(A, B), r.get().completed());
        assertEquals(31, r.get().elapsedMillis());
        assertTrue(book.poll(32).isEmpty(), "the result is taken once");
    }

    @Test
    void deadlineTimesOutTheRestAndFailuresAreReported() {
        ProgressBook book = new ProgressBook(Set.of(A, B, C), 1000, 0, 60_000, 10);
        book.report(report(A, ProgressReport.State.COMPLETE, 1000), 10);
        book.report(report(B, ProgressReport.State.ERROR, 10), 10);
        book.report(report(C, ProgressReport.State.DOWNLOADING, 10), 10);
        assertTrue(book.poll(59_999).isEmpty());
        DistributionResult r = book.poll(60_000).orElseThrow();
        assertFalse(r.succeeded());
        assertEquals(Set.of(A), r.completed());
        assertEquals(Map.of(B, "disk full"), r.failed());
        assertEquals(Set.of(C), r.timedOut());
        assertEquals(WorkerState.TIMED_OUT, book.get(C).state());
        // a late completion still shows in the status
        book.report(report(C, ProgressReport.State.COMPLETE, 1000), 70_000);
        assertEquals(WorkerState.COMPLETE, book.get(C).state());
    }

    @Test
    void completeIsStickyAndFailureIsNot() {
        ProgressBook book = new ProgressBook(Set.of(A, B), 1000, 0, 60_000, 10);
        book.report(report(A, ProgressReport.State.COMPLETE, 1000), 10);
        book.report(report(A, ProgressReport.State.DOWNLOADING, 100), 11); // overtaken on the network
        assertEquals(WorkerState.COMPLETE, book.get(A).state());
        book.report(report(B, ProgressReport.State.ERROR, 0), 12);
        assertEquals(WorkerState.FAILED, book.get(B).state());
        book.report(report(B, ProgressReport.State.DOWNLOADING, 200), 13);
        assertEquals(WorkerState.DOWNLOADING, book.get(B).state());
        assertTrue(book.poll(14).isEmpty());
    }

    @Test
    void observersAreBoundedAndLateTargetsCount() {
        ProgressBook book = new ProgressBook(Set.of(A), 1000, 0, 60_000, 1);
        assertTrue(book.report(report(B, ProgressReport.State.DOWNLOADING, 1), 1));
        assertFalse(book.report(report(C, ProgressReport.State.DOWNLOADING, 1), 2), "over the observer bound");
        assertFalse(book.get(B).target());
        book.addTarget(B, 3);
        assertTrue(book.get(B).target());
        assertTrue(book.report(report(C, ProgressReport.State.DOWNLOADING, 1), 4), "B no longer counts as observer");
        book.report(report(A, ProgressReport.State.COMPLETE, 1000), 5);
        assertTrue(book.poll(6).isEmpty(), "waits for the late target B");
        book.report(report(B, ProgressReport.State.COMPLETE, 1000), 7);
        assertEquals(Set.of(A, B), book.poll(8).orElseThrow().completed());
    }

    @Test
    void noTargetsSettlesAtOnce() {
        ProgressBook book = new ProgressBook(Set.of(), 1000, 0, 60_000, 1);
        DistributionResult r = book.poll(0).orElseThrow();
        assertTrue(r.succeeded());
        assertTrue(r.completed().isEmpty());
    }
}
