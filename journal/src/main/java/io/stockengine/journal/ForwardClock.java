package io.stockengine.journal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import net.openhft.chronicle.core.time.TimeProvider;

/**
 * The wall clock Chronicle picks the cycle file to write by, never going back. Chronicle closes a cycle's file with
 * an end-of-file mark when it rolls; a clock stepped back across the roll (NTP correcting a resumed VM, an operator)
 * made it write into that closed file, which it refuses for good (WriteAfterEOFException): the journal stopped and
 * every command after it was refused, until the clock caught up, a black-box tester found. Held at the latest time
 * seen, and at the start of the newest cycle on disk, the journal keeps writing into the newest cycle instead; the
 * engine's own time never came from this clock.
 */
final class ForwardClock implements TimeProvider
{
    private final LongSupplier wallClock;
    private final AtomicLong latest = new AtomicLong(Long.MIN_VALUE);

    ForwardClock(final LongSupplier wallClock)
    {
        this.wallClock = wallClock;
    }

    /** Never earlier than {@code millis} from now on (the start of the newest cycle on disk). */
    void notBefore(final long millis)
    {
        latest.accumulateAndGet(millis, Math::max);
    }

    @Override
    public long currentTimeMillis()
    {
        final long wall = wallClock.getAsLong();
        final long seen = latest.get();
        // A write only when the clock moved on, which is once a millisecond at most: Chronicle asks on every append.
        return wall > seen ? latest.accumulateAndGet(wall, Math::max) : seen;
    }
}
