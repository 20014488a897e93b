package io.stockengine.loadtest;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
    /**
     * Requests that ran out of attempts without one answer from the engine among them: past this many the target
     * is not an engine answering this protocol (a wrong port, a server gone), and waiting for the rest would take
     * minutes to say so.
     */
    private static final int GIVE_UP_AFTER = 64;

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
        final AtomicInteger answered = new AtomicInteger();
        final AtomicInteger unanswered = new AtomicInteger();
        final AtomicReference<Outcome> lastUnanswered = new AtomicReference<>();
        try
        {
            for (int i = 0; i < ops.size(); i++)
            {
                if (!permits.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS))
                {
                    throw new IllegalStateException("no answers from the server for " + timeoutMillis + " ms");
                }
                requireAnswers(answered, unanswered, lastUnanswered);
                send(target, ops.get(i), i, 1, next, outcomes, done, permits, retries, answered, unanswered,
                    lastUnanswered);
            }
            final long deadline = System.currentTimeMillis() + timeoutMillis;
            while (!done.await(100, TimeUnit.MILLISECONDS))
            {
                requireAnswers(answered, unanswered, lastUnanswered);
                if (System.currentTimeMillis() > deadline)
                {
                    throw new IllegalStateException(done.getCount() + " requests still unanswered after " +
                        timeoutMillis + " ms");
                }
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

    private static void requireAnswers(final AtomicInteger answered, final AtomicInteger unanswered,
        final AtomicReference<Outcome> lastUnanswered)
    {
        if (answered.get() == 0 && unanswered.get() >= GIVE_UP_AFTER)
        {
            final Outcome last = lastUnanswered.get();
            throw new IllegalStateException("the server answered none of " + unanswered.get() + " requests, each " +
                "tried " + ATTEMPTS + " times (the last: " + (last == null ? "?" : Codes.name(last.code)) + "): is " +
                "it running, and is the port the one for this protocol (--tcp-port binary, --http-port HTTP)?");
        }
    }

    private static void send(final Target target, final Op op, final int index, final int attempt,
        final AtomicInteger next, final AtomicReferenceArray<Outcome> outcomes, final CountDownLatch done,
        final Semaphore permits, final ScheduledExecutorService retries, final AtomicInteger answered,
        final AtomicInteger unanswered, final AtomicReference<Outcome> lastUnanswered)
    {
        final int connection = Math.floorMod(next.getAndIncrement(), target.connections());
        target.send(connection, op, (sent, outcome) ->
        {
            final boolean noAnswer = Codes.notApplied(outcome.code) || Codes.isUnknown(outcome.code);
            if (noAnswer && attempt < ATTEMPTS)
            {
                retries.schedule(() -> send(target, op.copy(), index, attempt + 1, next, outcomes, done, permits,
                    retries, answered, unanswered, lastUnanswered), RETRY_PAUSE_MILLIS * attempt,
                    TimeUnit.MILLISECONDS);
                return;
            }
            if (noAnswer)
            {
                lastUnanswered.set(outcome);
                unanswered.incrementAndGet();
            }
            else
            {
                answered.incrementAndGet();
            }
            outcomes.set(index, outcome);
            permits.release();
            done.countDown();
        });
    }
}
