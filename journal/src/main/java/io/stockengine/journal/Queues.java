package io.stockengine.journal;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * Opens the journal's Chronicle queue the same way everywhere (writer, recovery, readers, tools).
 */
public final class Queues
{
    private Queues()
    {
    }

    public static SingleChronicleQueue open(final Path dir, final JournalConfig config, final boolean readOnly)
    {
        return open(dir, config, readOnly, System::currentTimeMillis);
    }

    /**
     * Opens a journal read-only for a reader that is not the engine (a consumer, a tool), after the checks without
     * which reading goes wrong: a cycle file whose first header is damaged (random bytes, a zeroed page) reads as
     * an empty journal, and one cut short faults the JVM when the mapping passes its end.
     *
     * @throws JournalCorruptedException naming the damaged or cut files and what to do.
     */
    public static SingleChronicleQueue openForReading(final JournalConfig config)
    {
        JournalFiles.requireReadableHeaders(config.journalDir(), false, true, line -> { });
        final SingleChronicleQueue queue = open(config.journalDir(), config, true);
        try
        {
            JournalFiles.requireWhole(queue, true);
        }
        catch (final RuntimeException ex)
        {
            queue.close();
            throw ex;
        }
        return queue;
    }

    /** As above; a queue opened to write picks its cycle by {@code wallClock}, held so it never goes back. */
    static SingleChronicleQueue open(final Path dir, final JournalConfig config, final boolean readOnly,
        final LongSupplier wallClock)
    {
        final SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder.single(dir.toFile())
            .rollCycle(config.rollCycle())
            .readOnly(readOnly);
        if (readOnly)
        {
            return builder.build();
        }
        final ForwardClock clock = new ForwardClock(wallClock);
        final SingleChronicleQueue queue = builder.timeProvider(clock).build();
        final int newest = queue.lastCycle();
        if (newest > 0)
        {
            // The queue's epoch, not the builder's: a builder left at 0 takes the roll cycle's own (WEEKLY's is a Sunday).
            clock.notBefore(queue.epoch() + (long)newest * queue.rollCycle().lengthInMillis());
        }
        return queue;
    }
}
