package io.hivemind.bt.client.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hivemind.bt.client.SessionSettings.TransportKind;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every transport moves bytes over loopback TCP; AUTO takes the first available of io_uring, epoll, NIO. */
class TransportTest {

    @ParameterizedTest
    @EnumSource(value = TransportKind.class)
    void echoesOverLoopback(TransportKind kind) throws Exception {
        Assumptions.assumeTrue(Transport.isAvailable(kind), kind + " is not available on this kernel");
        Transport t = Transport.select(kind);
        if (kind == TransportKind.AUTO) {
            String expected = Transport.isAvailable(TransportKind.IO_URING) ? "io_uring"
                    : Transport.isAvailable(TransportKind.EPOLL) ? "epoll" : "nio";
            assertEquals(expected, t.name());
        }
        EventLoopGroup group = t.newGroup(1, new DefaultThreadFactory("test-" + t.name()));
        try {
            Channel server = new ServerBootstrap().group(group).channel(t.serverSocket())
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                    ctx.writeAndFlush(msg.retain());
                                }
                            });
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            CompletableFuture<byte[]> echoed = new CompletableFuture<>();
            byte[] payload = "hello over ".concat(t.name()).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Channel client = new Bootstrap().group(group).channel(t.socket()).handler(new ChannelInitializer<>() {
                private final ByteBuf acc = Unpooled.buffer();

                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                            acc.writeBytes(msg);
                            if (acc.readableBytes() >= payload.length) {
                                byte[] b = new byte[acc.readableBytes()];
                                acc.readBytes(b);
                                acc.release();
                                echoed.complete(b);
                            }
                        }
                    });
                }
            }).connect(server.localAddress()).sync().channel();
            client.writeAndFlush(Unpooled.wrappedBuffer(payload));
            assertArrayEquals(payload, echoed.get(10, TimeUnit.SECONDS));
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
