package io.hivemind.bt.tracker;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Objects;

/**
 * The Netty event loops and channel types the tracker client and server run on. The session hands in its own
 * {@link EventLoopGroup} (NIO, epoll or io_uring) with the matching channel factories, so trackers create no
 * threads of their own. Immutable and thread-safe; closing the group is the owner's business, never ours.
 *
 * @param group    the event loops; owned by the caller
 * @param sockets  makes TCP client channels matching {@code group}'s I/O handler
 * @param datagrams makes UDP channels matching {@code group}'s I/O handler
 */
public record TrackerTransport(EventLoopGroup group, ChannelFactory<? extends SocketChannel> sockets,
                               ChannelFactory<? extends DatagramChannel> datagrams) {
    public TrackerTransport {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(sockets, "sockets");
        Objects.requireNonNull(datagrams, "datagrams");
    }

    /** NIO channels on {@code group}, which must be a NIO group ({@code NioIoHandler}). */
    public static TrackerTransport nio(EventLoopGroup group) {
        return new TrackerTransport(group, NioSocketChannel::new, NioDatagramChannel::new);
    }
}
