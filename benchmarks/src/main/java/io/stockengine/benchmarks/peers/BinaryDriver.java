package io.stockengine.benchmarks.peers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.stockengine.client.CommandResult;
import io.stockengine.client.Line;
import io.stockengine.client.StockClient;
import io.stockengine.engine.ResultCode;

/**
 * The closed loop over the binary protocol: one {@link StockClient} (one TCP connection) per connection, each
 * keeping {@code depth} reservations outstanding. The client coalesces what is issued together into one frame,
 * so with a depth above one the answers of a frame come back together and the next requests leave together, as
 * {@code redis-benchmark -P} does.
 */
final class BinaryDriver
{
    private BinaryDriver()
    {
    }

    static List<Tally> run(final RunSpec spec) throws InterruptedException
    {
        final Line[] lines = new Line[spec.skus() + 1];
        for (int sku = 1; sku <= spec.skus(); sku++)
        {
            lines[sku] = Line.of(Workload.skuName(sku), Workload.LOCATION, 1);
        }
        // All connections on the same few loop threads, as pgbench -j 2 and redis-benchmark's one thread do: a loop
        // per client would be 64 threads on this machine's two cores.
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(spec.clientThreads(),
            Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        final List<StockClient> clients = new ArrayList<>();
        try
        {
            for (int i = 0; i < spec.connections(); i++)
            {
                clients.add(connect(spec.host(), spec.tcpPort(), group));
            }
            final CountDownLatch drained = new CountDownLatch(spec.connections());
            final RunSpec.Window window = spec.startWindow();
            final List<Connection> connections = new ArrayList<>();
            for (int i = 0; i < spec.connections(); i++)
            {
                connections.add(new Connection(clients.get(i), lines, spec, window, spec.seed() + i, drained));
            }
            for (final Connection connection : connections)
            {
                connection.start(spec.depth());
            }
            if (!drained.await(spec.drainTimeoutMillis(), TimeUnit.MILLISECONDS))
            {
                throw new IllegalStateException("binary connections did not drain: answers are missing");
            }
            final List<Tally> tallies = new ArrayList<>();
            for (final Connection connection : connections)
            {
                tallies.add(connection.tally());
            }
            return tallies;
        }
        finally
        {
            for (final StockClient client : clients)
            {
                client.close();
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    static StockClient connect(final String host, final int port)
    {
        return connect(host, port, null);
    }

    /** On a loop of {@code group}, or on a loop of its own when that is null. */
    static StockClient connect(final String host, final int port, final EventLoopGroup group)
    {
        return StockClient.builder().host(host).port(port).nativeTransport(true).eventLoopGroup(group)
            .requestTimeout(Duration.ofSeconds(30)).connect();
    }

    static Tally.Outcome outcome(final CommandResult result, final Throwable failure)
    {
        if (failure != null)
        {
            return Tally.Outcome.ERROR;
        }
        return switch (result.code())
        {
            case ResultCode.OK -> result.replayed() ? Tally.Outcome.DUPLICATE : Tally.Outcome.RESERVED;
            case ResultCode.INSUFFICIENT_STOCK -> Tally.Outcome.REJECTED;
            case ResultCode.OVERLOADED -> Tally.Outcome.OVERLOADED;
            default -> Tally.Outcome.ERROR;
        };
    }

    /**
     * One connection's loop. Answers arrive on the client's event loop and the first requests leave from the
     * caller's thread, so the state is guarded by the connection's monitor (never contended in steady state: one
     * thread answers). An answer that completes inside {@code reserve} (a refusal by the client itself) only
     * counts a request owed, so a run of instant refusals loops instead of recursing.
     */
    private static final class Connection
    {
        private final StockClient client;
        private final Line[] lines;
        private final Workload workload;
        private final int skus;
        private final RunSpec.Window window;
        private final SplittableRandom random;
        private final CountDownLatch drained;
        private final Tally tally = new Tally();
        private int outstanding;
        private int owed;
        private boolean issuing;
        private boolean done;

        Connection(final StockClient client, final Line[] lines, final RunSpec spec, final RunSpec.Window window,
            final long seed, final CountDownLatch drained)
        {
            this.client = client;
            this.lines = lines;
            this.workload = spec.workload();
            this.skus = spec.skus();
            this.window = window;
            this.random = new SplittableRandom(seed);
            this.drained = drained;
        }

        synchronized void start(final int depth)
        {
            issue(depth);
        }

        synchronized Tally tally()
        {
            return tally;
        }

        private void issue(final int count)
        {
            owed += count;
            if (issuing)
            {
                return;
            }
            issuing = true;
            try
            {
                while (owed > 0)
                {
                    owed--;
                    final long id = random.nextLong();
                    final int sku = workload.nextSku(random, skus);
                    outstanding++;
                    final long sent = System.nanoTime();
                    client.reserve(Workload.orderId(id), Workload.CHANNEL, 0, lines[sku])
                        .whenComplete((result, failure) -> answered(outcome(result, failure), id, sku, sent));
                }
            }
            finally
            {
                issuing = false;
            }
        }

        private synchronized void answered(final Tally.Outcome outcome, final long id, final int sku,
            final long sent)
        {
            final long now = System.nanoTime();
            outstanding--;
            tally.answered(outcome, id, sku, sent, now, window.measured(now));
            if (window.running(now))
            {
                issue(1);
            }
            else if (outstanding == 0 && !done)
            {
                done = true;
                drained.countDown();
            }
        }
    }
}
