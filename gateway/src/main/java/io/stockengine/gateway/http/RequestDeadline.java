package io.stockengine.gateway.http;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.stockengine.gateway.GatewayMetrics;

/**
 * A request must arrive whole within a deadline of its first bytes. The idle timeout closes only a silent
 * connection, and a client that sends a byte every few seconds is never silent: without a deadline a few hundred of
 * them would hold every connection the server allows, each with a request that never completes.
 * <p>
 * Two parts of one connection's pipeline: {@link #start()} goes before the HTTP codec and sees the bytes, {@link
 * #end()} after it and sees each request end. The clock runs from the first bytes read while no request is
 * incomplete until that request's end; it does not run while the connection has stopped reading for its own
 * back-pressure (the rest of the request then waits in the socket, which is not the client's doing).
 * <p>
 * Threading: the connection's event loop only.
 */
final class RequestDeadline
{
    /** Passed up the pipeline when a request did not arrive whole in time. */
    static final Object TIMED_OUT = new Object()
    {
        @Override
        public String toString()
        {
            return "request timed out";
        }
    };

    /**
     * Passed up the pipeline when the client ends its side in the middle of a request's body. Nothing else would
     * answer it: the body's aggregation just stops.
     */
    static final Object BODY_CUT_SHORT = new Object()
    {
        @Override
        public String toString()
        {
            return "request body cut short";
        }
    };

    /**
     * Passed up the pipeline when the client ends its side in the middle of a request line, which the codec drops
     * without a word (headers cut short, it answers itself with a failed request).
     */
    static final Object LINE_CUT_SHORT = new Object()
    {
        @Override
        public String toString()
        {
            return "request line cut short";
        }
    };

    /** The current request's head has been decoded: what is still to come is its body. */
    private boolean headRead;
    private final long timeoutNanos;
    private final GatewayMetrics metrics;
    private ChannelHandlerContext context;
    private ScheduledFuture<?> timer;
    /** The close after a 408, should its answer and the linger after it not end the connection first. */
    private ScheduledFuture<?> fallback;

    RequestDeadline(final int timeoutSeconds, final GatewayMetrics metrics)
    {
        this.timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds);
        this.metrics = metrics;
    }

    /** The handler before the codec: starts the clock when bytes of a new request are read. */
    ChannelInboundHandlerAdapter start()
    {
        return new ChannelInboundHandlerAdapter()
        {
            @Override
            public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
            {
                if (timer == null && msg instanceof ByteBuf && startsRequest((ByteBuf)msg))
                {
                    context = ctx;
                    startClock();
                }
                super.channelRead(ctx, msg);
            }

            @Override
            public void channelInactive(final ChannelHandlerContext ctx) throws Exception
            {
                stop();
                if (fallback != null)
                {
                    fallback.cancel(false);
                    fallback = null;
                }
                super.channelInactive(ctx);
            }
        };
    }

    /** Empty lines before a request are ignored (RFC 9112 2.2), so bytes of only CR and LF start no request. */
    private static boolean startsRequest(final ByteBuf bytes)
    {
        return bytes.forEachByte(b -> b == '\r' || b == '\n') >= 0;
    }

    /** The handler after the codec: a request's last part stops the clock. */
    ChannelInboundHandlerAdapter end()
    {
        return new ChannelInboundHandlerAdapter()
        {
            @Override
            public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
            {
                if (msg instanceof LastHttpContent)
                {
                    stop();
                    headRead = false;
                }
                else if (msg instanceof HttpRequest)
                {
                    headRead = true;
                    if (timer == null)
                    {
                        // Read together with the end of the request before it, which stopped the clock: this one's
                        // began in that read, and its clock runs from there.
                        context = context != null ? context : ctx;
                        startClock();
                    }
                }
                super.channelRead(ctx, msg);
            }

            @Override
            public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception
            {
                // The codec has made what it could of the end of input (headers cut short become a failed request,
                // whose end stopped the clock): a clock still running is a request that will never be whole.
                if (event instanceof ChannelInputShutdownEvent && timer != null)
                {
                    stop();
                    ctx.fireUserEventTriggered(headRead ? BODY_CUT_SHORT : LINE_CUT_SHORT);
                }
                super.userEventTriggered(ctx, event);
            }
        };
    }

    private void startClock()
    {
        timer = context.executor().schedule(this::check, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void stop()
    {
        if (timer != null)
        {
            timer.cancel(false);
            timer = null;
        }
    }

    private void check()
    {
        timer = null;
        if (context == null || !context.channel().isActive())
        {
            return;
        }
        if (!context.channel().config().isAutoRead())
        {
            // The server stopped reading (too much unanswered): the request's rest cannot arrive; wait again.
            timer = context.executor().schedule(this::check, timeoutNanos, TimeUnit.NANOSECONDS);
            return;
        }
        metrics.httpRequestTimeouts.incrementAndGet();
        // The API handler answers 408 in the request's turn, after what the connection still owes, and closes; a
        // client that takes none of those answers either is closed once another deadline has passed.
        context.fireUserEventTriggered(TIMED_OUT);
        final ChannelHandlerContext closing = context;
        fallback = closing.executor().schedule(() ->
        {
            if (closing.channel().isActive())
            {
                closing.close();
            }
        }, timeoutNanos + TimeUnit.SECONDS.toNanos(HttpApiHandler.LINGER_SECONDS), TimeUnit.NANOSECONDS);
    }
}
