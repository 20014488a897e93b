package io.stockengine.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.NoOpEventSink;
import io.stockengine.engine.StockEngine;

/**
 * The state and stream of {@link LogicBenchmark#mixed}, timed per command type, with the thread's CPU time beside
 * the wall time. On a shared machine the CPU time is the steadier figure: it leaves out the time the thread waited
 * for a core (it still includes cache misses caused by neighbours). The per-type figures include the expiry work a
 * command happens to trigger and about 20-30 ns of timer reads.
 * <p>
 * Run: {@code java -Xms6g -Xmx6g -XX:+UseParallelGC -XX:+UseTransparentHugePages
 * --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar
 * io.stockengine.benchmarks.MixBreakdown [hotPercent [cycles]]}.
 */
public final class MixBreakdown
{
    private MixBreakdown()
    {
    }

    public static void main(final String[] args)
    {
        final int hotPercent = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        final int cycles = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        final Catalogue catalogue = new Catalogue(Catalogue.SKUS, Catalogue.LOCATIONS);
        final MarketplaceMix mix = new MarketplaceMix(catalogue, LogicBenchmark.MIX_TENS, LogicBenchmark.STEP_MILLIS,
            hotPercent, LogicBenchmark.SEED);
        final StockEngine engine = new StockEngine(mix.engineConfig(catalogue), NoOpEventSink.INSTANCE);
        catalogue.receiveAll(engine, Catalogue.EPOCH_MILLIS);
        final Command c = new Command();
        // The first cycles settle the order book and give the JIT the whole stream to compile against.
        long now = mix.warmUp(engine, c, Catalogue.EPOCH_MILLIS, 3);

        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final long[] nanos = new long[CommandType.COUNT_OF_TYPES];
        final long[] counts = new long[CommandType.COUNT_OF_TYPES];
        System.out.printf("hotPercent %d, %,d commands per cycle%n", hotPercent, mix.length());
        for (int cycle = 0; cycle < cycles; cycle++)
        {
            final long cpuStart = threads.getCurrentThreadCpuTime();
            final long wallStart = System.nanoTime();
            for (int i = 0; i < mix.length(); i++)
            {
                now += mix.stepMillis();
                mix.fill(c, i, now);
                final long start = System.nanoTime();
                engine.process(c);
                nanos[c.type] += System.nanoTime() - start;
                counts[c.type]++;
            }
            final long wall = System.nanoTime() - wallStart;
            final long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
            System.out.printf("cycle %d: %.0f ns/command wall, %.0f ns/command CPU%n", cycle,
                (double)wall / mix.length(), (double)cpu / mix.length());
        }
        final StringBuilder perType = new StringBuilder("wall ns per command type:");
        for (int type = 0; type < CommandType.COUNT_OF_TYPES; type++)
        {
            if (counts[type] > 0)
            {
                perType.append(String.format(" %s %.0f (%.0f%%)", CommandType.name(type),
                    (double)nanos[type] / counts[type], 100.0 * counts[type] / ((long)cycles * mix.length())));
            }
        }
        System.out.println(perType);
    }
}
