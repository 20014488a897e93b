package io.stockengine.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandCallback;
import io.stockengine.engine.CommandFiller;
import io.stockengine.engine.EnginePipeline;
import io.stockengine.engine.JournalStage;
import io.stockengine.engine.PipelineConfig;
import io.stockengine.engine.ResultCode;
import io.stockengine.engine.StockEngine;

/**
 * The in-process pipeline end to end: the benchmark thread publishes the marketplace mix through
 * {@link EnginePipeline#tryPublish} (spinning politely while the ring is full), the logic handler applies it, the
 * journal stage is {@link JournalStage#NONE}, and the reply stage's callback counts completions. One invocation
 * publishes a batch and waits until the whole batch has been answered, so the score is completed commands per
 * second, not publishes.
 * <p>
 * Same catalogue, mix and steady state as {@link LogicBenchmark#mixed}; the difference between the two is the cost
 * of the ring and of handing each slot across three threads, on a machine with fewer cores than threads. JVM
 * settings as in LogicBenchmark, for the reasons given there.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms6g", "-Xmx6g", "-XX:+UseParallelGC", "-XX:+UseTransparentHugePages",
    LogicBenchmark.AGRONA_EXPORTS })
public class PipelineBenchmark
{
    /** Twice the ring, so every batch runs the ring full and the publisher meets back-pressure. */
    private static final int BATCH = 1 << 17;

    /** Static and non-capturing, so a publish allocates nothing; the state rides along as the argument. */
    private static final CommandFiller<PipelineBenchmark> FILLER = PipelineBenchmark::fillNext;

    @Param("50")
    public int hotPercent;

    /** The pipeline's wait strategy (blocking, sleeping, yielding, busy-spin); the engine's default is sleeping. */
    @Param("sleeping")
    public String waitStrategy;

    private MarketplaceMix mix;
    private EnginePipeline pipeline;
    private Completions completions;
    /** Publisher-thread only: the mix cursor and the engine time the pipeline's clock stamps. */
    private int cursor;
    private long now;
    private long published;

    /** The reply stage's callback: one writer (the reply thread), read by the publisher. */
    private static final class Completions implements CommandCallback
    {
        final AtomicLong completed = new AtomicLong();
        final AtomicLong refused = new AtomicLong();

        @Override
        public void onComplete(final Command command)
        {
            if (command.result != ResultCode.OK)
            {
                refused.setRelease(refused.getPlain() + 1);
            }
            completed.setRelease(completed.getPlain() + 1);
        }
    }

    @Setup(Level.Trial)
    public void setUp()
    {
        final Catalogue catalogue = new Catalogue(Catalogue.SKUS, Catalogue.LOCATIONS);
        mix = new MarketplaceMix(catalogue, LogicBenchmark.MIX_TENS, LogicBenchmark.STEP_MILLIS, hotPercent,
            LogicBenchmark.SEED);
        final StockEngine engine = new StockEngine(mix.engineConfig(catalogue), JournalStage.NONE.recorder());
        // Loaded and warmed on this thread before the logic thread starts; starting it publishes the state.
        catalogue.receiveAll(engine, Catalogue.EPOCH_MILLIS);
        now = mix.warmUp(engine, new Command(), Catalogue.EPOCH_MILLIS, 2);
        completions = new Completions();
        // Engine time follows the mix, not the wall clock, so expiry behaves as in LogicBenchmark; no ticker is
        // needed since the stream itself moves time on.
        final PipelineConfig config = new PipelineConfig()
            .waitStrategy(waitStrategy)
            .tickIntervalMillis(0)
            .clock(() -> now);
        pipeline = new EnginePipeline(config, engine, JournalStage.NONE).start();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        pipeline.close();
        final long refused = completions.refused.get();
        final long errors = pipeline.internalErrors() + pipeline.replyErrors();
        if (refused != 0 || errors != 0)
        {
            throw new IllegalStateException(refused + " commands refused and " + errors +
                " pipeline errors during the run: the figures are not of the intended workload");
        }
    }

    private static void fillNext(final Command c, final PipelineBenchmark state)
    {
        final int i = state.cursor;
        state.cursor = i + 1 == state.mix.length() ? 0 : i + 1;
        state.now += LogicBenchmark.STEP_MILLIS;
        state.mix.fill(c, i, state.now);
        c.callback = state.completions;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long publishAndComplete()
    {
        final EnginePipeline p = pipeline;
        for (int i = 0; i < BATCH; i++)
        {
            while (!p.tryPublish(FILLER, this))
            {
                // The ring is full: give the pipeline's threads the core rather than spin against them.
                Thread.yield();
            }
        }
        published += BATCH;
        final AtomicLong completed = completions.completed;
        while (completed.getAcquire() < published)
        {
            Thread.yield();
        }
        return published;
    }
}
