package io.stockengine.journal;

import static io.stockengine.journal.RecordDescriptor.LENGTH_OFFSET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.InventoryState;
import io.stockengine.engine.ResultCode;
import io.stockengine.engine.StockEngine;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

@Timeout(60)
class ChronicleJournalTest
{
    @TempDir
    Path dir;

    /**
     * A batch's events go into one excerpt that its end-of-batch commit closes. When an append fails half-way
     * through a batch, the excerpt holding the batch's earlier commands must be discarded, not published by the
     * close that follows: the pipeline answers the whole batch as failed, and a restart must not find it.
     */
    @Test
    void shouldDiscardTheHalfWrittenBatchWhenAnAppendFails() throws Exception
    {
        final JournalConfig config = TestJournal.config(dir);
        Files.createDirectories(config.journalDir());
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(config.journalDir().toFile())
            .rollCycle(RollCycles.FAST_DAILY).build())
        {
            final ChronicleJournal journal = new ChronicleJournal(queue, config, 0);
            final StockEngine engine = new StockEngine(new InventoryState(new EngineConfig()), journal.recorder());

            final Command first = receive(journal, engine, "CJ-1");
            journal.onCommand(first, true);
            final long committedSeq = journal.lastSeq();
            final Command second = receive(journal, engine, "CJ-2");
            journal.onCommand(second, false);

            final Command broken = receive(journal, engine, "CJ-3");
            // A record length no encoder writes: sealing it fails, as a failing disk would fail the append.
            broken.events.putInt(LENGTH_OFFSET, -8);
            assertThrows(IndexOutOfBoundsException.class, () -> journal.onCommand(broken, true));
            final IllegalStateException after = assertThrows(IllegalStateException.class,
                () -> journal.onCommand(receive(journal, engine, "CJ-4"), true));
            assertEquals("the journal failed earlier; nothing more is appended", after.getMessage());
            assertEquals(committedSeq, journal.lastSeq(), "the last seq journaled is the last one committed");
            journal.close();

            assertEquals(1, excerpts(queue), "only the batch committed before the failure is in the journal");
            assertEquals(committedSeq, lastSeqOf(queue), "and it ends with the first command's last event");
        }
    }

    /**
     * A store into a sparse page of a full disk does not fail where it happens (SIGBUS, then an error some
     * instructions later, maybe after the batch was answered), so the journal allocates the blocks under its writes
     * first. Here the disk fills after a few reservations: every byte written before lies inside what was
     * allocated, the append that finds no space fails before writing anything, the batches before it stay whole,
     * and nothing lies past the reserve in the file.
     */
    @Test
    void shouldAllocateTheDiskUnderEveryWriteFirstAndStopBeforeWritingWhenTheDiskIsFull() throws Exception
    {
        final JournalConfig config = TestJournal.config(dir);
        Files.createDirectories(config.journalDir());
        final DiskReserve reserve = new DiskReserve(DiskReserveTest.fullAfter(6), 4096, 1024);
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(config.journalDir().toFile())
            .rollCycle(RollCycles.FAST_DAILY).build())
        {
            final ChronicleJournal journal = new ChronicleJournal(queue, config, 0, DiskSync.DISK, reserve);
            final StockEngine engine = new StockEngine(new InventoryState(new EngineConfig()), journal.recorder());
            long committedSeq = 0;
            int committed = 0;
            UncheckedIOException full = null;
            for (int i = 0; full == null; i++)
            {
                final Command command = receive(journal, engine, "CJ-" + i);
                try
                {
                    journal.onCommand(command, true);
                    committedSeq = journal.lastSeq();
                    committed++;
                }
                catch (final UncheckedIOException ex)
                {
                    full = ex;
                }
            }
            assertTrue(full.getMessage().contains("No space left on device") &&
                full.getMessage().contains("Nothing of this batch was written"), full.getMessage());
            assertTrue(committed > 6, "several batches fit in each reserve: " + committed);
            assertEquals(committedSeq, journal.lastSeq(), "the failed batch is not reported as journaled");
            final long reservedTo = reserve.reservedTo();
            journal.close();

            assertEquals(committed, excerpts(queue), "every batch before the full disk is whole in the journal");
            assertEquals(committedSeq, lastSeqOf(queue));
            final long lastEnd = lastExcerptEnd(queue);
            assertTrue(lastEnd <= reservedTo, "written up to " + lastEnd + ", reserved to " + reservedTo);
            final byte[] bytes = Files.readAllBytes(cycleFile(config));
            for (long at = reservedTo; at < reservedTo + 64 * 1024; at++)
            {
                assertEquals(0, bytes[(int)at], "nothing written past the reserve, at byte " + at);
            }
        }
    }

    /**
     * At a roll Chronicle creates the next cycle's file and writes its first pages through a mapping before any
     * reserve can be taken; on a full disk that store faulted inside the JVM and killed the process (a tester, one
     * roll in four on a full tmpfs). The append that would roll checks the free space first: short of it, it fails
     * before anything is written or created, as a full disk fails any other append; within a cycle the reserve alone
     * decides, whatever the free space.
     */
    @Test
    void shouldRefuseToRollOntoADiskWithoutRoomForTheNewFile() throws Exception
    {
        final JournalConfig config = TestJournal.config(dir);
        Files.createDirectories(config.journalDir());
        final long[] wall = { Workload.BASE_TIME };
        final long[] free = { 1L << 30 };
        final DiskReserve.Allocator allocator = withFreeSpace(free);
        try (SingleChronicleQueue queue = Queues.open(config.journalDir(), config, false, () -> wall[0]))
        {
            final ChronicleJournal journal = new ChronicleJournal(queue, config, 0, DiskSync.DISK,
                new DiskReserve(allocator, 4096, 1024));
            final StockEngine engine = new StockEngine(new InventoryState(new EngineConfig()), journal.recorder());
            journal.onCommand(receive(journal, engine, "RL-1"), true);
            free[0] = DiskReserve.NEW_FILE_ROOM - 1;
            journal.onCommand(receive(journal, engine, "RL-2"), true);
            final long committed = journal.lastSeq();
            assertEquals(1, cycleFiles(config), "one cycle so far");

            wall[0] += 86_400_000L;
            final Command rolling = receive(journal, engine, "RL-3");
            final UncheckedIOException full = assertThrows(UncheckedIOException.class,
                () -> journal.onCommand(rolling, true));
            assertTrue(full.getMessage().contains("KiB free, less than the 16 MiB a new journal file needs") &&
                full.getMessage().contains("Nothing of this batch was written"), full.getMessage());
            assertEquals(committed, journal.lastSeq(), "the refused batch is not reported as journaled");
            journal.close();
            assertEquals(1, cycleFiles(config), "no new cycle file was created");
            assertEquals(committed, lastSeqOf(queue), "the journal ends with the batch before the roll");
        }
    }

    @Test
    void shouldRefuseAStartOnADiskWithoutRoomForTheJournal()
    {
        final long[] free = { DiskReserve.NEW_FILE_ROOM };
        final DiskReserve.Allocator sized = withFreeSpace(free);
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> DiskReserve.requireRoom(sized, dir, "the journal"));
        free[0] = 300 << 10;
        final IOException refused = assertThrows(IOException.class,
            () -> DiskReserve.requireRoom(sized, dir, "the journal"));
        assertEquals("the disk holding " + dir + " has 300 KiB free, less than the 16 MiB the journal needs: free " +
            "space, then restart the engine", refused.getMessage());
    }

    /** Allocates whatever is asked, on a file system with {@code free[0]} bytes free. */
    private static DiskReserve.Allocator withFreeSpace(final long[] free)
    {
        return new DiskReserve.Allocator()
        {
            @Override
            public int open(final Path file)
            {
                return 3;
            }

            @Override
            public void allocate(final int handle, final long offset, final long length)
            {
            }

            @Override
            public void close(final int handle)
            {
            }

            @Override
            public long usableSpace(final Path where)
            {
                return free[0];
            }
        };
    }

    private static long cycleFiles(final JournalConfig config) throws IOException
    {
        try (java.util.stream.Stream<Path> files = Files.list(config.journalDir()))
        {
            return files.filter(p -> p.toString().endsWith(".cq4")).count();
        }
    }

    private static Path cycleFile(final JournalConfig config) throws IOException
    {
        try (java.util.stream.Stream<Path> files = Files.list(config.journalDir()))
        {
            return files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    private static Command receive(final ChronicleJournal journal, final StockEngine engine, final String sku)
    {
        final Command command = new Command();
        command.type = CommandType.RECEIVE;
        command.key = "rcv-" + sku;
        command.sku = sku;
        command.location = "WH1";
        command.quantity = 3;
        command.amount = 1_000_000;
        command.timestamp = Workload.BASE_TIME;
        journal.beforeCommand(command);
        engine.process(command);
        assertEquals(ResultCode.OK, command.result);
        return command;
    }

    /** Hands every excerpt of the queue to {@code each}, in order. */
    private static void forEachExcerpt(final SingleChronicleQueue queue, final Consumer<DocumentContext> each)
    {
        try (ExcerptTailer tailer = queue.createTailer())
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return;
                    }
                    each.accept(dc);
                }
            }
        }
    }

    private static int excerpts(final SingleChronicleQueue queue)
    {
        final int[] count = { 0 };
        forEachExcerpt(queue, dc -> count[0]++);
        return count[0];
    }

    /** The file offset just past the last excerpt's records. */
    private static long lastExcerptEnd(final SingleChronicleQueue queue)
    {
        final long[] end = { -1 };
        forEachExcerpt(queue, dc -> end[0] = dc.wire().bytes().readLimit());
        return end[0];
    }

    /** The seq of the last record of the last excerpt. */
    private static long lastSeqOf(final SingleChronicleQueue queue)
    {
        final long[] seq = { -1 };
        forEachExcerpt(queue, dc ->
        {
            final net.openhft.chronicle.bytes.Bytes<?> bytes = dc.wire().bytes();
            for (long offset = bytes.readPosition(); offset < bytes.readLimit();
                offset += bytes.readInt(offset + LENGTH_OFFSET))
            {
                seq[0] = bytes.readLong(offset + RecordDescriptor.SEQ_OFFSET);
            }
        });
        return seq[0];
    }
}
