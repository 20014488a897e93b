package io.stockengine.journal;

import java.io.PrintStream;
import java.nio.file.Path;

import io.stockengine.engine.CommandCallback;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.PipelineConfig;

/**
 * The engine under test in {@link CrashRecoveryTest}: a separate JVM that recovers from its data directory, then
 * pushes the workload through the journaled pipeline as fast as the ring takes it, printing
 * {@code ACK i result seq events}
 * for every answered command, until it is killed. Arguments: data directory, workload seed, durability, and
 * {@code logic} or {@code own} for where the journal stage runs.
 */
public final class CrashChild
{
    private static long commandTime;

    private CrashChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path dir = Path.of(args[0]);
        final Workload workload = new Workload(Long.parseLong(args[1]));
        final Durability durability = Durability.parse(args[2]);
        final boolean journalOnLogicThread = "logic".equals(args[3]);
        final PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
        final JournalConfig config = new JournalConfig().dataDir(dir).durability(durability)
            .snapshotEveryEvents(5_000).snapshotEveryMillis(200).rollCycle("FAST_DAILY");
        final JournaledEngine engine = JournaledEngine.open(config, new EngineConfig(),
            new PipelineConfig().ringSize(256).tickIntervalMillis(0).clock(() -> commandTime)
                .journalOnLogicThread(journalOnLogicThread),
            line -> out.println("LOG " + line));
        // A new journal starts with the server's retention tick, whose correlation id (1) is the ring's, not one of
        // the workload's: the workload still starts at its command 1.
        final long first = engine.pipeline().engine().state().lastSeq() == 1 ? 1 :
            engine.pipeline().engine().state().lastCorrelationId() + 1;
        out.println("READY " + first);
        final CommandCallback ack = c -> out.println("ACK " + c.correlationId + " " + c.result + " " + c.seq + " " +
            c.eventCount);
        for (long i = first; ; i++)
        {
            final long n = i;
            commandTime = Workload.time(n);
            while (!engine.pipeline().tryPublish((c, w) ->
            {
                w.fill(n, c);
                c.callback = ack;
            }, workload))
            {
                Thread.onSpinWait();
            }
        }
    }
}
