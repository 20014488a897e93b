package io.stockengine.loadtest;

/**
 * What to send: the generator asks for the next request at each intended start time and hands back every outcome.
 */
interface Workload
{
    /**
     * Scheduler thread: the request to start now.
     *
     * @param intendedNanos the start time the schedule gives it ({@link System#nanoTime()} clock).
     */
    Op next(long intendedNanos);

    /**
     * Any thread: the outcome of a request from {@link #next}, including one the generator could not send
     * ({@link Codes#NOT_SENT}). Must not block.
     */
    void completed(Op op, Outcome outcome);

    /** Requests that share one intended start time (a burst); 1 for an even stream. */
    default int burst()
    {
        return 1;
    }
}
