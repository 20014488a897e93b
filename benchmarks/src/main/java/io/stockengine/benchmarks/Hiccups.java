package io.stockengine.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * What the machine itself does to a thread that never waits: N threads spin reading the clock, and every gap
 * between two consecutive reads longer than a microsecond is a moment the thread did not run (preempted by another
 * thread, an interrupt, the hypervisor). No engine code runs here, so these gaps are the floor under any
 * latency figure measured on this machine with that many busy threads.
 * <p>
 * Reports, per thread, the gaps' distribution and the share of time lost to gaps over 20 us; and what a command
 * arriving at a uniformly random moment would wait for the thread to come back (the time-weighted tail), which
 * is what a p99 of the pipeline's latency would see from the machine alone.
 * <p>
 * Usage: {@code java -cp benchmarks/target/benchmarks.jar io.stockengine.benchmarks.Hiccups [--threads 2]
 * [--seconds 20]}
 */
public final class Hiccups
{
    private static final long GAP_NANOS = 1_000;
    private static final long BUDGET_NANOS = 20_000;

    private Hiccups()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        int threads = 2;
        int seconds = 20;
        final Flags flags = new Flags("Hiccups", "Hiccups [--threads N] [--seconds N]", args);
        for (String flag = flags.nextFlag(); flag != null; flag = flags.nextFlag())
        {
            switch (flag)
            {
                case "--threads" -> threads = flags.intNumber(flag, 1);
                case "--seconds" -> seconds = flags.intNumber(flag, 1);
                default -> throw flags.unknown(flag);
            }
        }
        final Spinner[] spinners = new Spinner[threads];
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (int i = 0; i < threads; i++)
        {
            spinners[i] = new Spinner(end);
            spinners[i].setName("spinner-" + i);
            spinners[i].start();
        }
        for (final Spinner spinner : spinners)
        {
            spinner.join();
        }
        System.out.printf("%d spinning thread(s), %d s, gaps > %d us between consecutive clock reads%n", threads,
            seconds, GAP_NANOS / 1000);
        for (final Spinner s : spinners)
        {
            final Histogram g = s.gaps;
            System.out.printf("%s: %,d gaps, p50=%.1f p99=%.1f max=%.1f us; time lost to gaps over %d us: %.2f%%; " +
                "a random moment waits: p99=%.1f us p99.9=%.1f us%n", s.getName(), g.getTotalCount(),
                g.getValueAtPercentile(50) / 1000.0, g.getValueAtPercentile(99) / 1000.0, g.getMaxValue() / 1000.0,
                BUDGET_NANOS / 1000, 100.0 * s.lostOverBudget / s.elapsed,
                waitAtRandomMoment(g, s.elapsed, 0.99) / 1000.0,
                waitAtRandomMoment(g, s.elapsed, 0.999) / 1000.0);
        }
    }

    /**
     * The wait a moment chosen uniformly at random sees before the thread runs again: inside a gap of length g
     * it waits up to g, so P(wait > w) = sum over gaps longer than w of (g - w), divided by the run's length.
     * Walking the gaps from the longest down, that sum is S - C * w (S their total length, C their count); the
     * quantile q is the w where it equals (1 - q) of the run.
     */
    static long waitAtRandomMoment(final Histogram gaps, final long elapsed, final double q)
    {
        final double tail = (1 - q) * elapsed;
        final List<long[]> buckets = new ArrayList<>();
        for (final HistogramIterationValue v : gaps.recordedValues())
        {
            buckets.add(new long[] {v.getValueIteratedTo(), v.getCountAtValueIteratedTo()});
        }
        double sum = 0;
        double count = 0;
        for (int i = buckets.size() - 1; i >= 0; i--)
        {
            sum += (double)buckets.get(i)[0] * buckets.get(i)[1];
            count += buckets.get(i)[1];
            final long below = i > 0 ? buckets.get(i - 1)[0] : 0;
            final double w = (sum - tail) / count;
            if (w >= below)
            {
                return (long)w;
            }
        }
        return 0;
    }

    private static final class Spinner extends Thread
    {
        private final long end;
        private final Histogram gaps = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        private long lostOverBudget;
        private long elapsed;

        Spinner(final long end)
        {
            this.end = end;
        }

        @Override
        public void run()
        {
            final long start = System.nanoTime();
            long last = start;
            while (last < end)
            {
                final long now = System.nanoTime();
                final long gap = now - last;
                if (gap > GAP_NANOS)
                {
                    gaps.recordValue(Math.min(gap, gaps.getHighestTrackableValue()));
                    if (gap > BUDGET_NANOS)
                    {
                        lostOverBudget += gap;
                    }
                }
                last = now;
            }
            elapsed = last - start;
        }
    }
}
