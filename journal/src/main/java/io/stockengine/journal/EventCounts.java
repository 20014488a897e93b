package io.stockengine.journal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts events by type and by day of engine time (UTC, or a zone's), and notes the first and last seq and the earliest and latest
 * engine time seen: what {@code verify} summarises and {@code stats} tabulates.
 * <p>
 * Threading: one thread.
 */
final class EventCounts extends AbstractEventSink
{
    private final Map<Long, long[]> byDay = new TreeMap<>();
    private final long[] total = new long[EventType.MAX_ENGINE_TYPE + 1];
    private long[] current;
    private long events;
    private long firstSeq;
    private long lastSeq;
    private long minTime = Long.MAX_VALUE;
    private long maxTime = Long.MIN_VALUE;
    private final long from;
    private final long to;
    private final ZoneId zone;
    /** The engine time the current day starts and the next one does, epoch ms: a zone's day is not always 24 h. */
    private long dayStart = Long.MAX_VALUE;
    private long dayEnd = Long.MIN_VALUE;

    /** Counts every event, by UTC day. */
    EventCounts()
    {
        this(Long.MIN_VALUE, Long.MAX_VALUE, ZoneOffset.UTC);
    }

    /**
     * Counts the events of engine time {@code from} (inclusive) to {@code to} (exclusive), epoch ms, by day in
     * {@code zone}.
     */
    EventCounts(final long from, final long to, final ZoneId zone)
    {
        this.from = from;
        this.to = to;
        this.zone = zone;
    }

    @Override
    protected void onEvent(final int type, final long seq)
    {
        final long time = timestamp();
        if (time < from || time >= to)
        {
            return;
        }
        if (time < dayStart || time >= dayEnd)
        {
            final LocalDate date = Instant.ofEpochMilli(time).atZone(zone).toLocalDate();
            dayStart = date.atStartOfDay(zone).toInstant().toEpochMilli();
            dayEnd = date.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
            current = byDay.computeIfAbsent(date.toEpochDay(), d -> new long[EventType.MAX_ENGINE_TYPE + 1]);
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
