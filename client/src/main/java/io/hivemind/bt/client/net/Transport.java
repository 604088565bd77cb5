package io.hivemind.bt.client.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.hivemind.bt.client.SessionSettings.TransportKind;
import java.util.concurrent.ThreadFactory;

/**
 * A Netty transport: the I/O handler for event loops and the matching channel classes. {@link #select} picks
 * io_uring, else epoll, else NIO (or the one asked for, failing clearly when it is unavailable). Immutable.
 *
 * @param name           {@code io_uring}, {@code epoll} or {@code nio}
 * @param ioHandler      factory for event loop I/O handlers
 * @param socket         client socket channel class
 * @param serverSocket   server socket channel class
 * @param datagram       UDP channel class
 */
public record Transport(String name, IoHandlerFactory ioHandler, Class<? extends SocketChannel> socket,
                        Class<? extends ServerSocketChannel> serverSocket, Class<? extends DatagramChannel> datagram) {

    private static final System.Logger LOG = System.getLogger(Transport.class.getName());

    public static Transport ioUring() {
        return new Transport("io_uring", IoUringIoHandler.newFactory(), IoUringSocketChannel.class,
                IoUringServerSocketChannel.class, IoUringDatagramChannel.class);
    }

    public static Transport epoll() {
        return new Transport("epoll", EpollIoHandler.newFactory(), EpollSocketChannel.class,
                EpollServerSocketChannel.class, EpollDatagramChannel.class);
    }

    public static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioSocketChannel.class, NioServerSocketChannel.class,
                NioDatagramChannel.class);
    }

    /** True if the kind can be used on this machine. */
    public static boolean isAvailable(TransportKind kind) {
        return switch (kind) {
            case AUTO, NIO -> true;
            case IO_URING -> available(() -> IoUring.isAvailable());
            case EPOLL -> available(() -> Epoll.isAvailable());
        };
    }

    /**
     * The transport for {@code kind}: AUTO tries io_uring, then epoll, then NIO and logs which it took. An explicit
     * kind that is unavailable fails with the reason Netty gives.
     */
    public static Transport select(TransportKind kind) {
        return switch (kind) {
            case IO_URING -> {
                ensure(IoUring.isAvailable(), "io_uring", () -> IoUring.unavailabilityCause());
                yield ioUring();
            }
            case EPOLL -> {
                ensure(Epoll.isAvailable(), "epoll", () -> Epoll.unavailabilityCause());
                yield epoll();
            }
            case NIO -> nio();
            case AUTO -> {
                Transport t;
                if (available(() -> IoUring.isAvailable())) {
                    t = ioUring();
                } else if (available(() -> Epoll.isAvailable())) {
                    t = epoll();
                } else {
                    t = nio();
                }
                LOG.log(System.Logger.Level.INFO, "network transport: {0}", t.name());
                yield t;
            }
        };
    }

    /** A new event loop group of {@code threads} threads (0 = number of cores) on this transport. */
    public EventLoopGroup newGroup(int threads, ThreadFactory threadFactory) {
        return new MultiThreadIoEventLoopGroup(threads, threadFactory, ioHandler);
    }

    private interface Check {
        boolean ok();
    }

    private static boolean available(Check c) {
        try {
            return c.ok();
        } catch (Throwable t) { // native library missing or the wrong architecture
            return false;
        }
    }

    private static void ensure(boolean ok, String name, java.util.function.Supplier<Throwable> cause) {
        if (!ok) {
            throw new IllegalStateException(name + " transport is not available: " + cause.get());
        }
    }
}
