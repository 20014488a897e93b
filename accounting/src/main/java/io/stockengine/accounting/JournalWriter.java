package io.stockengine.accounting;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import io.stockengine.engine.CommandFiller;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.PipelineConfig;
import io.stockengine.journal.JournalConfig;
import io.stockengine.journal.JournaledEngine;

/**
 * Writes a journal the real way: the journaled engine (Disruptor pipeline, Chronicle group commits) runs an
 * {@link AccountingWorkload}, publishing as fast as the ring takes commands. For the tests and {@link AccountingLoad}.
 */
final class JournalWriter
{
    private static final CommandFiller<JournalWriter> FILLER = (command, writer) ->
    {
        writer.workload.fill(writer.next, command);
        if (writer.next == writer.last)
        {
            command.callback = done -> writer.answered.countDown();
        }
    };

    private final AccountingWorkload workload;
    /** Counted down when the last command is answered: replies come in order, so every command is journaled. */
    private final CountDownLatch answered = new CountDownLatch(1);
    private long last;
    private long next;
    private long clock = AccountingWorkload.BASE_TIME;

    private JournalWriter(final AccountingWorkload workload)
    {
        this.workload = workload;
    }

    /**
     * Runs commands {@code from..to} of the workload through a journaled engine on {@code config} (recovering what
     * the journal holds first) and closes it.
     *
     * @param progress told the number of commands published, every million; may be null.
     * @return the journal's last seq.
     */
    static long write(final JournalConfig config, final AccountingWorkload workload, final long from, final long to,
        final LongConsumer progress)
    {
        final JournalWriter writer = new JournalWriter(workload);
        writer.last = to;
        final JournaledEngine engine = JournaledEngine.open(config, new EngineConfig(),
            new PipelineConfig().ringSize(1 << 14).tickIntervalMillis(0).clock(() -> writer.clock), line -> { });
        try
        {
            for (long i = from; i <= to; i++)
            {
                writer.next = i;
                writer.clock = workload.time(i);
                while (!engine.pipeline().tryPublish(FILLER, writer))
                {
                    Thread.yield();
                }
                if (progress != null && i % 1_000_000 == 0)
                {
                    progress.accept(i);
                }
            }
            // Closing right after publishing is not enough: EnginePipeline.close() drops the backlog of processors
            // whose threads have not started yet (Disruptor.shutdown() skips them), so wait for the last answer.
            if (from <= to && !writer.answered.await(10, TimeUnit.MINUTES))
            {
                throw new IllegalStateException("the engine did not answer the last command within 10 minutes");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the journal", ex);
        }
        finally
        {
            engine.close();
        }
        if (engine.pipeline().internalErrors() > 0 || engine.pipeline().journalFailed())
        {
            throw new IllegalStateException("the engine failed while writing the journal: " +
                engine.pipeline().lastError());
        }
        return engine.journal().lastSeq();
    }
}
