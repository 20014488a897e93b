package io.stockengine.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * A wall clock stepped back across a roll, while running and across a restart, must not stop the journal: Chronicle
 * refuses to write into a cycle it has closed (a black-box tester's journal stopped for good at a VM's clock step).
 */
@Timeout(60)
class ForwardClockTest
{
    private static final long DAY = 86_400_000L;
    /** 2026-11-22T23:59:00Z: a minute before a daily roll. */
    private static final long BEFORE_MIDNIGHT = 20_414L * DAY - 60_000L;

    @TempDir
    Path dir;

    @Test
    void shouldKeepWritingIntoTheNewestCycleWhenTheClockStepsBackAcrossARoll()
    {
        final JournalConfig config = TestJournal.config(dir);
        final long[] wall = { BEFORE_MIDNIGHT };
        try (SingleChronicleQueue queue = Queues.open(config.journalDir(), config, false, () -> wall[0]);
             ExcerptAppender appender = queue.createAppender())
        {
            appender.writeText("before midnight");
            wall[0] = BEFORE_MIDNIGHT + 120_000L;
            appender.writeText("after midnight");
            assertEquals(2, cycles(queue), "the roll happened");
            wall[0] = BEFORE_MIDNIGHT;
            appender.writeText("clock stepped back");
        }
        try (SingleChronicleQueue queue = Queues.open(config.journalDir(), config, false, () -> wall[0] - 3_600_000L);
             ExcerptAppender appender = queue.createAppender())
        {
            appender.writeText("restarted with the clock an hour behind");
        }
        try (SingleChronicleQueue queue = Queues.open(config.journalDir(), config, true))
        {
            final List<String> read = new ArrayList<>();
            final ExcerptTailer tailer = queue.createTailer();
            String text;
            while ((text = tailer.readText()) != null)
            {
                read.add(text);
            }
            assertEquals(List.of("before midnight", "after midnight", "clock stepped back",
                "restarted with the clock an hour behind"), read);
            assertEquals(2, cycles(queue), "nothing went back to the closed cycle, and no new one was made");
        }
    }

    private static int cycles(final SingleChronicleQueue queue)
    {
        return queue.lastCycle() - queue.firstCycle() + 1;
    }
}
