package io.stockengine.client;

import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.stockengine.engine.AppendOnlyJournalStage;
import io.stockengine.engine.Command;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.EnginePipeline;
import io.stockengine.engine.JournalStage;
import io.stockengine.engine.NoOpEventSink;
import io.stockengine.engine.PipelineConfig;
import io.stockengine.engine.StockEngine;
import io.stockengine.gateway.GatewayConfig;
import io.stockengine.gateway.GatewayMetrics;
import io.stockengine.gateway.binary.BinaryServerInitializer;

/** The binary port of the server on a real socket, over a pipeline the test owns; it can stop and start again. */
final class TestServer implements AutoCloseable
{
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final EnginePipeline pipeline;
    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private Channel server;
    private int port;
    private BinaryServerInitializer binary;

    TestServer(final EnginePipeline pipeline, final GatewayConfig config, final GatewayMetrics metrics)
    {
        this.pipeline = pipeline;
        this.config = config;
        this.metrics = metrics;
    }

    /** A pipeline without a journal (or with {@code journal}), its ticker off so tests decide what runs. */
    static EnginePipeline pipeline(final JournalStage journal, final int ringSize)
    {
        return new EnginePipeline(new PipelineConfig().ringSize(ringSize).tickIntervalMillis(0),
            new StockEngine(new EngineConfig(), NoOpEventSink.INSTANCE), journal).start();
    }

    /** Binds on {@code port} (0 = any free one, then reused by later starts). */
    TestServer start(final int wanted) throws InterruptedException
    {
        binary = new BinaryServerInitializer(pipeline, config, metrics);
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    children.add(ch);
                    ch.pipeline().addLast(binary);
                }
            })
            .bind("127.0.0.1", wanted).sync().channel();
        port = ((InetSocketAddress)server.localAddress()).getPort();
        return this;
    }

    int port()
    {
        return port;
    }

    /** A graceful stop's first step on every open connection; returns once each has taken it. */
    void stopping()
    {
        binary.stopping();
        for (final io.netty.util.concurrent.EventExecutor loop : group)
        {
            loop.submit(() -> { }).syncUninterruptibly();
        }
    }

    /** Closes the listening socket and every connection, as a crashed or restarted server would. */
    void stop()
    {
        if (server != null)
        {
            server.close().syncUninterruptibly();
            server = null;
        }
        children.close().syncUninterruptibly();
    }

    @Override
    public void close()
    {
        stop();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A journal stage that holds every command at its door while closed: commands pile up in the ring. */
    static final class GatedJournal extends AppendOnlyJournalStage
    {
        private volatile CountDownLatch gate = new CountDownLatch(0);

        void close()
        {
            gate = new CountDownLatch(1);
        }

        void open()
        {
            gate.countDown();
        }

        @Override
        public void onCommand(final Command command, final boolean endOfBatch) throws InterruptedException
        {
            gate.await();
        }
    }
}
