package io.stockengine.benchmarks.peers;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * What one connection saw: the latency of every answer inside the measured window, and the outcome of every answer
 * (warm-up and drain included, since the correctness check counts every reservation the engine made). It also keeps
 * the last few order ids that reserved, for the repeated-order-id probe after the run.
 * <p>
 * Not thread-safe: each connection updates its own under its own lock or on its own event loop; the totals are read
 * after every connection has drained.
 */
final class Tally
{
    static final int SAMPLE = 16;

    final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    long measured;
    /**
     * The measured answers by {@link Outcome} ordinal: {@link #measured} counts refusals as operations too, and on the
     * flash mix, once the hot SKUs sell out, most of them are.
     */
    final long[] measuredByOutcome = new long[Outcome.values().length];
    long reserved;
    long duplicates;
    long rejected;
    long overloaded;
    long errors;
    final long[] sampleIds = new long[SAMPLE];
    final int[] sampleSkus = new int[SAMPLE];
    int sampled;

    /** An answer: counted always, timed only when it came inside the measured window. */
    void answered(final Outcome outcome, final long orderId, final int sku, final long sentNanos, final long nowNanos,
        final boolean inWindow)
    {
        if (inWindow)
        {
            measured++;
            measuredByOutcome[outcome.ordinal()]++;
            latency.recordValue(Math.min(latency.getHighestTrackableValue(), nowNanos - sentNanos));
        }
        switch (outcome)
        {
            case RESERVED ->
            {
                reserved++;
                final int slot = sampled++ % SAMPLE;
                sampleIds[slot] = orderId;
                sampleSkus[slot] = sku;
            }
            case DUPLICATE -> duplicates++;
            case REJECTED -> rejected++;
            case OVERLOADED -> overloaded++;
            case ERROR -> errors++;
        }
    }

    long measured(final Outcome outcome)
    {
        return measuredByOutcome[outcome.ordinal()];
    }

    void add(final Tally other)
    {
        latency.add(other.latency);
        measured += other.measured;
        for (int i = 0; i < measuredByOutcome.length; i++)
        {
            measuredByOutcome[i] += other.measuredByOutcome[i];
        }
        reserved += other.reserved;
        duplicates += other.duplicates;
        rejected += other.rejected;
        overloaded += other.overloaded;
        errors += other.errors;
    }

    /** How one reservation ended, in the terms every system shares. */
    enum Outcome
    {
        /** Reserved now. */
        RESERVED,
        /** The order id had reserved before: answered without reserving again. */
        DUPLICATE,
        /** Not enough stock left. */
        REJECTED,
        /** The engine's ring was full; nothing applied. */
        OVERLOADED,
        /** Anything else: a refusal that should not happen, a lost connection, a timeout. */
        ERROR
    }
}
