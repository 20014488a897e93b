package io.stockengine.benchmarks.peers;

import java.util.concurrent.TimeUnit;

/**
 * One closed-loop run against the engine: {@code connections} connections, each keeping {@code depth} reservations
 * outstanding (a new one leaves as soon as one is answered) for the warm-up and then the measured duration.
 */
record RunSpec(String host, int tcpPort, int httpPort, Workload workload, int skus, int connections, int depth,
    double warmupSeconds, double durationSeconds, long seed, int clientThreads)
{
    RunSpec
    {
        if (connections < 1 || depth < 1 || skus < Workload.HOT_SKUS || durationSeconds <= 0 || warmupSeconds < 0 ||
            clientThreads < 1)
        {
            throw new IllegalArgumentException("connections, depth and client threads >= 1, skus >= " +
                Workload.HOT_SKUS + ", duration > 0, warm-up >= 0");
        }
    }

    /** The measured window, from now: warm-up first, then the duration. */
    Window startWindow()
    {
        final long from = System.nanoTime() + (long)(warmupSeconds * TimeUnit.SECONDS.toNanos(1));
        return new Window(from, from + (long)(durationSeconds * TimeUnit.SECONDS.toNanos(1)));
    }

    /** How long the drain after the window may take before the run is declared stuck. */
    long drainTimeoutMillis()
    {
        return (long)((warmupSeconds + durationSeconds) * 1000) + TimeUnit.SECONDS.toMillis(60);
    }

    /** When answers count: from the end of the warm-up to the end of the run; new requests stop at the end. */
    record Window(long measureFromNanos, long measureUntilNanos)
    {
        boolean measured(final long nowNanos)
        {
            return nowNanos >= measureFromNanos && nowNanos < measureUntilNanos;
        }

        boolean running(final long nowNanos)
        {
            return nowNanos < measureUntilNanos;
        }
    }
}
