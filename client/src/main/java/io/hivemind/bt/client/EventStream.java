package io.hivemind.bt.client;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The session's events. Every subscriber has its own bounded queue: a slow subscriber loses events (counted in
 * {@link Subscription#dropped()}) instead of slowing the session. Subscribers either poll their queue or give a
 * consumer that runs on a virtual thread of its own. Thread-safe; {@link #publish} never blocks.
 */
public final class EventStream {
    private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final int capacity;

    public EventStream(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    /** A subscription whose events are taken with {@link Subscription#poll}. Close it when done. */
    public Subscription subscribe(EventFilter filter) {
        Subscription s = new Subscription(this, filter, capacity);
        subscriptions.add(s);
        return s;
    }

    /** A subscription that hands each event to {@code consumer} on a dedicated virtual thread, in order. */
    public Subscription subscribe(EventFilter filter, Consumer<? super Event> consumer) {
        Subscription s = subscribe(filter);
        Thread.ofVirtual().name("hivebt-events").start(() -> {
            try {
                while (!s.closed) {
                    Event e = s.queue.poll(200, TimeUnit.MILLISECONDS);
                    if (e != null) {
                        consumer.accept(e);
                    }
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        });
        return s;
    }

    /** Offers {@code event} to every matching subscriber; never blocks. */
    public void publish(Event event) {
        for (Subscription s : subscriptions) {
            if (s.filter.accepts(event) && !s.queue.offer(event)) {
                s.dropped.incrementAndGet();
            }
        }
    }

    /** One subscriber's queue. Thread-safe. */
    public static final class Subscription implements AutoCloseable {
        private final EventStream stream;
        private final EventFilter filter;
        private final ArrayBlockingQueue<Event> queue;
        private final AtomicLong dropped = new AtomicLong();
        private volatile boolean closed;

        private Subscription(EventStream stream, EventFilter filter, int capacity) {
            this.stream = stream;
            this.filter = filter;
            this.queue = new ArrayBlockingQueue<>(capacity);
        }

        /** The next event, waiting at most {@code timeout}; null on timeout. */
        public Event poll(long timeout, TimeUnit unit) throws InterruptedException {
            return queue.poll(timeout, unit);
        }

        /** Events lost because this subscriber's queue was full. */
        public long dropped() {
            return dropped.get();
        }

        @Override
        public void close() {
            closed = true;
            stream.subscriptions.remove(this);
        }
    }
}
