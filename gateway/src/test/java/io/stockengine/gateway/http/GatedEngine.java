package io.stockengine.gateway.http;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import io.stockengine.engine.AppendOnlyJournalStage;
import io.stockengine.engine.Command;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.EnginePipeline;
import io.stockengine.engine.JournalStage;
import io.stockengine.engine.NoOpEventSink;
import io.stockengine.engine.PipelineConfig;
import io.stockengine.engine.StockEngine;

/**
 * An in-memory engine whose journal stage lets a command through only when the test says so. Nothing is answered
 * while the gate is shut, so a test on an {@code EmbeddedChannel} decides when answers exist; and once
 * {@link #awaitIdle} returns, every answer has been handed to the channel's event loop, so the test thread can run
 * its tasks without racing the reply thread (the embedded loop's task queue is not thread-safe).
 */
final class GatedEngine implements EngineAccess, AutoCloseable
{
    private final Semaphore gate = new Semaphore(0);
    /** Commands through the gate: what {@link #journaledSeq} reports, as a journal's last seq would grow. */
    private final AtomicLong passed = new AtomicLong();
    private final EnginePipeline pipeline;
    /** The next command through the gate fails in the journal, which then stops for good. */
    private volatile boolean failNext;

    GatedEngine(final boolean open)
    {
        if (open)
        {
            gate.release(1 << 29);
        }
        final JournalStage journal = new AppendOnlyJournalStage()
        {
            @Override
            public void onCommand(final Command command, final boolean endOfBatch)
                throws InterruptedException, java.io.IOException
            {
                gate.acquire();
                if (failNext)
                {
                    failNext = false;
                    throw new java.io.IOException("No space left on device");
                }
                passed.incrementAndGet();
            }
        };
        pipeline = new EnginePipeline(new PipelineConfig().ringSize(1024).tickIntervalMillis(0),
            new StockEngine(new EngineConfig(), NoOpEventSink.INSTANCE), journal).start();
    }

    /** Makes the journal fail on the next command through the gate, as a full disk would. */
    void failNextAppend()
    {
        failNext = true;
    }

    /** Lets this many more commands through the journal stage. */
    void open(final int commands)
    {
        gate.release(commands);
    }

    /** Waits until every published command has been answered (its callback has returned). */
    void awaitIdle()
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (pipeline.inFlight() > 0)
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError(pipeline.inFlight() + " commands still in flight");
            }
            Thread.onSpinWait();
        }
    }

    long inFlight()
    {
        return pipeline.inFlight();
    }

    @Override
    public EnginePipeline pipeline()
    {
        return pipeline;
    }

    @Override
    public long journaledSeq()
    {
        return passed.get();
    }

    @Override
    public String recoveryProgress()
    {
        return "ready";
    }

    @Override
    public void close()
    {
        gate.release(1 << 29);
        pipeline.close();
    }
}
