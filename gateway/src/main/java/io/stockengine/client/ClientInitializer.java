package io.stockengine.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.timeout.IdleStateHandler;

/** The pipeline of a client connection: result frames in, an idle timer for heartbeats, then the handler. */
final class ClientInitializer extends ChannelInitializer<Channel>
{
    private final ClientHandler handler;
    private final int maxInboundFrameBytes;
    private final int heartbeatSeconds;
    private final Runnable protocolErrors;

    ClientInitializer(final ClientHandler handler, final int maxInboundFrameBytes, final int heartbeatSeconds,
        final Runnable protocolErrors)
    {
        this.handler = handler;
        this.maxInboundFrameBytes = maxInboundFrameBytes;
        this.heartbeatSeconds = heartbeatSeconds;
        this.protocolErrors = protocolErrors;
    }

    @Override
    protected void initChannel(final Channel channel)
    {
        channel.pipeline().addLast("frames", new ResultFrameDecoder(maxInboundFrameBytes, protocolErrors));
        if (heartbeatSeconds > 0)
        {
            channel.pipeline().addLast("idle", new IdleStateHandler(0, heartbeatSeconds, 0));
        }
        channel.pipeline().addLast("results", handler);
    }
}
