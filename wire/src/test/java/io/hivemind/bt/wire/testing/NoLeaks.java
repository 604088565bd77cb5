package io.hivemind.bt.wire.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector reported a {@code ByteBuf} that was garbage-collected without being
 * released while the class ran. Use with {@code @ExtendWith(NoLeaks.class)} on codec tests: per-message
 * {@code refCnt() == 0} assertions catch most mistakes, this catches the buffers a test never saw.
 *
 * <p>Leak reports only happen after a GC and on a later allocation, so {@link #afterAll} collects garbage and
 * allocates a few times before checking. The detector is Netty's own ({@code AbstractByteBuf.leakDetector}, reached
 * by reflection; tests run on the class path), with a listener added; the console report is unchanged.
 */
public final class NoLeaks implements BeforeAllCallback, AfterAllCallback {
    private static final List<String> LEAKS = new ArrayList<>();
    private static boolean installed;

    private static synchronized void install() {
        if (installed) {
            return;
        }
        try {
            Field f = AbstractByteBuf.class.getDeclaredField("leakDetector");
            f.setAccessible(true);
            ResourceLeakDetector<?> detector = (ResourceLeakDetector<?>) f.get(null);
            detector.setLeakListener((type, records) -> {
                synchronized (LEAKS) {
                    LEAKS.add(type + "\n" + records);
                }
            });
            installed = true;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach Netty's leak detector", e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        install();
        collect();
        synchronized (LEAKS) {
            LEAKS.clear();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        collect();
        synchronized (LEAKS) {
            if (!LEAKS.isEmpty()) {
                String first = LEAKS.getFirst();
                int n = LEAKS.size();
                LEAKS.clear();
                fail(n + " leaked buffer(s) in " + context.getDisplayName() + "; first:\n" + first);
            }
        }
    }

    /** The leak reports since the last check, cleared. */
    public static List<String> drain() {
        synchronized (LEAKS) {
            List<String> copy = List.copyOf(LEAKS);
            LEAKS.clear();
            return copy;
        }
    }

    /** Collects garbage and allocates, so that leaks of collected buffers are reported now. */
    public static void collect() {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(10); // lets the reference handler enqueue the collected trackers (not synchronisation)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            ByteBufAllocator.DEFAULT.buffer(1).release();
            PooledByteBufAllocator.DEFAULT.directBuffer(1).release();
            Unpooled.directBuffer(1).release();
        }
    }
}
