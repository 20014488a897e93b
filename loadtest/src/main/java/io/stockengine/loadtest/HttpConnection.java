package io.stockengine.loadtest;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.stockengine.client.SelfConnection;

/**
 * One keep-alive HTTP/1.1 connection. Up to {@code depth} requests are on the wire at once (1: the classic one
 * request at a time; more: HTTP/1.1 pipelining, which the server answers in order); the rest wait here in arrival
 * order. The generator bounds how many a connection holds in all, so this queue stays bounded.
 * <p>
 * Everything runs on the connection's event loop. A dropped connection fails what was on the wire as
 * {@link Codes#CONNECTION_LOST} (it may have been applied) and reconnects for what waits; a request that has waited
 * or been on the wire longer than the request timeout fails as {@link Codes#NOT_SENT} or {@link Codes#TIMEOUT}
 * (then the connection is closed, since its answers can no longer be matched in order).
 */
@ChannelHandler.Sharable
final class HttpConnection extends SimpleChannelInboundHandler<FullHttpResponse>
{
    private static final long RECONNECT_DELAY_MILLIS = 100;

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final String hostHeader;
    private final int depth;
    private final long timeoutNanos;
    private final Runnable flushTask = this::flushNow;
    private final ArrayDeque<Exchange> onWire = new ArrayDeque<>();
    private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    private Channel channel;
    private boolean connecting;
    /**
     * A retry is scheduled after a failed connect: until it runs, new requests wait instead of connecting again.
     * Without it every request connected at once while a server restarted (11,000 connects a second measured), and
     * one of them sooner or later took the server's port for a socket joined to itself.
     */
    private boolean retryScheduled;
    /** The current connection has had an answer: one closed before any (a server at its limit) is not retried at once. */
    private boolean answered;
    private boolean flushPending;
    private boolean timedOut;
    private boolean closed;

    /** A request and whom to tell about its answer. */
    private static final class Exchange
    {
        final Op op;
        final Target.Completion completion;
        final long queuedNanos;
        long writtenNanos;

        Exchange(final Op op, final Target.Completion completion)
        {
            this.op = op;
            this.completion = completion;
            this.queuedNanos = System.nanoTime();
        }
    }

    HttpConnection(final Bootstrap base, final EventLoop loop, final String host, final int port, final int depth,
        final long timeoutNanos)
    {
        this.loop = loop;
        this.hostHeader = host + ":" + port;
        this.depth = depth;
        this.timeoutNanos = timeoutNanos;
        final HttpConnection handler = this;
        this.bootstrap = base.clone(loop).remoteAddress(host, port).handler(new ChannelInitializer<Channel>()
        {
            @Override
            protected void initChannel(final Channel ch)
            {
                ch.pipeline().addLast("codec", new HttpClientCodec(4096, 16 * 1024, 16 * 1024));
                ch.pipeline().addLast("aggregate", new HttpObjectAggregator(64 << 20));
                ch.pipeline().addLast("answers", handler);
            }
        });
        final long period = Math.max(TimeUnit.MILLISECONDS.toNanos(100), Math.min(TimeUnit.SECONDS.toNanos(1),
            timeoutNanos / 10));
        loop.scheduleAtFixedRate(this::expire, period, period, TimeUnit.NANOSECONDS);
    }

    /** Connects and waits for it: a load test that cannot reach the server should fail at once. */
    void connect(final long timeoutMillis) throws InterruptedException
    {
        final ChannelFuture connected = bootstrap.connect();
        if (!connected.await(timeoutMillis) || !connected.isSuccess() ||
            SelfConnection.of(connected.channel()))
        {
            connected.channel().close();
            throw new IllegalStateException("cannot connect to http://" + hostHeader, connected.cause());
        }
        final Channel ch = connected.channel();
        loop.submit(() -> channel = ch).await(timeoutMillis);
    }

    /** Any thread. */
    void send(final Op op, final Target.Completion completion)
    {
        loop.execute(() -> submit(new Exchange(op, completion)));
    }

