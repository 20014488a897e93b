package io.stockengine.gateway;

import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Counts open connections across the HTTP and binary ports and closes new ones over the limit at once, so a flood
 * of connections cannot exhaust file descriptors or memory. One port never takes the last places: a few
 * ({@link #reserve}) are kept for the other, so that a binary client leaking connections cannot lock out the HTTP
 * port's health checks, nor a flood of HTTP connections the internal binary clients (a security tester's finding).
 * Each port has its own limiter ({@link #forPort}) over the count they share.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter
{
    private final int max;
    private final int portMax;
    private final GatewayMetrics metrics;
    private final AtomicLong open;
    private final AtomicLong portOpen;

    /** A limiter of {@code max} connections for one port alone (tests, a server of one port). */
    public ConnectionLimiter(final int max, final GatewayMetrics metrics)
    {
        this(max, max, metrics, new AtomicLong());
    }

    private ConnectionLimiter(final int max, final int portMax, final GatewayMetrics metrics, final AtomicLong portOpen)
    {
        this.max = max;
        this.portMax = portMax;
        this.metrics = metrics;
        this.open = metrics.openConnections;
        this.portOpen = portOpen;
    }

    /** The places of {@code max} one port leaves for the other: a tenth, from 1 to 16 (none when max is 1). */
    public static int reserve(final int max)
    {
        return max <= 1 ? 0 : Math.max(1, Math.min(16, max / 10));
    }

    /** A limiter for one of two ports sharing {@code max}: it takes at most {@code max - reserve(max)} of them. */
    public static ConnectionLimiter forPort(final int max, final GatewayMetrics metrics)
    {
        return new ConnectionLimiter(max, max - reserve(max), metrics, new AtomicLong());
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        final long port = portOpen.incrementAndGet();
        if (open.incrementAndGet() > max || port > portMax)
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
        portOpen.decrementAndGet();
        open.decrementAndGet();
        super.channelInactive(ctx);
    }
}
