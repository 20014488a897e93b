package io.stockengine.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor under {@link LogicBenchmark}: how long one dependent load takes from a heap the size of the engine's
 * state (ten million balances and a million orders, about 1.5 GB), same JVM flags. A random cyclic permutation is
 * walked, each load's address coming from the previous load, so the figure is the latency of a cache miss (with the
 * TLB cost that 2 MB pages leave), not bandwidth. A command that needs k such misses in sequence cannot run faster
 * than k times this.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms6g", "-Xmx6g", "-XX:+UseParallelGC", "-XX:+UseTransparentHugePages" })
public class MemoryLatencyBenchmark
{
    /**
     * Kilobytes walked: 1.5 GB like the engine's state; for contrast 16 MB (half the shared last-level cache) and
     * 256 KB (inside one core's L2).
     */
    @Param({ "1572864", "16384", "256" })
    public int kilobytes;

    /** Each slot is a cache line (8 longs) so no two steps share a line. */
    private static final int LINE_LONGS = 8;
    private long[] slots;
    private int at;

    @Setup
    public void setUp()
    {
        final int lines = (int)((long)kilobytes * 1024 / 64);
        slots = new long[lines * LINE_LONGS];
        // Sattolo's shuffle: one cycle through every line, so the walk never settles into a short loop.
        final int[] order = new int[lines];
        for (int i = 0; i < lines; i++)
        {
            order[i] = i;
        }
        final SplittableRandom random = new SplittableRandom(20261121L);
        for (int i = lines - 1; i > 0; i--)
        {
            final int j = random.nextInt(i);
            final int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int i = 0; i < lines; i++)
        {
            slots[order[i] * LINE_LONGS] = (long)order[(i + 1) % lines] * LINE_LONGS;
        }
    }

    @Benchmark
    public int dependentLoad()
    {
        final int next = (int)slots[at];
        at = next;
        return next;
    }
}
