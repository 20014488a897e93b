package io.stockengine.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HiccupsTest
{
    private static final long MS = 1_000_000;

    private static Histogram gaps(final long... nanos)
    {
        final Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        for (final long gap : nanos)
        {
            h.recordValue(gap);
        }
        return h;
    }

    @Test
    void shouldWeighAGapByTheTimeItCovers()
    {
        // One 1-ms gap in a 100-ms run: a random moment falls in it 1% of the time, and waits over w with
        // probability (1 ms - w) / 100 ms. So the p99 is 0 and the p99.9 is 0.9 ms (to the histogram's 0.1%).
        final Histogram one = gaps(MS);
        assertEquals(0, Hiccups.waitAtRandomMoment(one, 100 * MS, 0.99), 0.001 * MS);
        assertEquals(0.9 * MS, Hiccups.waitAtRandomMoment(one, 100 * MS, 0.999), 0.001 * MS);
    }

    @Test
    void shouldLetLongGapsSetTheTailOverManyShortOnes()
    {
        // 1,000 gaps of 10 us (10 ms in all) and one of 5 ms in a 1-s run. Over 10 us only the long gap counts:
        // (5 ms - w) / 1 s = 0.1% at w = 4 ms. At the p99 the short gaps count too.
        final long[] values = new long[1001];
        Arrays.fill(values, 10_000);
        values[1000] = 5 * MS;
        final Histogram h = gaps(values);
        assertEquals(4 * MS, Hiccups.waitAtRandomMoment(h, 1_000 * MS, 0.999), 0.005 * MS);
        // At the p99 (10 ms of tail): 5 ms - w + 1000 * (10 us - w) = 10 ms gives w = 5 ms / 1001, under 10 us.
        assertEquals(5 * MS / 1001.0, Hiccups.waitAtRandomMoment(h, 1_000 * MS, 0.99), 100);
    }

    @Test
    void shouldBeZeroWithoutGaps()
    {
        assertEquals(0, Hiccups.waitAtRandomMoment(gaps(), 100 * MS, 0.999));
        assertEquals(0, Hiccups.waitAtRandomMoment(gaps(), 100 * MS, 0.99));
    }
}