    /** Any thread: fails what is left and closes the connection. */
    void close()
    {
        loop.execute(() ->
        {
            closed = true;
            failAll(waiting, Codes.NOT_SENT);
            if (channel != null)
            {
                channel.close();
            }
        });
    }

    private void submit(final Exchange exchange)
    {
        if (closed)
        {
            exchange.completion.completed(exchange.op, Outcome.of(Codes.NOT_SENT));
            return;
        }
        if (channel != null && waiting.isEmpty() && onWire.size() < depth)
        {
            write(exchange);
            return;
        }
        waiting.add(exchange);
        if (channel == null)
        {
            reconnect();
        }
    }

    private void write(final Exchange exchange)
    {
        exchange.writtenNanos = System.nanoTime();
        onWire.add(exchange);
        channel.write(HttpRequests.encode(exchange.op, hostHeader, channel.alloc()), channel.voidPromise());
        if (!flushPending)
        {
            // One flush for the requests queued on the loop together: fewer syscalls when the load is high.
            flushPending = true;
            loop.execute(flushTask);
        }
    }

    private void flushNow()
    {
        flushPending = false;
        if (channel != null)
        {
            channel.flush();
        }
    }

    private void pump()
    {
        while (channel != null && !waiting.isEmpty() && onWire.size() < depth)
        {
            write(waiting.poll());
        }
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpResponse response)
    {
        if (ctx.channel() != channel)
        {
            return;
        }
        final Exchange exchange = onWire.poll();
        if (exchange == null)
        {
            ctx.close();
            return;
        }
        answered = true;
        exchange.completion.completed(exchange.op,
            HttpAnswers.parse(exchange.op.kind, response.status().code(), response.content()));
        pump();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        if (ctx.channel() != channel)
        {
            return;
        }
        channel = null;
        failAll(onWire, timedOut ? Codes.TIMEOUT : Codes.CONNECTION_LOST);
        timedOut = false;
        if (!waiting.isEmpty() && answered)
        {
            reconnect();
        }
        else if (!waiting.isEmpty())
        {
            // Closed before it answered anything (a server at its connection limit closes at once): reconnecting at
            // once would only repeat that, as fast as the loop turns.
            retryLater();
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        ctx.close();
    }

    private void reconnect()
    {
        if (connecting || retryScheduled || closed)
        {
            return;
        }
        connecting = true;
        bootstrap.connect().addListener((ChannelFutureListener)future ->
        {
            connecting = false;
            if (future.isSuccess() && SelfConnection.of(future.channel()))
            {
                // Nothing listens (a server restarting) and the connect took the port itself: try again later, or
                // the server could not bind it and this connection would read its own requests.
                future.channel().close();
                retryLater();
            }
            else if (future.isSuccess() && !closed)
            {
                answered = false;
                channel = future.channel();
                pump();
            }
            else if (future.isSuccess())
            {
                future.channel().close();
            }
            else
            {
                retryLater();
            }
        });
    }

    private void retryLater()
    {
        retryScheduled = true;
        loop.schedule(() ->
        {
            retryScheduled = false;
            if (!waiting.isEmpty())
            {
                reconnect();
            }
        }, RECONNECT_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void expire()
    {
        final long now = System.nanoTime();
        while (!waiting.isEmpty() && now - waiting.peek().queuedNanos > timeoutNanos)
        {
            final Exchange exchange = waiting.poll();
            exchange.completion.completed(exchange.op, Outcome.of(Codes.NOT_SENT));
        }
        if (channel != null && !onWire.isEmpty() && now - onWire.peek().writtenNanos > timeoutNanos)
        {
            timedOut = true;
            channel.close();
        }
    }

    private static void failAll(final ArrayDeque<Exchange> exchanges, final int code)
    {
        Exchange exchange;
        while ((exchange = exchanges.poll()) != null)
        {
            exchange.completion.completed(exchange.op, Outcome.of(code));
        }
    }
}
