package io.stockengine.loadtest;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the generator measured. Writers (the scheduler thread and the IO threads answering) record into HdrHistogram
 * {@link Recorder}s, which are wait-free for them; one reader at a time ({@code synchronized}) swaps out interval
 * histograms: every second for the progress line, and at the end of a phase for its totals. Values are
 * microseconds.
 * <p>
 * Three times per request: latency from the intended start (what a user of a system with this arrival rate would
 * see; the figure that counts), service time from the actual send (what a closed-loop tool would report), and the
 * generator's own lag between the two (large values mean the load generator itself could not keep up).
 */
final class LatencyStats
{
    static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
    private static final int DIGITS = 3;

    private final Recorder[] latency = new Recorder[OpKind.COUNT];
    private final Recorder service = new Recorder(HIGHEST_MICROS, DIGITS);
    private final Recorder lag = new Recorder(HIGHEST_MICROS, DIGITS);
    private final AtomicLongArray codes = new AtomicLongArray(OpKind.COUNT * Codes.COUNT);
    private final AtomicLong sent = new AtomicLong();
    private final LongAdder answered = new LongAdder();

    // Reader side, under the monitor.
    private final Histogram[] recycle = new Histogram[OpKind.COUNT];
    private Histogram recycleService;
    private Histogram recycleLag;
    private long lastSent;
    private long lastAnswered;
    private final long[] lastCodes = new long[OpKind.COUNT * Codes.COUNT];
    private long lastSampleNanos = System.nanoTime();
    private Phase phase = new Phase();

    LatencyStats()
    {
        for (int kind = 0; kind < OpKind.COUNT; kind++)
        {
            latency[kind] = new Recorder(HIGHEST_MICROS, DIGITS);
        }
    }

    /** Scheduler thread: a request left, {@code lagNanos} after its intended start. */
    void sent(final long lagNanos)
    {
        sent.incrementAndGet();
        lag.recordValue(micros(lagNanos));
    }

    /** Scheduler thread: a request was not sent (every connection full). It has no latency, only a count. */
    void notSent(final int kind)
    {
        codes.incrementAndGet(kind * Codes.COUNT + Codes.NOT_SENT);
    }

    /** Any thread: an answer (or a definite failure) arrived. */
    void answered(final int kind, final int code, final long latencyNanos, final long serviceNanos)
    {
        latency[kind].recordValue(micros(latencyNanos));
        service.recordValue(micros(serviceNanos));
        codes.incrementAndGet(kind * Codes.COUNT + code);
        answered.increment();
    }

    private static long micros(final long nanos)
    {
        return Math.min(HIGHEST_MICROS, Math.max(0, nanos / 1_000));
    }

    /** The last interval (normally a second): folded into the current phase, and returned for the progress line. */
    synchronized Interval sample()
    {
        final long now = System.nanoTime();
        final Histogram all = new Histogram(HIGHEST_MICROS, DIGITS);
        for (int kind = 0; kind < OpKind.COUNT; kind++)
        {
            recycle[kind] = latency[kind].getIntervalHistogram(recycle[kind]);
            if (recycle[kind].getTotalCount() > 0)
            {
                all.add(recycle[kind]);
                phase.perKind[kind].add(recycle[kind]);
            }
        }
        phase.all.add(all);
        recycleService = service.getIntervalHistogram(recycleService);
        phase.service.add(recycleService);
        recycleLag = lag.getIntervalHistogram(recycleLag);
        phase.lag.add(recycleLag);

        final long sentNow = sent.get();
        final long answeredNow = answered.sum();
        final long[] codeDelta = new long[Codes.COUNT];
        for (int i = 0; i < lastCodes.length; i++)
        {
            final long value = codes.get(i);
            final long delta = value - lastCodes[i];
            lastCodes[i] = value;
            codeDelta[i % Codes.COUNT] += delta;
            phase.codes[i] += delta;
        }
        final Interval interval = new Interval(now - lastSampleNanos, all, sentNow - lastSent,
            answeredNow - lastAnswered, codeDelta, recycleLag.getMaxValue());
        phase.sent += sentNow - lastSent;
        phase.answered += answeredNow - lastAnswered;
        lastSent = sentNow;
        lastAnswered = answeredNow;
        lastSampleNanos = now;
        return interval;
    }

    /**
     * Closes the current phase: everything recorded since the last phase ended (its drain included, so late answers
     * count against the phase that sent them).
     */
    synchronized Phase endPhase(final String name, final double targetRate, final long elapsedNanos)
    {
        sample();
        final Phase done = phase;
        done.name = name;
        done.targetRate = targetRate;
        done.elapsedNanos = elapsedNanos;
        phase = new Phase();
        return done;
    }

    /** A second of the run, for the progress line and the timeline. */
    record Interval(long nanos, Histogram latency, long sent, long answered, long[] codes, long maxLagMicros)
    {
    }

    /** The totals of one phase (warm-up, the run, one step). */
    static final class Phase
    {
        String name;
        double targetRate;
        /**
         * From the first intended start until the last answer (the schedule, plus the generator's lateness and the
         * drain).
         */
        long elapsedNanos;
        final Histogram all = new Histogram(HIGHEST_MICROS, DIGITS);
        final Histogram[] perKind = new Histogram[OpKind.COUNT];
        final Histogram service = new Histogram(HIGHEST_MICROS, DIGITS);
        final Histogram lag = new Histogram(HIGHEST_MICROS, DIGITS);
        final long[] codes = new long[OpKind.COUNT * Codes.COUNT];
        long sent;
        long answered;

        Phase()
        {
            for (int kind = 0; kind < OpKind.COUNT; kind++)
            {
                perKind[kind] = new Histogram(HIGHEST_MICROS, DIGITS);
            }
        }

        long count(final int kind, final int code)
        {
            return codes[kind * Codes.COUNT + code];
        }

        long count(final int code)
        {
            long total = 0;
            for (int kind = 0; kind < OpKind.COUNT; kind++)
            {
                total += count(kind, code);
            }
            return total;
        }

        long capacityErrors()
        {
            long total = 0;
            for (int code = 0; code < Codes.COUNT; code++)
            {
                if (Codes.isCapacityError(code))
                {
                    total += count(code);
                }
            }
            return total;
        }

        /** The results other than OK, by code: "INSUFFICIENT_STOCK 12, NOT_SENT 3", or "none". */
        String notOk()
        {
            final StringBuilder out = new StringBuilder();
            for (int code = 1; code < Codes.COUNT; code++)
            {
                final long count = count(code);
                if (count > 0)
                {
                    out.append(out.length() == 0 ? "" : ", ").append(Codes.name(code)).append(' ').append(count);
                }
            }
            return out.length() == 0 ? "none" : out.toString();
        }

        /** Answers per second of wall time: a system that falls behind stretches the phase and lowers this. */
        double throughput()
        {
            return elapsedNanos == 0 ? 0 : answered * 1e9 / elapsedNanos;
        }

        /** A latency percentile in milliseconds. */
        double percentileMillis(final double percentile)
        {
            return all.getTotalCount() == 0 ? 0 : all.getValueAtPercentile(percentile) / 1000.0;
        }
    }
}
