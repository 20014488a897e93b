package io.stockengine.gateway;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import io.stockengine.engine.CommandType;
import io.stockengine.engine.ResultCode;

/**
 * Counters and latency of the gateway, shared by the HTTP and binary sides and rendered by {@code /metrics}.
 * Updated from IO threads and the reply thread: lock-free atomics and a concurrent histogram.
 */
public final class GatewayMetrics
{
    private final AtomicLongArray commands = new AtomicLongArray(CommandType.COUNT_OF_TYPES * ResultCode.COUNT_OF_CODES);
    private final Histogram latencyNanos = new ConcurrentHistogram(60_000_000_000L, 2);
    /**
     * The last minute of latencies, in six 10-s windows: quantiles since the start would keep one bad minute (a
     * start-up burst, an incident) in the p99 until the next restart. {@link #rotateLatencyWindow} moves on.
     */
    private final Histogram[] recent = new Histogram[LATENCY_WINDOWS];
    private volatile int current;

    public static final int LATENCY_WINDOWS = 6;
    public static final long LATENCY_WINDOW_SECONDS = 10;

    public GatewayMetrics()
    {
        for (int i = 0; i < recent.length; i++)
        {
            recent[i] = new ConcurrentHistogram(60_000_000_000L, 2);
        }
    }
    public final AtomicLong httpRequests = new AtomicLong();
    public final AtomicLong httpBadRequests = new AtomicLong();
    /** HTTP connections closed because a request did not arrive whole within the request timeout. */
    public final AtomicLong httpRequestTimeouts = new AtomicLong();
    public final AtomicLong binaryFrames = new AtomicLong();
    public final AtomicLong binaryProtocolErrors = new AtomicLong();
    /** Binary commands the gateway refused as INVALID_REQUEST before the engine saw them (unknown types included). */
    public final AtomicLong binaryBadRequests = new AtomicLong();
    /** Unexpected exceptions in a binary connection's pipeline (defects, not client mistakes); each closed it. */
    public final AtomicLong binaryHandlerErrors = new AtomicLong();
    /** HTTP requests whose handling failed unexpectedly (a defect, not a client mistake): answered 500. */
    public final AtomicLong httpHandlerErrors = new AtomicLong();
    public final AtomicLong openConnections = new AtomicLong();
    public final AtomicLong rejectedConnections = new AtomicLong();
    public final AtomicLong overloaded = new AtomicLong();
    /** HTTP answers the gateway failed to render (a defect; the client got a 500). */
    public final AtomicLong renderErrors = new AtomicLong();
    /** Availability-stream subscribers connected now. */
    public final AtomicLong streamSubscribers = new AtomicLong();
    /** Availability-stream events sent, one per subscriber that was sent it. */
    public final AtomicLong streamEvents = new AtomicLong();
    /** Availability changes dropped because the streams were too far behind (each followed by a resync). */
    public final AtomicLong streamDroppedChanges = new AtomicLong();

    private static int slot(final int type, final int result)
    {
        final int r = Math.min(Math.max(result, 0), ResultCode.COUNT_OF_CODES - 1);
        return Math.min(Math.max(type, 0), CommandType.COUNT_OF_TYPES - 1) * ResultCode.COUNT_OF_CODES + r;
    }

    /** Counts one answered command and its latency from arrival at the gateway to its answer. */
    public void answered(final int type, final int result, final long nanos)
    {
        commands.incrementAndGet(slot(type, result));
        if (nanos > 0)
        {
            final long value = Math.min(nanos, latencyNanos.getHighestTrackableValue());
            latencyNanos.recordValue(value);
            recent[current].recordValue(value);
        }
    }

    /**
     * Starts a new window, forgetting the oldest: called every {@link #LATENCY_WINDOW_SECONDS}. The window cleared
     * is the one written least recently (a minute ago), never the one answers are being recorded into.
     */
    public void rotateLatencyWindow()
    {
        final int next = (current + 1) % recent.length;
        recent[next].reset();
        current = next;
    }

    /** Latencies of the last minute or so (the windows kept); a copy, for a scrape. */
    public Histogram recentLatency()
    {
        final Histogram sum = new Histogram(60_000_000_000L, 2);
        for (final Histogram window : recent)
        {
            sum.add(window.copy());
        }
        return sum;
    }

    public long commands(final int type, final int result)
    {
        return commands.get(slot(type, result));
    }

    public Histogram latency()
    {
        return latencyNanos;
    }
}
