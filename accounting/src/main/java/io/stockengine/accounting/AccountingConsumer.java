package io.stockengine.accounting;

import java.nio.file.Files;
import java.util.function.BooleanSupplier;

import org.agrona.concurrent.IdleStrategy;

import io.stockengine.journal.JournalConfig;
import io.stockengine.journal.JournalCorruptedException;
import io.stockengine.journal.JournalReader;

/**
 * The accounting consumer: a named {@link JournalReader} whose {@link io.stockengine.journal.PositionStore} is the
 * {@link Ledger}, so every {@code commit()} writes the postings and the position in one transaction. Reads from the
 * journal's first event (seq 1: the ledger needs every receipt to value what leaves later) until its first commit,
 * then from where it committed.
 * <p>
 * Each poll delivers up to {@code batch} events and is committed as one transaction: thousands of events per
 * transaction is what lets the ledger keep up with the engine.
 * <p>
 * Threading: one thread.
 */
public final class AccountingConsumer implements AutoCloseable
{
    /** Events per transaction by default. */
    public static final int DEFAULT_BATCH = 50_000;

    /** Progress of a long run, reported about once a second. */
    @FunctionalInterface
    public interface Progress
    {
        void report(long events, long lastSeq, long postings, long nanos);
    }

    private final Ledger ledger;
    private final JournalReader reader;

    private AccountingConsumer(final Ledger ledger, final JournalReader reader)
    {
        this.ledger = ledger;
        this.reader = reader;
    }

    /**
     * Opens the ledger, then the journal reader positioned after the ledger's last commit.
     *
     * @throws JournalCorruptedException when a journal file is cut short or damaged at its start; checked before the
     *         ledger is opened, so that a journal that cannot be read leaves no new or migrated ledger behind.
     * @throws IllegalStateException     when there is no journal, or the ledger is past its end (another journal's).
     */
    public static AccountingConsumer open(final JournalConfig journal, final LedgerConfig config)
    {
        if (!Files.isDirectory(journal.journalDir()))
        {
            throw new IllegalStateException("there is no journal at " + journal.journalDir().toAbsolutePath() +
                ": start the engine once to create it, or point the data directory at the engine's");
        }
        final long journalEnd = JournalReader.lastSeq(journal);
        final Ledger ledger = Ledger.open(config);
        try
        {
            if (ledger.lastSeq() > journalEnd)
            {
                // The reader would only say it cannot find the ledger's excerpt; a journal never shrinks, so this is
                // the ledger of another journal, said as the reports and reconcile say it.
                throw Reconciler.aheadOfJournal(journalEnd, ledger.lastSeq());
            }
            final JournalReader reader = JournalReader.open(new JournalReader.Context()
                .config(journal)
                .consumerName(config.consumerName())
                .positionStore(ledger)
                .startFromSeq(1));
            return new AccountingConsumer(ledger, reader);
        }
        catch (final RuntimeException ex)
        {
            ledger.close();
            throw ex;
        }
    }

    public Ledger ledger()
    {
        return ledger;
    }

    public JournalReader reader()
    {
        return reader;
    }

    /**
     * Reads and commits, {@code batch} events per transaction, until the journal has nothing more for now.
     *
     * @return the number of events consumed.
     */
    public long catchUp(final int batch, final Progress progress)
    {
        final long start = System.nanoTime();
        long nextReport = start + 1_000_000_000L;
        long total = 0;
        int delivered;
        while ((delivered = reader.poll(ledger.sink(), batch)) > 0)
        {
            reader.commit();
            total += delivered;
            final long now = System.nanoTime();
            if (progress != null && now >= nextReport)
            {
                progress.report(total, reader.lastSeq(), ledger.postings(), now - start);
                nextReport = now + 1_000_000_000L;
            }
        }
        return total;
    }

    /**
     * Tails the journal, committing after every poll that delivered something, until {@code keepRunning} says stop
     * (or the thread is interrupted).
     *
     * @return the number of events consumed.
     */
    public long follow(final int batch, final IdleStrategy idle, final BooleanSupplier keepRunning,
        final Progress progress)
    {
        final long start = System.nanoTime();
        final long[] nextReport = { start + 1_000_000_000L };
        final long[] reportedSeq = { reader.lastSeq() };
        final Runnable report = () ->
        {
            final long now = System.nanoTime();
            if (progress != null && now >= nextReport[0] && reader.lastSeq() != reportedSeq[0])
            {
                progress.report(reader.events(), reader.lastSeq(), ledger.postings(), now - start);
                nextReport[0] = now + 1_000_000_000L;
                reportedSeq[0] = reader.lastSeq();
            }
        };
        // Reported from the idle loop too: once it has caught up, the seq it reached is shown within a second,
        // where a report only after a batch left the last one unshown until more events came (and a script
        // watching the lag saw it stuck short of the engine).
        final IdleStrategy reportingIdle = new IdleStrategy()
        {
            @Override
            public void idle(final int workCount)
            {
                if (workCount == 0)
                {
                    report.run();
                }
                idle.idle(workCount);
            }

            @Override
            public void idle()
            {
                idle.idle();
            }

            @Override
            public void reset()
            {
                idle.reset();
            }
        };
        return reader.follow(ledger.sink(), batch, reportingIdle, keepRunning, () ->
        {
            reader.commit();
            report.run();
        });
    }

    /** Closes the reader and the ledger; nothing is committed here (what was delivered since is read again). */
    @Override
    public void close()
    {
        try
        {
            reader.close();
        }
        finally
        {
            ledger.close();
        }
    }
}
