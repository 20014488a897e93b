package io.stockengine.gateway;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.EnginePipeline;
import io.stockengine.engine.PipelineConfig;
import io.stockengine.gateway.binary.BinaryServerInitializer;
import io.stockengine.engine.AvailabilityWatch;
import io.stockengine.gateway.http.AvailabilityHub;
import io.stockengine.gateway.http.EngineAccess;
import io.stockengine.gateway.http.HttpServerInitializer;
import io.stockengine.gateway.http.Operations;
import io.stockengine.journal.Durability;
import io.stockengine.journal.JournalConfig;
import io.stockengine.journal.JournaledEngine;
import io.stockengine.journal.SnapshotFollower;

/**
 * The runnable server: binds HTTP first (so {@code /health} answers 503 while the journal is replayed), recovers
 * the engine, then opens the binary port and serves. {@link #close()} is the graceful stop: stop accepting, let
 * the ring drain, flush the journal, write a snapshot.
 */
public final class StockServer implements AutoCloseable
{
    private final GatewayConfig config;
    private volatile BinaryServerInitializer binary;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final Consumer<String> log;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Class<? extends ServerChannel> channelType;
    private final AvailabilityHub hub;
    private volatile JournaledEngine engine;
    private volatile String progress = "starting";
    private Channel httpChannel;
    private Channel tcpChannel;

    private final EngineAccess access = new EngineAccess()
    {
        @Override
        public EnginePipeline pipeline()
        {
            final JournaledEngine current = engine;
            return current == null ? null : current.pipeline();
        }

        @Override
        public long journaledSeq()
        {
            final JournaledEngine current = engine;
            return current == null ? 0 : current.journal().lastSeq();
        }

        @Override
        public String recoveryProgress()
        {
            return progress;
        }

        @Override
        public java.util.concurrent.CompletableFuture<java.nio.file.Path> snapshot()
        {
            final JournaledEngine current = engine;
            final SnapshotFollower follower = current == null ? null : current.snapshots();
            return follower == null ? null : follower.requestSnapshot(current.journal().lastSeq());
        }
    };

