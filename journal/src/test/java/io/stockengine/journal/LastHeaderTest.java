package io.stockengine.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The lost excerpt followed by the index array Chronicle allocates when that excerpt's number starts a new one. With
 * the production roll cycles that happens every 2^20 excerpts or more; {@code TEST_DAILY} keeps 8 entries an array,
 * so the ninth excerpt brings one. Covering the array instead of stopping at it voided a whole excerpt, put the next
 * appends inside the array, and broke Chronicle's index lookups (found by a reviewer).
 */
class LastHeaderTest
{
    @TempDir
    Path dir;

    private SingleChronicleQueue open()
    {
        return SingleChronicleQueueBuilder.single(dir.toFile()).rollCycle(TestRollCycles.TEST_DAILY).build();
    }

    private static void append(final SingleChronicleQueue queue, final int count, final long firstSeq)
    {
        final ExpandableArrayBuffer record = new ExpandableArrayBuffer(128);
        try (ExcerptAppender appender = queue.createAppender())
        {
            for (int i = 0; i < count; i++)
            {
                final int length = EventEncoder.tailRepaired(record, i, i, firstSeq + i);
                try (DocumentContext dc = appender.writingDocument())
                {
                    dc.wire().bytes().write(record.byteArray(), 0, length);
                }
            }
        }
    }

    /** Every excerpt's index and length, read in order. */
    private static List<long[]> readAll(final SingleChronicleQueue queue)
    {
        final List<long[]> read = new ArrayList<>();
        try (ExcerptTailer tailer = queue.createTailer())
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return read;
                    }
                    final Bytes<?> bytes = dc.wire().bytes();
                    read.add(new long[] { dc.index(), bytes.readRemaining(), bytes.readPosition() });
                }
            }
        }
    }

    @ParameterizedTest(name = "body lost: {0}")
    @ValueSource(booleans = { false, true })
    void shouldEndTheRepairedExcerptAtTheIndexArrayThatFollowsIt(final boolean bodyLost) throws Exception
    {
        final long[] last;
        final File file;
        try (SingleChronicleQueue queue = open())
        {
            append(queue, 9, 1);
            final List<long[]> read = readAll(queue);
            assertEquals(9, read.size());
            last = read.get(8);
        }
        final File[] files = dir.toFile().listFiles((d, name) -> name.endsWith(".cq4"));
        assertEquals(1, files.length);
        file = files[0];
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.seek(last[2] - 4);
            raf.write(new byte[bodyLost ? 4 + (int)last[1] : 4]);
        }
        try (SingleChronicleQueue queue = open())
        {
            assertEquals(8, readAll(queue).size(), "a tailer stops at the zeroed header");
            final LastHeader.Damage damage = LastHeader.inspect(queue, 4096);
            assertNotNull(damage);
            assertEquals(last[0], damage.index, "the excerpt after the last readable one");
            assertEquals(!bodyLost, damage.restorable, damage.toString());
            assertEquals(last[1], damage.length, "ends where the index array starts: " + damage);
            LastHeader.repair(queue, damage);
            assertNull(LastHeader.inspect(queue, 4096), "repaired");
            append(queue, 20, 10);
            final List<long[]> read = readAll(queue);
            assertEquals(29, read.size(), "the repaired excerpt and every later one are read");
            try (ExcerptTailer tailer = queue.createTailer())
            {
                for (final long[] excerpt : read)
                {
                    assertTrue(tailer.moveToIndex(excerpt[0]), "the index still finds " + Long.toHexString(excerpt[0]));
                    try (DocumentContext dc = tailer.readingDocument())
                    {
                        assertEquals(excerpt[0], dc.index());
                    }
                }
            }
            final ExcerptScanner scanner = new ExcerptScanner();
            try (ExcerptTailer tailer = queue.createTailer())
            {
                int readable = 0;
                while (scanner.next(tailer))
                {
                    readable += scanner.check(0) ? 1 : 0;
                }
                assertEquals(bodyLost ? 28 : 29, readable, "only a lost body reads as unreadable");
            }
        }
    }

    @ParameterizedTest(name = "excerpts: {0}")
    @ValueSource(ints = { 0, 1, 8, 9 })
    void shouldFindNothingToRepairInAHealthyQueue(final int excerpts)
    {
        try (SingleChronicleQueue queue = open())
        {
            append(queue, excerpts, 1);
            assertEquals(excerpts, readAll(queue).size());
            assertNull(LastHeader.inspect(queue, 4096));
        }
    }
}
