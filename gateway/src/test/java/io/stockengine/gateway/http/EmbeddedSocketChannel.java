package io.stockengine.gateway.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DefaultSocketChannelConfig;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketChannelConfig;

/**
 * An {@link EmbeddedChannel} that passes for a {@link SocketChannel}, so the server's own
 * {@link HttpServerInitializer} can build its real pipeline (limits, codec, body limit, handler) in memory.
 */
final class EmbeddedSocketChannel extends EmbeddedChannel implements SocketChannel
{
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 8080);
    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 50_000);

    /** Created on first use: the superclass constructor already asks for the configuration. */
    private Socket socket;
    private SocketChannelConfig socketConfig;

    @Override
    public SocketChannelConfig config()
    {
        if (socketConfig == null)
        {
            socket = new Socket();
            socketConfig = new DefaultSocketChannelConfig(this, socket);
        }
        return socketConfig;
    }

    @Override
    public ServerSocketChannel parent()
    {
        return null;
    }

    @Override
    public InetSocketAddress localAddress()
    {
        return LOCAL;
    }

    @Override
    public InetSocketAddress remoteAddress()
    {
        return REMOTE;
    }

    @Override
    public boolean isInputShutdown()
    {
        return !isOpen();
    }

    @Override
    public ChannelFuture shutdownInput()
    {
        return close();
    }

    @Override
    public ChannelFuture shutdownInput(final ChannelPromise promise)
    {
        return close(promise);
    }

    @Override
    public boolean isOutputShutdown()
    {
        return !isOpen();
    }

    @Override
    public ChannelFuture shutdownOutput()
    {
        return close();
    }

    @Override
    public ChannelFuture shutdownOutput(final ChannelPromise promise)
    {
        return close(promise);
    }

    @Override
    public boolean isShutdown()
    {
        return !isOpen();
    }

    @Override
    public ChannelFuture shutdown()
    {
        return close();
    }

    @Override
    public ChannelFuture shutdown(final ChannelPromise promise)
    {
        return close(promise);
    }

    @Override
    protected void doClose() throws Exception
    {
        super.doClose();
        try
        {
            socket.close();
        }
        catch (final IOException ignored)
        {
            // The socket was never connected; it only backs the configuration object.
        }
    }
}