    private StockServer(final GatewayConfig config, final Consumer<String> log)
    {
        this.config = config.conclude();
        this.log = log;
        // epoll only when asked for and the machine has it; NIO otherwise (GatewayConfig.transport says why).
        final boolean epoll = config.transport.equals("epoll") && Epoll.isAvailable();
        boss = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(config.ioThreads,
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        hub = new AvailabilityHub(new AvailabilityWatch(), workers.next(), metrics, config.maxStreams);
    }

    /** Starts the server: returns once recovery is done and both ports are open. */
    public static StockServer start(final GatewayConfig config, final Consumer<String> log) throws InterruptedException
    {
        return start(config, log, () -> { });
    }

    /**
     * As {@link #start(GatewayConfig, Consumer)}; {@code serving} runs once the HTTP port takes commands (recovery is
     * done), a little before the binary port opens and this returns: from then on a stop must be a graceful one.
     */
    public static StockServer start(final GatewayConfig config, final Consumer<String> log, final Runnable serving)
        throws InterruptedException
    {
        final StockServer server = new StockServer(config, log);
        try
        {
            server.run(serving);
        }
        catch (final RuntimeException | InterruptedException | Error ex)
        {
            // Also on an Error (out of memory for the ring): the IO threads are not daemons, and a server left half
            // started would keep the process alive answering 503 for ever.
            server.close();
            throw ex;
        }
        return server;
    }

    private void run(final Runnable serving) throws InterruptedException
    {
        // Before the ports are bound: a second server on this directory is told so, not that a port is taken or,
        // with other ports, after it said it listens. The engine takes the lock for good below.
        io.stockengine.journal.DataDirLock.acquire(config.dataDir).close();
        // The binary port opens after recovery (a client is refused until the engine can answer), but one that is
        // taken should stop the start now, not after replaying the whole journal; both are probed, so two taken
        // ports are named together rather than one start at a time.
        final String taken = (probe("http", config.httpPort) + " " + probe("tcp", config.tcpPort)).trim();
        if (!taken.isEmpty())
        {
            throw new java.io.UncheckedIOException("Address already in use: " + taken,
                new java.net.BindException("Address already in use"));
        }
        // One count for both ports, and each port leaves a few places for the other.
        final ConnectionLimiter httpLimiter = ConnectionLimiter.forPort(config.maxConnections, metrics);
        final ConnectionLimiter binaryLimiter = ConnectionLimiter.forPort(config.maxConnections, metrics);
        final Operations operations = new Operations(access, metrics, new Operations.JournalStats()
        {
            @Override
            public long bytesWritten()
            {
                final JournaledEngine current = engine;
                return current == null ? 0 : current.journal().bytesWritten();
            }

            @Override
            public long lastSeq()
            {
                return access.journaledSeq();
            }

            @Override
            public long snapshotLagEvents()
            {
                final JournaledEngine current = engine;
                final SnapshotFollower follower = current == null ? null : current.snapshots();
                return follower == null ? 0 : Math.max(0, current.journal().lastSeq() - follower.appliedSeq());
            }

            @Override
            public long snapshotWriteFailures()
            {
                final JournaledEngine current = engine;
                final SnapshotFollower follower = current == null ? null : current.snapshots();
                return follower == null ? 0 : follower.writeFailures();
            }

            @Override
            public boolean snapshotsOn()
            {
                return config.snapshots;
            }

            @Override
            public long[] forgottenEarly()
            {
                final JournaledEngine current = engine;
                final SnapshotFollower follower = current == null ? null : current.snapshots();
                return follower == null ? new long[4] : new long[] { follower.keysForgottenEarly(),
                    follower.keysKeptMillis(), follower.ordersForgottenEarly(), follower.ordersKeptMillis() };
            }

            @Override
            public boolean failed()
            {
                return journalFailed();
            }

            @Override
            public java.util.Map<String, Long> consumers()
            {
                final java.util.Map<String, Long> seqs = new java.util.TreeMap<>();
                try
                {
                    io.stockengine.journal.FilePositionStore.list(new JournalConfig().dataDir(config.dataDir)
                        .consumerDir()).forEach((name, position) -> seqs.put(name, position.seq()));
                }
                catch (final RuntimeException ex)
                {
                    // A position file being replaced, or damaged: no figure this scrape rather than a failed scrape
                    // (verify names a damaged one).
                    return java.util.Map.of();
                }
                return seqs;
            }
        });
        httpChannel = bootstrap().childHandler(new HttpServerInitializer(access, config, metrics, operations, httpLimiter,
            hub))
            .bind(config.host, config.httpPort).sync().channel();
        log.accept("http: listening on http://" + config.host + ":" + httpPort() + " (503 until recovery is done; " +
            config.ioThreads + " IO threads, " + (channelType == EpollServerSocketChannel.class ? "epoll" : "nio") +
            " transport, at most " + config.maxConnections + " connections with the binary port's)");
        final JournalConfig journalConfig = new JournalConfig().dataDir(config.dataDir)
            .durability(Durability.parse(config.durability)).rollCycle(config.rollCycle).snapshots(config.snapshots)
            .snapshotEveryEvents(config.snapshotEveryEvents).snapshotEveryMillis(config.snapshotEverySeconds * 1000)
            .snapshotsKept(config.snapshotsKept);
        final EngineConfig engineConfig = new EngineConfig().dedupWindowMillis(config.dedupWindowMillis)
            .dedupCapacity(config.dedupCapacity).finishedOrderCapacity(config.finishedOrderCapacity)
            .dedupAnswerInts(config.dedupAnswerMib << 18)
            .expectedBalances(config.expectedBalances)
            .expectedOrders(config.expectedOrders);
        final PipelineConfig pipelineConfig = new PipelineConfig().ringSize(config.ringSize)
            .waitStrategy(config.waitStrategy).tickIntervalMillis(config.tickIntervalMillis)
            .replyOnJournalThread("shared".equals(config.replyThread))
            .journalOnLogicThread("logic".equals(config.journalThread));
        if (!java.nio.file.Files.exists(journalConfig.journalDir()))
        {
            // The one start that begins with no stock at all; a mistyped --data-dir looks exactly like it.
            log.accept("data: " + journalConfig.journalDir().toAbsolutePath() + " does not exist: it is created and " +
                "the engine starts empty (no journal yet; if this directory was meant to hold one, check --data-dir)");
        }
        engine = JournaledEngine.open(journalConfig, engineConfig, pipelineConfig, line ->
        {
            progress = line;
            log.accept(line);
        });
        serving.run();
        engine.pipeline().engine().watch(hub.watch());
        engine.pipeline().replyObserver(hub::onChanges);
        final long heartbeat = Math.max(1, Math.min(15, config.idleTimeoutSeconds / 2));
        workers.next().scheduleAtFixedRate(hub::heartbeat, heartbeat, heartbeat, TimeUnit.SECONDS);
        final FailureReporter failures = new FailureReporter(engine.pipeline(), metrics, config.maxConnections, log,
            hub::journalStopped);
        workers.next().scheduleAtFixedRate(failures, 1, 1, TimeUnit.SECONDS);
        workers.next().scheduleAtFixedRate(metrics::rotateLatencyWindow, GatewayMetrics.LATENCY_WINDOW_SECONDS,
            GatewayMetrics.LATENCY_WINDOW_SECONDS, TimeUnit.SECONDS);
        progress = "ready";
        binary = new BinaryServerInitializer(engine.pipeline(), config, metrics, binaryLimiter);
        tcpChannel = bootstrap().childHandler(binary)
            .bind(config.host, config.tcpPort).sync().channel();
        log.accept("tcp: binary protocol on " + config.host + ":" + tcpPort());
        final String cycle = engine.rollCycle();
        log.accept("ready: data in " + config.dataDir.toAbsolutePath() + ", durability " + config.durability +
            ", journal at seq " + engine.journal().lastSeq() + ", roll cycle " + cycle +
            (cycle.equals(config.rollCycle) ? "" : " (the journal keeps the cycle it was made with; " +
                config.rollCycle + ", from --roll-cycle or its default, applies only to a new journal)"));
        if (!config.snapshots)
        {
            log.accept("snapshots: off (--no-snapshots): none is written, so every start replays the journal from " +
                "the newest snapshot already there (from its start when there is none), and no journal file past " +
                "that snapshot can be pruned, since pruning keeps what the newest snapshot needs; start with " +
                "snapshots on to reclaim disk");
        }
    }

    /** "" when {@code port} can be listened on (or is 0, any), else "{@code kind} {@code port}". */
    private String probe(final String kind, final int port)
    {
        if (port == 0)
        {
            return "";
        }
        final java.net.InetSocketAddress address = new java.net.InetSocketAddress(config.host, port);
        if (address.isUnresolved())
        {
            throw new java.nio.channels.UnresolvedAddressException();
        }
        try (java.net.ServerSocket socket = new java.net.ServerSocket())
        {
            socket.setReuseAddress(true);
            socket.bind(address);
            return "";
        }
        catch (final java.io.IOException ex)
        {
            if (ex.getMessage() != null && ex.getMessage().contains("Address already in use"))
            {
                return kind + " " + port;
            }
            throw new java.io.UncheckedIOException("cannot listen on " + config.host + ":" + port + ": " + ex, ex);
        }
    }

    /** The journal failed: every command was refused from then on, and the stop is not a clean one. */
    public boolean journalFailed()
    {
        final JournaledEngine current = engine;
        return current != null && current.pipeline().journalFailed();
    }

    private ServerBootstrap bootstrap()
    {
        return new ServerBootstrap().group(boss, workers).channel(channelType)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true);
    }

