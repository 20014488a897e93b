package io.stockengine.journal;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.stockengine.engine.Command;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.PipelineConfig;
import io.stockengine.engine.ResultCode;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Writes journals for the reader and tool tests through the real journaled engine, with many commands in flight at
 * once so that group commits (excerpts) hold several commands, and damages them the way crashes and bad disks do.
 */
final class TestJournal
{
    private TestJournal()
    {
    }

    static JournalConfig config(final Path dir)
    {
        return new JournalConfig().dataDir(dir).snapshots(false).rollCycle("FAST_DAILY");
    }

    /** Opens the engine on {@code config}, runs {@code commands} through it, closes it; returns the last seq. */
    static long run(final JournalConfig config, final Consumer<Session> commands) throws Exception
    {
        final long[] clock = { Workload.BASE_TIME };
        try (JournaledEngine engine = JournaledEngine.open(config, new EngineConfig(),
            new PipelineConfig().ringSize(1024).tickIntervalMillis(0).clock(() -> clock[0]), line -> { }))
        {
            final Session session = new Session(engine, clock);
            commands.accept(session);
            session.await();
            return engine.journal().lastSeq();
        }
    }

    /** Commands {@code from..to} of the workload, 256 in flight at a time; returns the last seq. */
    static long runWorkload(final JournalConfig config, final Workload workload, final long from, final long to)
        throws Exception
    {
        return run(config, session ->
        {
            for (long i = from; i <= to; i++)
            {
                final long n = i;
                session.submit(Workload.time(n), c -> workload.fill(n, c));
            }
        });
    }

    /** Publishes commands without waiting for each, waiting for all every 256 so the ring never overflows. */
    static final class Session
    {
        private final JournaledEngine engine;
        private final long[] clock;
        private final List<CompletableFuture<Command>> inFlight = new ArrayList<>();
        private final List<Command> answers = new ArrayList<>();

        Session(final JournaledEngine engine, final long[] clock)
        {
            this.engine = engine;
            this.clock = clock;
        }

        void submit(final long time, final Consumer<Command> filler)
        {
            clock[0] = time;
            inFlight.add(engine.pipeline().submit(filler));
            if (inFlight.size() == 256)
            {
                await();
            }
        }

        /** Waits for every command in flight; @return every answer so far, in order. */
        List<Command> await()
        {
            for (final CompletableFuture<Command> future : inFlight)
            {
                try
                {
                    final Command answer = future.get(10, TimeUnit.SECONDS);
                    assertNotEquals(ResultCode.OVERLOADED, answer.result, "the test must not overflow the ring");
                    answers.add(answer);
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            }
            inFlight.clear();
            return answers;
        }

        JournaledEngine engine()
        {
            return engine;
        }
    }

    /** File offset, length and index of every excerpt, in order. */
    static List<long[]> excerpts(final JournalConfig config)
    {
        final List<long[]> positions = new ArrayList<>();
        try (SingleChronicleQueue queue = Queues.open(config.journalDir(), config, true);
             ExcerptTailer tailer = queue.createTailer())
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return positions;
                    }
                    positions.add(new long[] { dc.wire().bytes().readPosition(), dc.wire().bytes().readRemaining(),
                        dc.index() });
                }
            }
        }
    }

    /**
     * A crash leaves no record of a clean stop (a {@link CleanStop}): tests that tear the tail of a journal they
     * closed stand for one, since a tail damaged after a clean stop is refused as acknowledged.
     */
    static void asAfterACrash(final JournalConfig config) throws IOException
    {
        if (!java.nio.file.Files.deleteIfExists(config.dataDir().resolve(CleanStop.FILE)))
        {
            throw new AssertionError("a clean close records the clean stop");
        }
    }

    /** Overwrites bytes of the (single) cycle file, as a bad disk or a torn write would. */
    static void scribble(final JournalConfig config, final long position, final int length) throws IOException
    {
        final byte[] garbage = new byte[length];
        for (int i = 0; i < length; i++)
        {
            garbage[i] = (byte)(0x5A ^ i);
        }
        write(config, position, garbage);
    }

    /** Zeroes the 4 KiB page that holds {@code position}, as a page that never reached the disk would read. */
    static void zeroPage(final JournalConfig config, final long position) throws IOException
    {
        write(config, position / 4096 * 4096, new byte[4096]);
    }

    /** Zeroes {@code length} bytes of the (single) cycle file from {@code position}. */
    static void zero(final JournalConfig config, final long position, final int length) throws IOException
    {
        write(config, position, new byte[length]);
    }

    private static void write(final JournalConfig config, final long position, final byte[] bytes) throws IOException
    {
        final Path file;
        try (Stream<Path> files = Files.list(config.journalDir()))
        {
            file = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(position);
            raf.write(bytes);
        }
    }
}
