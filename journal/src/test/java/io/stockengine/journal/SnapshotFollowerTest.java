package io.stockengine.journal;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.stockengine.engine.EngineConfig;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

class SnapshotFollowerTest
{
    @TempDir
    Path dir;

    /**
     * A follower that has died (here: the journal it follows is corrupt in the middle, so its replay refuses to go
     * on) must refuse a snapshot request at once. Shutdown asks for a final snapshot and waits for it; a request
     * parked for a dead thread kept a stopping server hanging for the whole wait.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldFailASnapshotRequestAtOnceWhenTheFollowerHasStopped() throws Exception
    {
        final JournalConfig config = TestJournal.config(dir).conclude();
        TestJournal.runWorkload(config, new Workload(3), 1, 1_000);
        final List<long[]> excerpts = TestJournal.excerpts(config);
        final long[] middle = excerpts.get(excerpts.size() / 2);
        TestJournal.scribble(config, middle[0] + middle[1] / 2, 4);
        final List<String> log = new ArrayList<>();
        try (SingleChronicleQueue queue = Queues.open(config.journalDir(), config, false))
        {
            final SnapshotFollower follower = new SnapshotFollower(queue, config, new EngineConfig(),
                line -> log.add(line));
            final CompletableFuture<Path> before = follower.requestSnapshot(Long.MAX_VALUE);
            follower.start();
            final ExecutionException pending = assertThrows(ExecutionException.class,
                () -> before.get(20, TimeUnit.SECONDS), "a request made before the failure fails with it");
            assertInstanceOf(IllegalStateException.class, pending.getCause());
            assertInstanceOf(JournalCorruptedException.class, follower.failure(), "the follower records why it stopped");

            final CompletableFuture<Path> after = follower.requestSnapshot(Long.MAX_VALUE);
            assertTrue(after.isCompletedExceptionally(), "a request after the follower stopped fails at once");
            final ExecutionException refused = assertThrows(ExecutionException.class, after::get);
            assertTrue(refused.getCause().getMessage().startsWith("snapshot follower stopped"),
                refused.getCause().getMessage());
            assertTrue(log.stream().anyMatch(line -> line.startsWith("snapshot follower stopped")), log.toString());
            follower.close();
        }
    }
}
