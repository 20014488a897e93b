package io.stockengine.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.stockengine.engine.ResultCode;

/**
 * The correction for coordinated omission, against fake targets that stall once on purpose for {@value #STALL_MS}
 * ms in a {@value #RUN_MS} ms run at {@value #RATE} requests/s. A sixth of the requests were due during the stall,
 * so an honest p99 is close to the stall; a closed-loop measurement (send, wait, send the next) sends only one
 * request during the stall and reports a p99 of about the normal service time.
 * <p>
 * The machine the tests run on is shared, so the bounds leave room for scheduling delays: a percentile that carries
 * the stall must reach {@value #WITH_STALL} of it (other processes can only make it larger), and one that must not
 * carry it stays below {@value #WITHOUT_STALL} of it, beyond the delays of tens of milliseconds a busy machine adds.
 * Without the correction the first kind falls to about the service time, far below its bound.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CoordinatedOmissionTest
{
    private static final long STALL_MS = 500;
    private static final long RUN_MS = 3_000;
    private static final double RATE = 1_000;
    private static final long SERVICE_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final double WITH_STALL = 0.8;
    private static final double WITHOUT_STALL = 0.5;

    private final ScheduledExecutorService answers = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop()
    {
        answers.shutdownNow();
    }

    /**
     * Answers after 100 us, except once: the first request at or after the time set by {@link #stallAt} begins a
     * pause of 500 ms (a server pause, a GC), and nothing is answered until it ends. The pause begins with a
     * request rather than at a fixed time so that the first request in it waits all of it, even when the caller
     * was itself held up (a closed loop would otherwise see a shorter stall).
     */
    private class StallingServer implements Target
    {
        private volatile long stallFrom = Long.MAX_VALUE;
        private final AtomicLong stallBegan = new AtomicLong(Long.MAX_VALUE);

        void stallAt(final long nanos)
        {
            stallBegan.set(Long.MAX_VALUE);
            stallFrom = nanos;
        }

        @Override
        public int connections()
        {
            return 4;
        }

        @Override
        public boolean pipelined()
        {
            return true;
        }

        @Override
        public String protocol()
        {
            return "stub";
        }

        @Override
        public void send(final int connection, final Op op, final Completion completion)
        {
            final long now = System.nanoTime();
            if (now >= stallFrom)
            {
                stallBegan.compareAndSet(Long.MAX_VALUE, now);
            }
            final long began = stallBegan.get();
            final long stallEnd = began == Long.MAX_VALUE ? Long.MIN_VALUE :
                began + TimeUnit.MILLISECONDS.toNanos(STALL_MS);
            final long delay = now >= began && now < stallEnd ? stallEnd - now : SERVICE_NANOS;
            answers.schedule(() -> completion.completed(op, Outcome.of(ResultCode.OK)), delay, TimeUnit.NANOSECONDS);
        }

        @Override
        public void close()
        {
        }
    }

    /** Always the same query; the outcomes are only counted. */
    private static final class Queries implements Workload
    {
        @Override
        public Op next(final long intendedNanos)
        {
            return Op.stock("sku");
        }

        @Override
        public void completed(final Op op, final Outcome outcome)
        {
        }
    }

    private static LatencyStats.Phase openLoop(final Target target)
    {
        final LatencyStats stats = new LatencyStats();
        final OpenLoopGenerator generator = new OpenLoopGenerator(target, new Queries(), stats, 10_000);
        final long start = System.nanoTime();
        generator.run(RATE, TimeUnit.MILLISECONDS.toNanos(RUN_MS));
        assertTrue(generator.drain(TimeUnit.SECONDS.toNanos(5)));
        return stats.endPhase("test", RATE, System.nanoTime() - start);
    }

    @Test
    void shouldShowAServerStallInTheHighPercentiles()
    {
        final StallingServer server = new StallingServer();
        server.stallAt(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
        final LatencyStats.Phase open = openLoop(server);

        server.stallAt(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
        final Histogram closed = closedLoop(server);

        final double openP99 = open.percentileMillis(99);
        final double closedP99 = closed.getValueAtPercentile(99) / 1000.0;
        final String figures = "open-loop p99 " + openP99 + " ms, p90 " + open.percentileMillis(90) +
            " ms; closed-loop p99 " + closedP99 + " ms, max " + closed.getMaxValue() / 1000.0 + " ms";
        System.out.println(figures);
        assertEquals(RATE * RUN_MS / 1000, open.answered, figures);
        assertTrue(openP99 >= WITH_STALL * STALL_MS, figures);
        assertTrue(open.percentileMillis(90) >= 0.1 * STALL_MS, figures);
        // The closed loop saw the stall (its maximum) but hid it from every percentile that matters.
        assertTrue(closed.getMaxValue() / 1000.0 >= WITH_STALL * STALL_MS, figures);
        assertTrue(closedP99 < WITHOUT_STALL * STALL_MS, figures);
    }

    /** What a closed-loop tool measures: one request at a time, timed from its send. */
    private static Histogram closedLoop(final Target target)
    {
        final Histogram histogram = new Histogram(LatencyStats.HIGHEST_MICROS, 3);
        final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RUN_MS);
        while (System.nanoTime() < end)
        {
            final CompletableFuture<Outcome> answer = new CompletableFuture<>();
            final long sent = System.nanoTime();
            target.send(0, Op.stock("sku"), (op, outcome) -> answer.complete(outcome));
            answer.join();
            histogram.recordValue((System.nanoTime() - sent) / 1_000);
        }
        return histogram;
    }

    @Test
    void shouldChargeTheGeneratorsOwnStallToTheRequestsItDelayed()
    {
        // The send itself blocks once (a full socket buffer, a pause of the generator's thread): every request
        // whose start fell in the pause leaves late, and its latency must count from when it should have left.
        final AtomicBoolean stalled = new AtomicBoolean();
        final long pauseAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        final Target blockingOnce = new StallingServer()
        {
            @Override
            public void send(final int connection, final Op op, final Completion completion)
            {
                if (System.nanoTime() >= pauseAt && stalled.compareAndSet(false, true))
                {
                    sleep(STALL_MS);
                }
                // Answered at once on this thread, so that all the latency there is comes from the generator. Through
                // the answering thread, the requests released together after the pause would queue for it, and a
                // busy machine stretches that queue by tens of milliseconds in the service time.
                completion.completed(op, Outcome.of(ResultCode.OK));
            }
        };
        final LatencyStats.Phase phase = openLoop(blockingOnce);
        final double p99 = phase.percentileMillis(99);
        final double serviceP99 = phase.service.getValueAtPercentile(99) / 1000.0;
        final double lagP99 = phase.lag.getValueAtPercentile(99) / 1000.0;
        final String figures = "latency p99 " + p99 + " ms, p90 " + phase.percentileMillis(90) +
            " ms; service-time p99 " + serviceP99 + " ms; generator lag p99 " + lagP99 + " ms";
        System.out.println(figures);
        // Nothing skipped: the requests due during the pause were all sent once it ended.
        assertEquals(RATE * RUN_MS / 1000, phase.answered, figures);
        assertTrue(p99 >= WITH_STALL * STALL_MS, figures);
        assertTrue(phase.percentileMillis(90) >= 0.1 * STALL_MS, figures);
        assertTrue(lagP99 >= WITH_STALL * STALL_MS, figures);
        // Only the one send that blocked took long from its own send; timing from a wrong start would put the
        // stall here.
        assertTrue(serviceP99 < WITHOUT_STALL * STALL_MS, figures);
    }

    private static void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
