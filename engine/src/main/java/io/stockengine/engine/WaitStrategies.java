package io.stockengine.engine;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

import java.util.concurrent.TimeUnit;

/**
 * Wait strategies by name. The default, {@code sleeping}, spins briefly, yields, then parks: on a 2-core machine a
 * busy-spinning handler would starve the IO threads and the journal.
 */
public final class WaitStrategies
{
    public static final String DEFAULT = "sleeping";
    /** backoff: spin this long after the last event (a burst's next command is usually this close behind)... */
    private static final long BACKOFF_SPIN_MICROS = 10;
    /** ...then yield this long, then block on a lock the publisher signals only when someone sleeps on it. */
    private static final long BACKOFF_YIELD_MICROS = 200;
    /**
     * parking: a few yields, then park. Measured at 100,000 commands/s through the journaled pipeline (JournalLoad):
     * half the CPU of sleeping (1.0 core against 1.9, which spends most of it in sched_yield) for the same p99 and
     * about 100 us more at the median, as each stage sleeps through a timer tick it would have yielded through.
     */
    private static final int PARKING_YIELDS = 10;
    private static final long PARKING_NANOS = 20_000;

    private WaitStrategies()
    {
    }

    public static WaitStrategy create(final String name)
    {
        switch (name)
        {
            case "blocking":
                return new BlockingWaitStrategy();
            case "sleeping":
                return new SleepingWaitStrategy();
            case "backoff":
                return PhasedBackoffWaitStrategy.withLiteLock(BACKOFF_SPIN_MICROS, BACKOFF_YIELD_MICROS,
                    TimeUnit.MICROSECONDS);
            case "parking":
                return new SleepingWaitStrategy(PARKING_YIELDS, PARKING_NANOS);
            case "yielding":
                return new YieldingWaitStrategy();
            case "busy-spin":
                return new BusySpinWaitStrategy();
            default:
                throw new IllegalArgumentException(
                    "unknown wait strategy '" + name + "': use sleeping, parking, backoff, blocking, yielding or busy-spin");
        }
    }
}
