package io.stockengine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.stockengine.engine.AppendOnlyJournalStage;
import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.EnginePipeline;
import io.stockengine.engine.JournalStage;
import io.stockengine.engine.NoOpEventSink;
import io.stockengine.engine.PipelineConfig;
import io.stockengine.engine.ResultCode;
import io.stockengine.engine.StockEngine;

/**
 * A journal that fails must reach the log, with its cause: the engine's threads only record it, and an operator
 * saw nothing but 500s and a DOWN /health (a journal directory the server could not write).
 */
@Timeout(30)
class FailureReporterTest
{
    @Test
    void shouldLogAJournalFailureOnceWithItsCause() throws Exception
    {
        final AtomicInteger appended = new AtomicInteger();
        final JournalStage failing = new AppendOnlyJournalStage()
        {
            @Override
            public void onCommand(final Command command, final boolean endOfBatch)
            {
                if (appended.incrementAndGet() == 2)
                {
                    throw new IllegalStateException("cannot append", new java.io.IOException("No space left on device"));
                }
            }
        };
        final List<String> log = new CopyOnWriteArrayList<>();
        try (EnginePipeline pipeline = new EnginePipeline(new PipelineConfig().ringSize(16).tickIntervalMillis(0),
            new StockEngine(new EngineConfig(), NoOpEventSink.INSTANCE), failing).start())
        {
            final java.util.concurrent.atomic.AtomicInteger passedOn = new java.util.concurrent.atomic.AtomicInteger();
            final FailureReporter reporter = new FailureReporter(pipeline, new GatewayMetrics(), 10, log::add,
                passedOn::incrementAndGet);
            assertEquals(ResultCode.OK, receive(pipeline, 1).result);
            reporter.run();
            assertEquals(List.of(), log, "nothing to say while the journal works");
            assertEquals(0, passedOn.get());

            assertEquals(ResultCode.INTERNAL_ERROR, receive(pipeline, 2).result);
            reporter.run();
            reporter.run();
            assertEquals(1, log.size(), log.toString());
            assertEquals(1, passedOn.get(), "the streams are ended once");
            // The journal's and the disk's sentences without their class names, which tell an operator nothing.
            assertTrue(log.get(0).startsWith("journal FAILED: cannot append, caused by No space left on device. " +
                "Every command is refused"), log.get(0));
        }
    }

    /** A journal failure that is a faulted write into the mapped file (a full disk at a roll) says what to check. */
    @Test
    void shouldPointAFaultedMappedWriteAtTheDisk()
    {
        final String described = FailureReporter.describe(new IllegalStateException("cannot append",
            new InternalError("a fault occurred in a recent unsafe memory access operation in compiled Java code")));
        assertTrue(described.endsWith("(a write to the journal's memory-mapped file faulted: most often the disk is " +
            "full; check its free space)"), described);
        assertTrue(!FailureReporter.describe(new IllegalStateException("cannot append")).contains("disk"));
        // An unchecked wrapper made from its cause alone says the cause's sentence, once.
        assertEquals("/x: No space left on device", FailureReporter.describe(new java.io.UncheckedIOException(
            new java.nio.file.FileSystemException("/x", null, "No space left on device"))));
        // A defect keeps its class name: there it is the first clue.
        assertTrue(FailureReporter.describe(new NullPointerException("x")).startsWith("java.lang.NullPointerException"));
    }

    /** Refused connections reach the log, once a minute at most, with the limit and what to do. */
    @Test
    void shouldLogRefusedConnectionsOnceAMinuteAtMost() throws Exception
    {
        final List<String> log = new CopyOnWriteArrayList<>();
        final GatewayMetrics metrics = new GatewayMetrics();
        try (EnginePipeline pipeline = new EnginePipeline(new PipelineConfig().ringSize(16).tickIntervalMillis(0),
            new StockEngine(new EngineConfig(), NoOpEventSink.INSTANCE), JournalStage.NONE).start())
        {
            final FailureReporter reporter = new FailureReporter(pipeline, metrics, 300, log::add, () -> { });
            reporter.run();
            assertEquals(List.of(), log);
            metrics.rejectedConnections.addAndGet(5);
            metrics.openConnections.set(300);
            reporter.run();
            assertEquals(1, log.size(), log.toString());
            assertTrue(log.get(0).startsWith("connections refused: 5 more (5 in all), past --max-connections 300 " +
                "(HTTP and binary together; open now: 300)"), log.get(0));
            metrics.rejectedConnections.addAndGet(7);
            reporter.run();
            assertEquals(1, log.size(), "not again within the minute: " + log);
        }
    }

    private static Command receive(final EnginePipeline pipeline, final long quantity) throws Exception
    {
        return pipeline.submit(c ->
        {
            c.type = CommandType.RECEIVE;
            c.key = "rcv-" + quantity;
            c.sku = "F-1";
            c.location = "WH1";
            c.quantity = quantity;
            c.amount = 1_000_000;
        }).get(5, TimeUnit.SECONDS);
    }
}
