package io.stockengine.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * A socket joined to itself (a connect from the port it connects to, with nothing listening) is told apart from a
 * connection to a server: clients reconnecting while a server restarts took its port this way.
 */
@Timeout(30)
class SelfConnectionTest
{
    /** Reads and drops whatever arrives. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class Quiet extends ChannelInboundHandlerAdapter
    {
        @Override
        public void channelRead(final io.netty.channel.ChannelHandlerContext ctx, final Object msg)
        {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    @Test
    void shouldTellASocketConnectedToItselfFromOneConnectedToAServer() throws Exception
    {
        final int port;
        try (ServerSocket free = new ServerSocket(0))
        {
            port = free.getLocalPort();
        }
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try
        {
            final Bootstrap client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new Quiet());
            // What the kernel does now and then when it picks the ephemeral port: here chosen on purpose.
            final InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
            final Channel itself = client.connect(address, address).sync().channel();
            assertTrue(SelfConnection.of(itself), itself.toString());
            itself.close().sync();

            final Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new Quiet()).bind("127.0.0.1", 0).sync().channel();
            try
            {
                final Channel connected = client.connect(server.localAddress()).sync().channel();
                assertFalse(SelfConnection.of(connected), connected.toString());
                connected.close().sync();
            }
            finally
            {
                server.close().sync();
            }
        }
        finally
        {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }
}
