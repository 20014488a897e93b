package io.stockengine.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.InventoryState;
import io.stockengine.engine.ResultCode;
import io.stockengine.engine.StockEngine;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

class DiskSyncTest
{
    @TempDir
    Path dir;

    /** Records every flush as "force file" or "force dir", on real channels (opened read-only, as in production). */
    private static final class Recording implements DiskSync.Flusher
    {
        final List<String> calls = new ArrayList<>();
        private final java.util.Map<FileChannel, String> names = new java.util.IdentityHashMap<>();

        @Override
        public FileChannel open(final Path file) throws IOException
        {
            final FileChannel channel = DiskSync.DISK.open(file);
            names.put(channel, file.getFileName().toString());
            return channel;
        }

        @Override
        public void force(final FileChannel channel, final boolean metadata) throws IOException
        {
            DiskSync.DISK.force(channel, metadata);
            calls.add("force " + names.get(channel) + (metadata ? " +metadata" : ""));
        }
    }

    /**
     * Each sync flushes the file written; a new file first flushes the old one (a batch may have started there) and
     * the directory (so the new file's name survives a power cut too).
     */
    @Test
    void shouldFlushTheFileAndOnAMoveTheOldFileAndTheDirectory() throws IOException
    {
        final Path sub = Files.createDirectories(dir.resolve("journal"));
        final File a = Files.createFile(sub.resolve("a.cq4")).toFile();
        final File b = Files.createFile(sub.resolve("b.cq4")).toFile();
        final Recording flusher = new Recording();
        try (DiskSync sync = new DiskSync(flusher))
        {
            sync.sync(a);
            sync.sync(a);
            sync.sync(b);
        }
        assertEquals(List.of("force journal +metadata", "force a.cq4", "force a.cq4",
            "force a.cq4", "force journal +metadata", "force b.cq4"), flusher.calls);
    }

    /** With durability sync, every committed batch flushes the journal's cycle file; with process, none does. */
    @Test
    void shouldFlushTheCycleFileAtEveryCommitUnderSyncOnly() throws Exception
    {
        for (final Durability durability : Durability.values())
        {
            final Path journalDir = Files.createDirectories(dir.resolve(durability.name()));
            final JournalConfig config = TestJournal.config(dir.resolve(durability.name() + "-data"))
                .durability(durability);
            final Recording flusher = new Recording();
            try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(journalDir.toFile())
                .rollCycle(RollCycles.FAST_DAILY).build())
            {
                final ChronicleJournal journal = new ChronicleJournal(queue, config, 0, flusher);
                final StockEngine engine =
                    new StockEngine(new InventoryState(new EngineConfig()), journal.recorder());
                for (int batch = 0; batch < 3; batch++)
                {
                    for (int i = 0; i < 2; i++)
                    {
                        final Command c = new Command();
                        c.type = CommandType.RECEIVE;
                        c.key = "ds-" + batch + "-" + i;
                        c.sku = "DS-1";
                        c.location = "WH1";
                        c.quantity = 1;
                        c.amount = 1_000_000;
                        c.timestamp = Workload.BASE_TIME;
                        journal.beforeCommand(c);
                        engine.process(c);
                        assertEquals(ResultCode.OK, c.result);
                        journal.onCommand(c, i == 1);
                    }
                }
                journal.close();
                if (durability == Durability.SYNC)
                {
                    assertEquals(3, journal.syncs());
                    assertEquals(4, flusher.calls.size(), "the directory once, then the file at each commit: " +
                        flusher.calls);
                    assertEquals("force " + durability.name() + " +metadata", flusher.calls.get(0));
                    for (int i = 1; i < 4; i++)
                    {
                        assertEquals(true, flusher.calls.get(i).endsWith(".cq4"), flusher.calls.get(i));
                    }
                }
                else
                {
                    assertEquals(0, journal.syncs());
                    assertEquals(List.of(), flusher.calls);
                }
            }
        }
    }
}
