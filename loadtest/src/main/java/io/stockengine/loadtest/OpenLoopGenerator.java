package io.stockengine.loadtest;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The open-loop generator: requests start on a fixed schedule (request {@code i} of a phase at
 * {@code start + i / rate}, or in bursts of {@link Workload#burst()} sharing one start), whatever the system under
 * test is doing. Each request's latency is measured from its intended start, so a stall of the server, the network
 * or the generator itself shows in full in the percentiles instead of being hidden by requests that were never
 * sent (coordinated omission).
 * <p>
 * The scheduler runs on the caller's thread; answers arrive on the target's IO threads. When the system falls
 * behind, requests keep starting on schedule. Memory stays bounded: a connection holds at most
 * {@code maxInFlight} requests (sent, or waiting in the client for the wire); a request that finds every connection
 * full is not sent and counts as {@link Codes#NOT_SENT}. Such a run is over capacity by definition: the percentiles
 * describe the requests that were sent, and the step mode fails a step where more than a small share of the
 * requests were not sent, refused for load or lost.
 * <p>
 * Connections: over a pipelined target the requests that fall due in one wake-up of the scheduler leave together on
 * one connection (the client batches them into one write, as a real pipelining client under load would) and the
 * next wake-up takes the next connection; over HTTP one request at a time, each request takes the connection with
 * the fewest outstanding, as a connection pool hands out an idle one.
 */
final class OpenLoopGenerator
{
    /**
     * A wait longer than this parks the scheduler (waking a margin early, since parking overshoots by tens of
     * microseconds on Linux); a shorter one yields.
     */
    private static final long PARK_THRESHOLD_NANOS = 100_000;
    private static final long PARK_MARGIN_NANOS = 50_000;
    /** Requests that are due together go to one connection, but no more than this many in a row. */
    private static final int MAX_RUN_PER_CONNECTION = 64;

    private final Target target;
    private final Workload workload;
    private final LatencyStats stats;
    private final int maxInFlight;
    private final AtomicIntegerArray inFlight;
    private final AtomicInteger totalInFlight = new AtomicInteger();
    private final Target.Completion completion = this::onCompleted;
    private final boolean pipelined;
    private int connection;
    private int runOnConnection;
    private boolean waited = true;

    OpenLoopGenerator(final Target target, final Workload workload, final LatencyStats stats, final int maxInFlight)
    {
        this.target = target;
        this.workload = workload;
        this.stats = stats;
        this.maxInFlight = maxInFlight;
        this.inFlight = new AtomicIntegerArray(target.connections());
        this.pipelined = target.pipelined();
    }

    int inFlight()
    {
        return totalInFlight.get();
    }

    /**
     * Issues requests at {@code rate} per second for {@code durationNanos}, on the calling thread; returns when the
     * last one has been issued (answers may still be outstanding: see {@link #drain}).
     *
     * @return the number of requests scheduled.
     */
    long run(final double rate, final long durationNanos)
    {
        final int burst = Math.max(1, workload.burst());
        final double burstPeriodNanos = burst * 1e9 / rate;
        final long start = System.nanoTime();
        long scheduled = 0;
        while (true)
        {
            final long intended = start + (long)((scheduled / burst) * burstPeriodNanos);
            if (intended - start >= durationNanos)
            {
                return scheduled;
            }
            final long wait = intended - System.nanoTime();
            if (wait > PARK_THRESHOLD_NANOS)
            {
                LockSupport.parkNanos(wait - PARK_MARGIN_NANOS);
                waited = true;
                continue;
            }
            if (wait > 0)
            {
                // Close to the start time: give the core away rather than spin, the server shares it.
                Thread.yield();
                waited = true;
                continue;
            }
            // Late (or on time): issue it now, stamped with its intended start; a late scheduler shows as latency.
            issue(intended);
            scheduled++;
        }
    }

    private void issue(final long intended)
    {
        final Op op = workload.next(intended);
        if (op == null)
        {
            return;
        }
        op.intendedNanos = intended;
        final int connections = inFlight.length();
        if (!pipelined)
        {
            issueToLeastLoaded(op, intended, connections);
            return;
        }
        if (waited || runOnConnection >= MAX_RUN_PER_CONNECTION)
        {
            // The requests that fall due in one wake-up of the scheduler leave on one connection, as a pipelining
            // client would batch them; the next wake-up uses the next connection, so all of them carry load.
            waited = false;
            runOnConnection = 0;
            connection = connection + 1 == connections ? 0 : connection + 1;
        }
        for (int tries = 0; tries < connections; tries++)
        {
            if (inFlight.get(connection) < maxInFlight)
            {
                runOnConnection++;
                send(connection, op, intended);
                return;
            }
            runOnConnection = 0;
            connection = connection + 1 == connections ? 0 : connection + 1;
        }
        notSent(op);
    }

    /** One request at a time per connection: the one with the fewest outstanding (ties taken in rotation). */
    private void issueToLeastLoaded(final Op op, final long intended, final int connections)
    {
        connection = connection + 1 == connections ? 0 : connection + 1;
        int best = -1;
        int least = maxInFlight;
        for (int i = 0, c = connection; i < connections; i++, c = c + 1 == connections ? 0 : c + 1)
        {
            final int outstanding = inFlight.get(c);
            if (outstanding < least)
            {
                least = outstanding;
                best = c;
                if (outstanding == 0)
                {
                    break;
                }
            }
        }
        if (best < 0)
        {
            notSent(op);
            return;
        }
        send(best, op, intended);
    }

    private void send(final int connection, final Op op, final long intended)
    {
        inFlight.incrementAndGet(connection);
        totalInFlight.incrementAndGet();
        op.connection = connection;
        op.sentNanos = System.nanoTime();
        stats.sent(op.sentNanos - intended);
        target.send(connection, op, completion);
    }

    private void notSent(final Op op)
    {
        stats.notSent(op.kind);
        workload.completed(op, Outcome.of(Codes.NOT_SENT));
    }

    private void onCompleted(final Op op, final Outcome outcome)
    {
        final long now = System.nanoTime();
        if (outcome.code == Codes.NOT_SENT)
        {
            stats.notSent(op.kind);
        }
        else
        {
            stats.answered(op.kind, outcome.code, now - op.intendedNanos, now - op.sentNanos);
        }
        try
        {
            workload.completed(op, outcome);
        }
        finally
        {
            // Last: once the count is zero, everything the workload learnt from the answers is in place.
            inFlight.decrementAndGet(op.connection);
            totalInFlight.decrementAndGet();
        }
    }

    /** Waits until every request sent has its outcome, up to the timeout; returns whether it got there. */
    boolean drain(final long timeoutNanos)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        while (totalInFlight.get() > 0)
        {
            if (System.nanoTime() - deadline > 0)
            {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }
}
