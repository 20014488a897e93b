package io.stockengine.gateway;

import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Counts open connections across the HTTP and binary ports and closes new ones over the limit at once, so a flood
 * of connections cannot exhaust file descriptors or memory.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter
{
    private final int max;
    private final GatewayMetrics metrics;
    private final AtomicLong open;

    public ConnectionLimiter(final int max, final GatewayMetrics metrics)
    {
        this.max = max;
        this.metrics = metrics;
        this.open = metrics.openConnections;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        if (open.incrementAndGet() > max)
        {
            metrics.rejectedConnections.incrementAndGet();
            ctx.close();
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        open.decrementAndGet();
        super.channelInactive(ctx);
    }
}
