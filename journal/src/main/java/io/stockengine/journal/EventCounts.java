package io.stockengine.journal;

import java.util.Map;
import java.util.TreeMap;

/**
 * Counts events by type and by day of engine time (UTC), and notes the first and last seq and the earliest and latest
 * engine time seen: what {@code verify} summarises and {@code stats} tabulates.
 * <p>
 * Threading: one thread.
 */
final class EventCounts extends AbstractEventSink
{
    static final long DAY_MILLIS = 86_400_000L;

    private final Map<Long, long[]> byDay = new TreeMap<>();
    private final long[] total = new long[EventType.MAX_ENGINE_TYPE + 1];
    private long currentDay = Long.MIN_VALUE;
    private long[] current;
    private long events;
    private long firstSeq;
    private long lastSeq;
    private long minTime = Long.MAX_VALUE;
    private long maxTime = Long.MIN_VALUE;
    private final long from;
    private final long to;

    /** Counts every event. */
    EventCounts()
    {
        this(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** Counts the events of engine time {@code from} (inclusive) to {@code to} (exclusive), epoch ms. */
    EventCounts(final long from, final long to)
    {
        this.from = from;
        this.to = to;
    }

    @Override
    protected void onEvent(final int type, final long seq)
    {
        if (timestamp() < from || timestamp() >= to)
        {
            return;
        }
        final long day = Math.floorDiv(timestamp(), DAY_MILLIS);
        if (day != currentDay)
        {
            currentDay = day;
            current = byDay.computeIfAbsent(day, d -> new long[EventType.MAX_ENGINE_TYPE + 1]);
        }
        current[type]++;
        total[type]++;
        events++;
        if (firstSeq == 0)
        {
            firstSeq = seq;
        }
        lastSeq = seq;
        minTime = Math.min(minTime, timestamp());
        maxTime = Math.max(maxTime, timestamp());
    }

    /** Counts per type (indexed by {@link EventType}) of each day (days since the epoch, UTC), in day order. */
    Map<Long, long[]> byDay()
    {
        return byDay;
    }

    long total(final int type)
    {
        return total[type];
    }

    long events()
    {
        return events;
    }

    long firstSeq()
    {
        return firstSeq;
    }

    long lastSeq()
    {
        return lastSeq;
    }

    long minTime()
    {
        return minTime;
    }

    long maxTime()
    {
        return maxTime;
    }
}
