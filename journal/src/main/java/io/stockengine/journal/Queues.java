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
