package io.stockengine.loadtest;

import java.time.Duration;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * HTTP/JSON over many keep-alive connections, on a small Netty client: a request costs one task on an event loop
 * and its encoding, where the JDK HttpClient adds futures, executor hand-offs and per-request objects that would
 * compete with the server for this machine's two cores. Connections are spread over {@code ioThreads} event loops.
 */
final class HttpTarget implements Target
{
    private final EventLoopGroup group;
    private final HttpConnection[] connections;
    private final boolean pipelined;

    HttpTarget(final String host, final int port, final int connections, final int depth, final int ioThreads,
        final Duration requestTimeout) throws InterruptedException
    {
        this.pipelined = depth > 1;
        final boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(ioThreads, epoll ? EpollIoHandler.newFactory() :
            NioIoHandler.newFactory());
        final Bootstrap base = new Bootstrap().group(group)
            .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000);
        this.connections = new HttpConnection[connections];
        try
        {
            for (int i = 0; i < connections; i++)
            {
                this.connections[i] = new HttpConnection(base, group.next(), host, port, depth,
                    requestTimeout.toNanos());
                this.connections[i].connect(5_000);
            }
        }
        catch (final InterruptedException | RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    @Override
    public int connections()
    {
        return connections.length;
    }

    @Override
    public boolean pipelined()
    {
        return pipelined;
    }

    @Override
    public String protocol()
    {
        return "http";
    }

    @Override
    public void send(final int connection, final Op op, final Completion completion)
    {
        connections[connection].send(op, completion);
    }

    @Override
    public void close()
    {
        for (final HttpConnection connection : connections)
        {
            if (connection != null)
            {
                connection.close();
            }
        }
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
