package io.hivemind.bt.storage.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * The three libc calls the JDK does not offer: {@code open}, {@code fallocate} and {@code close}, through the FFM
 * linker. Used to allocate a file's blocks for real before a region is written through a memory mapping (a store
 * into a mapped page that the file system cannot back raises {@code SIGBUS}; {@code fallocate} reports ENOSPC as an
 * error code instead), and for {@link io.hivemind.bt.storage.Allocation#FULL} preallocation.
 *
 * <p>Linux only. {@link #available()} is false elsewhere, or when native access is denied to this module
 * ({@code --illegal-native-access=deny} without {@code --enable-native-access}); callers then fall back to writing
 * through the file channel. Thread-safe (stateless).
 */
public final class NativeIo {
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int ENOSPC = 28;
    private static final int EROFS = 30;
    private static final int EDQUOT = 122;
    private static final int EOPNOTSUPP = 95;
    private static final int EINTR = 4;

    private static final MethodHandle OPEN;
    private static final MethodHandle FALLOCATE;
    private static final MethodHandle CLOSE;
    private static final StructLayout CAPTURE;
    private static final VarHandle ERRNO;
    private static final Throwable UNAVAILABLE;

    static {
        Object[] linked = link();
        OPEN = (MethodHandle) linked[0];
        FALLOCATE = (MethodHandle) linked[1];
        CLOSE = (MethodHandle) linked[2];
        CAPTURE = (StructLayout) linked[3];
        ERRNO = (VarHandle) linked[4];
        UNAVAILABLE = (Throwable) linked[5];
    }

    @SuppressWarnings("restricted")
    private static Object[] link() {
        MethodHandle open = null;
        MethodHandle fallocate = null;
        MethodHandle close = null;
        StructLayout capture = null;
        VarHandle errno = null;
        Throwable why = null;
        try {
            if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
                throw new UnsupportedOperationException("fallocate is Linux-only");
            }
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            Linker.Option ccs = Linker.Option.captureCallState("errno");
            capture = Linker.Option.captureStateLayout();
            errno = capture.varHandle(MemoryLayout.PathElement.groupElement("errno"));
            open = linker.downcallHandle(libc.find("open").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT),
                    ccs, Linker.Option.firstVariadicArg(2));
            fallocate = linker.downcallHandle(libc.find("fallocate").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                    ccs);
            close = linker.downcallHandle(libc.find("close").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        } catch (Throwable t) { // IllegalCallerException when native access is denied, or no such symbol
            why = t;
            open = null;
            fallocate = null;
            close = null;
        }
        return new Object[] {open, fallocate, close, capture, errno, why};
    }

    private NativeIo() {
    }

    /** True when {@link #open}, {@link #fallocate} and {@link #close} can be called. */
    public static boolean available() {
        return UNAVAILABLE == null;
    }

    /** Why native calls are unavailable, or null. */
    public static Throwable unavailableReason() {
        return UNAVAILABLE;
    }

    /** Opens {@code path} read-write (never creating it) and returns the file descriptor. */
    public static int open(Path path) throws IOException {
        check();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment cpath = arena.allocateFrom(path.toString());
            int fd = (int) OPEN.invokeExact(state, cpath, O_RDWR | O_CLOEXEC, 0);
            if (fd < 0) {
                throw error("open " + path, (int) ERRNO.get(state, 0L));
            }
            return fd;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("open " + path + " failed", t);
        }
    }

    /**
     * Allocates the blocks of {@code [offset, offset + length)} (mode 0: the file grows if the range ends past it).
     * Already allocated ranges cost a lookup. Throws an {@link IOException} whose message names ENOSPC as the JDK
     * does ("No space left on device"), so {@link IoErrors} classifies it the same way.
     *
     * @throws UnsupportedOperationException when the file system does not support fallocate (EOPNOTSUPP)
     */
    public static void fallocate(int fd, long offset, long length) throws IOException {
        check();
        if (length <= 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            while (true) {
                int r = (int) FALLOCATE.invokeExact(state, fd, 0, offset, length);
                if (r == 0) {
                    return;
                }
                int errno = (int) ERRNO.get(state, 0L);
                if (errno == EINTR) {
                    continue;
                }
                if (errno == EOPNOTSUPP) {
                    throw new UnsupportedOperationException("fallocate is not supported by this file system");
                }
                throw error("fallocate", errno);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("fallocate failed", t);
        }
    }

    /** Closes {@code fd}, ignoring errors (nothing was written through it). */
    public static void close(int fd) {
        if (fd < 0 || !available()) {
            return;
        }
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable ignored) {
            // close of a descriptor used only for fallocate: nothing to recover
        }
    }

    private static void check() {
        if (UNAVAILABLE != null) {
            throw new UnsupportedOperationException("native I/O unavailable: " + UNAVAILABLE, UNAVAILABLE);
        }
    }

    private static IOException error(String what, int errno) {
        String text = switch (errno) {
            case ENOSPC -> "No space left on device";
            case EDQUOT -> "Disk quota exceeded";
            case EROFS -> "Read-only file system";
            case 2 -> "No such file or directory";
            case 13 -> "Permission denied";
            case 27 -> "File too large";
            case 5 -> "Input/output error";
            default -> "errno " + errno;
        };
        return new IOException(what + ": " + text + " (errno " + errno + ")");
    }
}
