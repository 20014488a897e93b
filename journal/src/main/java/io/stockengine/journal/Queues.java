package io.stockengine.journal;

import java.nio.file.Path;

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
        return SingleChronicleQueueBuilder.single(dir.toFile())
            .rollCycle(config.rollCycle())
            .readOnly(readOnly)
            .build();
    }
}
