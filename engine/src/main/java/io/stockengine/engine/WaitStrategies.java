package io.stockengine.engine;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

/**
 * Wait strategies by name. The default, {@code sleeping}, spins briefly, yields, then parks: on a 2-core machine a
 * busy-spinning handler would starve the IO threads and the journal.
 */
public final class WaitStrategies
{
    public static final String DEFAULT = "sleeping";

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
            case "yielding":
                return new YieldingWaitStrategy();
            case "busy-spin":
                return new BusySpinWaitStrategy();
            default:
                throw new IllegalArgumentException(
                    "unknown wait strategy '" + name + "': use blocking, sleeping, yielding or busy-spin");
        }
    }
}
