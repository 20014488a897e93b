package io.stockengine.gateway.binary;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.stockengine.engine.CommandFiller;
import io.stockengine.engine.EnginePipeline;
import io.stockengine.gateway.ConnectionLimiter;
import io.stockengine.gateway.GatewayConfig;
import io.stockengine.gateway.GatewayMetrics;

/**
 * The pipeline of a binary TCP connection (protocol: {@code docs/binary-protocol.md}): the connection limit, idle
 * timeout, frame decoder, then the command handler that publishes to the engine.
 */
public final class BinaryServerInitializer extends ChannelInitializer<SocketChannel>
{
    /** Past this much unwritten output a connection stops reading until the client catches up. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final CommandPublisher publisher;
    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final ConnectionLimiter limiter;
    private final Runnable protocolErrors;
    /** The open connections, for a graceful stop to close each once its answers are written. */
    private final ChannelGroup connections = new DefaultChannelGroup("binary", GlobalEventExecutor.INSTANCE);

    /** A binary port with its own connection count against {@code config.maxConnections}. */
    public BinaryServerInitializer(final EnginePipeline pipeline, final GatewayConfig config,
        final GatewayMetrics metrics)
    {
        this(pipeline, config, metrics, new ConnectionLimiter(config.maxConnections, metrics));
    }

    /** A binary port sharing {@code limiter} (and so the connection count) with the other ports of the server. */
    public BinaryServerInitializer(final EnginePipeline pipeline, final GatewayConfig config,
        final GatewayMetrics metrics, final ConnectionLimiter limiter)
    {
        this.publisher = new CommandPublisher()
        {
            @Override
            public <A> boolean tryPublish(final CommandFiller<A> filler, final A argument)
            {
                return pipeline.tryPublish(filler, argument);
            }

            @Override
            public boolean stopping()
            {
                return !pipeline.accepting();
            }
        };
        this.config = config;
        this.metrics = metrics;
        this.limiter = limiter;
        this.protocolErrors = metrics.binaryProtocolErrors::incrementAndGet;
    }

    /**
     * A graceful stop has begun: every connection stops reading, answers the commands it has read (they are in the
     * ring, which drains), and closes. A client then resends what it had sent since, with its keys, to the restarted
     * server; kept open until the final snapshot was written, a connection answered everything it sent for seconds
     * with UNAVAILABLE, which each client had to retry by hand (a tester: 42,000 of 88,000 reservations).
     */
    public void stopping()
    {
        for (final io.netty.channel.Channel channel : connections)
        {
            channel.eventLoop().execute(() -> channel.pipeline().fireUserEventTriggered(BinaryCommandHandler.STOPPING));
        }
    }

    /**
     * After {@link #stopping}: waits up to {@code millis} for the connections to close, each once the client has
     * read its answers and ended its side. Closed by the server's own shutdown instead, one whose client is still
     * sending could be reset with answers unread.
     */
    public void awaitClosed(final long millis)
    {
        connections.newCloseFuture().awaitUninterruptibly(millis);
    }

    @Override
    protected void initChannel(final SocketChannel channel)
    {
        connections.add(channel);
        channel.config().setWriteBufferWaterMark(WATER_MARK);
        // A client may send its last frame and shut its side: the answers it is owed must still go out before the
        // connection closes (BinaryCommandHandler closes it then), not be dropped with the closed input.
        channel.config().setAllowHalfClosure(true);
        channel.pipeline()
            .addLast("limit", limiter)
            .addLast("idle", new IdleStateHandler(0, 0, config.idleTimeoutSeconds))
            .addLast("frames", new FrameDecoder(config.maxFrameBytes, protocolErrors, false))
            .addLast("commands", new BinaryCommandHandler(publisher, config, metrics));
    }
}
