package io.stockengine.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.InventoryState;
import io.stockengine.journal.JournalConfig;

/** A following consumer keeps up with an engine appending to the journal, and stops cleanly when told. */
@Timeout(120)
class FollowTest
{
    @TempDir
    Path dir;

    /** Waits until the ledger has committed {@code seq} (or the follower failed, or 30 s passed). */
    private static void awaitCommitted(final LedgerConfig config, final long seq, final AtomicReference<Throwable> failure)
        throws Exception
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (failure.get() == null && System.nanoTime() < deadline &&
            !TestLedgers.lines(config, "SELECT last_seq FROM consumer_position").equals(List.of(Long.toString(seq))))
        {
            Thread.sleep(20);
        }
    }

    @Test
    void shouldFollowTheEngineAsItWrites() throws Exception
    {
        final JournalConfig journal = new JournalConfig().dataDir(dir).snapshots(false).rollCycle("FAST_DAILY");
        final AccountingWorkload workload = new AccountingWorkload(11);
        final long firstSeq = JournalWriter.write(journal, workload, 1, 1_000, null);
        final LedgerConfig config = TestLedgers.h2();
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Long> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        final long lastSeq;
        try (AccountingConsumer consumer = AccountingConsumer.open(journal, config))
        {
            final Thread follower = new Thread(() ->
            {
                try
                {
                    consumer.follow(2_000, new SleepingMillisIdleStrategy(1), running::get,
                        (events, seq, postings, nanos) -> reported.add(seq));
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            }, "follower");
            follower.start();
            awaitCommitted(config, firstSeq, failure);
            lastSeq = JournalWriter.write(journal, workload, 1_001, 5_000, null);
            awaitCommitted(config, lastSeq, failure);
            // Caught up and idle: the seq it reached is reported within a second or so, not only after more events.
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (!reported.contains(lastSeq) && System.nanoTime() < deadline)
            {
                Thread.sleep(20);
            }
            assertEquals(lastSeq, reported.get(reported.size() - 1), "reported at last: " + reported);
            running.set(false);
            follower.join(10_000);
            assertEquals(null, failure.get());
            assertEquals(lastSeq, consumer.ledger().lastSeq(), "caught up with the engine");
            assertTrue(consumer.ledger().commits() > 1, "committed as it went");
        }
        try (LedgerReports reports = LedgerReports.open(config))
        {
            assertEquals(lastSeq, reports.ledgerSeq());
            final Reconciler.Result result = Reconciler.reconcile(reports,
                Reconciler.replay(journal, new InventoryState(new EngineConfig()), lastSeq));
            assertTrue(result.clean(), () -> result.differences().toString());
        }
    }
}
