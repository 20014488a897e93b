package io.stockengine.loadtest;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Sends a list of requests as fast as the target takes them, with a bounded window, and waits for every outcome:
 * the catalogue set-up before a run and the queries of the reconciliation after it. Only requests that are safe to
 * repeat go through here (queries, policies, keyed movements), so one that was refused for load or got no answer
 * is sent again, a few times, after a pause.
 */
final class Bulk
{
    private static final int ATTEMPTS = 5;
    private static final long RETRY_PAUSE_MILLIS = 200;

    private Bulk()
    {
    }

    static Outcome[] sendAll(final Target target, final List<Op> ops, final int window, final long timeoutMillis)
        throws InterruptedException
    {
        final AtomicReferenceArray<Outcome> outcomes = new AtomicReferenceArray<>(ops.size());
        final CountDownLatch done = new CountDownLatch(ops.size());
        final Semaphore permits = new Semaphore(window);
        final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread thread = new Thread(r, "loadtest-retry");
            thread.setDaemon(true);
            return thread;
        });
        final AtomicInteger next = new AtomicInteger();
        try
        {
            for (int i = 0; i < ops.size(); i++)
            {
                if (!permits.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS))
                {
                    throw new IllegalStateException("no answers from the server for " + timeoutMillis + " ms");
                }
                send(target, ops.get(i), i, 1, next, outcomes, done, permits, retries);
            }
            if (!done.await(timeoutMillis, TimeUnit.MILLISECONDS))
            {
                throw new IllegalStateException(done.getCount() + " requests still unanswered after " +
                    timeoutMillis + " ms");
            }
        }
        finally
        {
            retries.shutdownNow();
        }
        final Outcome[] result = new Outcome[ops.size()];
        for (int i = 0; i < result.length; i++)
        {
            result[i] = outcomes.get(i);
        }
        return result;
    }

    private static void send(final Target target, final Op op, final int index, final int attempt,
        final AtomicInteger next, final AtomicReferenceArray<Outcome> outcomes, final CountDownLatch done,
        final Semaphore permits, final ScheduledExecutorService retries)
    {
        final int connection = Math.floorMod(next.getAndIncrement(), target.connections());
        target.send(connection, op, (sent, outcome) ->
        {
            if ((Codes.notApplied(outcome.code) || Codes.isUnknown(outcome.code)) && attempt < ATTEMPTS)
            {
                retries.schedule(() -> send(target, op.copy(), index, attempt + 1, next, outcomes, done, permits,
                    retries), RETRY_PAUSE_MILLIS * attempt, TimeUnit.MILLISECONDS);
                return;
            }
            outcomes.set(index, outcome);
            permits.release();
            done.countDown();
        });
    }
}
