package io.stockengine.loadtest;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * Prints a progress line every second (rate sent, rate answered, p50/p99/max of that second, results other than
 * OK by code) and keeps the same figures as the run's timeline for the plots.
 */
final class Progress implements AutoCloseable
{
    private final LatencyStats stats;
    private final PrintStream out;
    private final IntSupplier inFlight;
    private final long startNanos = System.nanoTime();
    private final List<Point> timeline = new ArrayList<>();
    private final Thread thread;
    private volatile String phase = "start";
    private volatile double targetRate;
    private volatile boolean running = true;

    /** One second of the run. Latencies in milliseconds. */
    record Point(double second, String phase, double targetRate, double sentRate, double answeredRate, double p50,
        double p99, double max, long errors)
    {
    }

    Progress(final LatencyStats stats, final PrintStream out, final IntSupplier inFlight)
    {
        this.stats = stats;
        this.out = out;
        this.inFlight = inFlight;
        // Starts the first interval now, not when the statistics were created (before the set-up).
        stats.sample();
        thread = new Thread(this::loop, "loadtest-progress");
        thread.setDaemon(true);
        thread.start();
    }

    void phase(final String name, final double rate)
    {
        phase = name;
        targetRate = rate;
    }

    private void loop()
    {
        long next = startNanos + TimeUnit.SECONDS.toNanos(1);
        while (running)
        {
            final long wait = next - System.nanoTime();
            if (wait > 0)
            {
                LockSupport.parkNanos(wait);
                continue;
            }
            next += TimeUnit.SECONDS.toNanos(1);
            report();
        }
    }

    private synchronized void report()
    {
        final LatencyStats.Interval interval = stats.sample();
        final double seconds = interval.nanos() / 1e9;
        final double p50 = interval.latency().getValueAtPercentile(50) / 1000.0;
        final double p99 = interval.latency().getValueAtPercentile(99) / 1000.0;
        final double max = interval.latency().getMaxValue() / 1000.0;
        long errors = 0;
        final StringBuilder codes = new StringBuilder();
        for (int code = 1; code < Codes.COUNT; code++)
        {
            final long count = interval.codes()[code];
            if (count > 0)
            {
                codes.append("  ").append(Codes.name(code)).append(' ').append(count);
                errors += count;
            }
        }
        final double elapsed = (System.nanoTime() - startNanos) / 1e9;
        final Point point = new Point(elapsed, phase, targetRate, interval.sent() / seconds,
            interval.answered() / seconds, p50, p99, max, errors);
        timeline.add(point);
        out.printf("[%6.1fs] %-10s target %8.0f/s  sent %8.0f/s  answered %8.0f/s  p50 %8.3f ms  p99 %8.3f ms" +
            "  max %8.3f ms  in-flight %6d  lag-max %7.3f ms%s%n", elapsed, phase, targetRate, point.sentRate(),
            point.answeredRate(), p50, p99, max, inFlight.getAsInt(), interval.maxLagMicros() / 1000.0, codes);
    }

    synchronized List<Point> timeline()
    {
        return new ArrayList<>(timeline);
    }

    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            thread.join(2_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