    public int httpPort()
    {
        return httpChannel == null ? -1 : ((java.net.InetSocketAddress)httpChannel.localAddress()).getPort();
    }

    public int tcpPort()
    {
        return tcpChannel == null ? -1 : ((java.net.InetSocketAddress)tcpChannel.localAddress()).getPort();
    }

    public AvailabilityHub availability()
    {
        return hub;
    }

    public GatewayMetrics metrics()
    {
        return metrics;
    }

    /** The running engine (null before recovery finishes). */
    public JournaledEngine engine()
    {
        return engine;
    }

    /**
     * Graceful stop: stop accepting, give in-flight commands a moment to be answered, drain the ring, flush the
     * journal and write a snapshot, then stop the IO threads.
     */
    @Override
    public void close()
    {
        if (httpChannel != null)
        {
            httpChannel.close().syncUninterruptibly();
        }
        if (tcpChannel != null)
        {
            tcpChannel.close().syncUninterruptibly();
        }
        final JournaledEngine current = engine;
        if (current != null)
        {
            // Open connections keep sending: from here on they are answered overloaded (retry later) instead of
            // being published into a ring that is about to stop. A handler already past that check finishes its
            // publish before its event loop runs anything else, so one task run on every loop is the barrier after
            // which nothing more enters the ring.
            // Binary connections first stop reading (then answer what they read, and close), and only after every
            // loop has done so does the ring stop accepting: so none of them answers UNAVAILABLE, and a client
            // resends what the server never read to the restarted server instead.
            if (binary != null)
            {
                binary.stopping();
                for (final io.netty.util.concurrent.EventExecutor loop : workers)
                {
                    loop.submit(() -> { }).syncUninterruptibly();
                }
            }
            current.pipeline().stopAccepting();
            progress = "shutting down";
            for (final io.netty.util.concurrent.EventExecutor loop : workers)
            {
                loop.submit(() -> { }).syncUninterruptibly();
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (current.pipeline().inFlight() > 0 && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            // The engine says how it closed the journal (on the disk, the clean stop recorded).
            current.close();
        }
        if (binary != null)
        {
            binary.awaitClosed(2_000);
        }
        hub.closeAll(2_000);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
