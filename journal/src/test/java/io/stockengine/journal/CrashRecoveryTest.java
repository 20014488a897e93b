package io.stockengine.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.stockengine.engine.Balances;
import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.InventoryState;
import io.stockengine.engine.NoOpEventSink;
import io.stockengine.engine.StockEngine;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Runs the journaled engine in a child JVM under load, kills it with SIGKILL at random moments, and after every
 * kill checks the journal: it holds exactly the commands 1..C (the state equals executing them directly, so no
 * command is half-applied), every acknowledged command is among them, and no bucket is negative. The child then
 * recovers and carries on from C + 1.
 */
class CrashRecoveryTest
{
    private static final int KILLS = Integer.getInteger("stock.crash.kills", 20);
    /**
     * The time the kills may take: about 2 to 4 s each on a quiet 2-core machine, so 30 s each leaves room for a busy
     * one, and the soak profile's 200 kills are not cut off at the default suite's budget.
     */
    private static final long BUDGET_SECONDS = Math.max(900, KILLS * 30L);

    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryAcknowledgedCommandAcrossSigkills()
    {
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(BUDGET_SECONDS),
            this::killAndRecover, KILLS + " kills did not finish in " + BUDGET_SECONDS + " s");
    }

    private void killAndRecover() throws Exception
    {
        final long seed = Long.getLong("stock.test.seed", System.nanoTime());
        System.out.println("CrashRecoveryTest seed=" + seed + " kills=" + KILLS + " (rerun with -Dstock.test.seed=" +
            seed + ")");
        final SplittableRandom random = new SplittableRandom(seed);
        final Workload workload = new Workload(seed);
        long lastC = 0;
        for (int kill = 0; kill < KILLS; kill++)
        {
            final String durability = kill % 4 == 3 ? "sync" : "process";
            // The server's arrangement (the journal on the logic thread) two kills in three, with both durabilities.
            final String journalThread = kill % 3 == 1 ? "own" : "logic";
            final List<long[]> acks = runAndKill(workload, seed, durability, journalThread,
                30 + random.nextInt(700));
            final InventoryState recovered = recover();
            final long c = recovered.lastCorrelationId();
            final String context = "seed=" + seed + " kill=" + kill + " C=" + c + " acks=" + acks.size();
            assertTrue(c >= lastC, "the journal never loses what it had: " + context);
            for (final long[] ack : acks)
            {
                // An answer names the seq of the command's last event (or, for a no-op such as shipping a shipped
                // order, of the order's last event): that event must be in the journal.
                assertTrue(ack[2] <= recovered.lastSeq(),
                    "acknowledged command " + ack[0] + " (seq " + ack[2] + ") is missing: " + context);
                if (ack[3] > 0)
                {
                    assertTrue(ack[0] <= c, "acknowledged command " + ack[0] + " wrote " + ack[3] +
                        " events that are not in the journal: " + context);
                }
            }
            assertEquals(directHash(workload, c), recovered.stateHash(),
                "the journal must hold exactly commands 1.." + c + ": " + context);
            assertNoNegativeBucket(recovered, context);
            System.out.println("CrashRecoveryTest " + context + " durability=" + durability + " journal-thread=" +
                journalThread);
            lastC = c;
        }
        assertTrue(lastC > 0, "the child never got anything journaled");
    }

    private List<long[]> runAndKill(final Workload workload, final long seed, final String durability,
        final String journalThread, final long runMillis) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("--add-") || a.startsWith("-Dchronicle") || a.startsWith("--enable") ||
                a.startsWith("--sun"))
            .toList());
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CrashChild.class.getName());
        command.add(dir.toString());
        command.add(Long.toString(seed));
        command.add(durability);
        command.add(journalThread);
        final Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        try
        {
            final List<long[]> acks = new ArrayList<>();
            final List<String> logs = new ArrayList<>();
            final Thread reader = new Thread(() ->
            {
                try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
                {
                    String line;
                    while ((line = in.readLine()) != null)
                    {
                        if (line.startsWith("ACK "))
                        {
                            final String[] parts = line.split(" ");
                            synchronized (acks)
                            {
                                acks.add(new long[] { Long.parseLong(parts[1]), Long.parseLong(parts[2]),
                                    Long.parseLong(parts[3]), Long.parseLong(parts[4]) });
                            }
                        }
                        else
                        {
                            synchronized (logs)
                            {
                                logs.add(line);
                            }
                        }
                    }
                }
                catch (final Exception ignored)
                {
                    // The pipe closes when the child is killed.
                }
            });
            reader.start();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline)
            {
                synchronized (acks)
                {
                    if (!acks.isEmpty())
                    {
                        break;
                    }
                }
                if (!child.isAlive())
                {
                    break;
                }
                Thread.sleep(5);
            }
            Thread.sleep(runMillis);
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            reader.join(10_000);
            synchronized (logs)
            {
                assertTrue(logs.stream().noneMatch(l -> l.contains("Exception") && !l.startsWith("LOG")),
                    "the child failed: " + String.join("\n", logs));
            }
            synchronized (acks)
            {
                assertTrue(!acks.isEmpty(), "the child answered nothing: " + String.join("\n", logs));
                return new ArrayList<>(acks);
            }
        }
        finally
        {
            // A failed assertion, or the test's time running out (an interrupt), must not leave the child running:
            // one left behind by a timed-out soak run kept a core busy for half an hour.
            if (child.isAlive())
            {
                child.destroyForcibly();
            }
        }
    }

    private InventoryState recover()
    {
        final JournalConfig config = new JournalConfig().dataDir(dir).rollCycle("FAST_DAILY");
        final SnapshotStore.Loaded snapshot =
            new SnapshotStore(config.snapshotDir(), 2).loadNewest(new EngineConfig(), line -> { });
        final InventoryState state = snapshot != null ? snapshot.state() : new InventoryState(new EngineConfig());
        try (SingleChronicleQueue queue = Queues.open(config.journalDir(), config, true))
        {
            JournalRecovery.replay(queue, state, snapshot == null ? 0 : snapshot.lastSeq(),
                snapshot == null ? -1 : snapshot.nextIndex(), null);
        }
        return state;
    }

    private static long directHash(final Workload workload, final long to)
    {
        final StockEngine engine = new StockEngine(new EngineConfig(), NoOpEventSink.INSTANCE);
        final Command c = new Command();
        // As the journaled engine starts on a new journal: by journaling the retention it runs with.
        c.reset();
        c.type = CommandType.TICK;
        c.flag = true;
        engine.process(c);
        for (long i = 1; i <= to; i++)
        {
            c.reset();
            workload.fill(i, c);
            engine.process(c);
        }
        return engine.stateHash();
    }

    private static void assertNoNegativeBucket(final InventoryState state, final String context)
    {
        final Balances balances = state.balances();
        for (int b = 0; b < balances.count(); b++)
        {
            for (int f = Balances.SELLABLE; f <= Balances.IN_TRANSIT; f++)
            {
                assertTrue(balances.get(b, f) >= 0, "negative field " + f + " at balance " + b + ": " + context);
            }
        }
    }
}
