package io.stockengine.accounting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.InventoryState;
import io.stockengine.journal.AbstractEventSink;
import io.stockengine.journal.JournalConfig;
import io.stockengine.journal.JournalReader;
import io.stockengine.journal.ScratchDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures how fast the accounting consumer turns a journal into a ledger: writes a journal of an
 * {@link AccountingWorkload} with the real journaled engine (or reuses one), then times the consumer catching up
 * into a fresh embedded H2 ledger and, given {@code --pg-url}, into a fresh schema of a PostgreSQL database, and
 * reconciles each ledger afterwards (not timed) to show the numbers are of correct work.
 * <pre>
 *   mvn -q -B install -DskipTests
 *   mvn -q -B -pl accounting exec:exec -Dload.args="--commands 2000000 --pg-url jdbc:postgresql://127.0.0.1/db?user=u"
 * </pre>
 */
@Command(name = "accounting-load", mixinStandardHelpOptions = true,
    description = "Time the accounting consumer on a journal of a few million events, into H2 and PostgreSQL.")
public final class AccountingLoad implements Callable<Integer>
{
    /** The consumer thread's own CPU time tells its cost apart from a busy machine's waiting. */
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Option(names = "--dir", paramLabel = "DIR",
        description = "Where the journal and the H2 ledger go (default: a new directory under java.io.tmpdir).")
    Path dir;

    @Option(names = "--commands", paramLabel = "N", defaultValue = "2000000",
        description = "Commands to run through the engine (about 1.6 events each; default: ${DEFAULT-VALUE}).")
    long commands;

    @Option(names = "--seed", defaultValue = "1", description = "Workload seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch", paramLabel = "EVENTS", defaultValue = "" + AccountingConsumer.DEFAULT_BATCH,
        description = "Events per ledger transaction (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--method", converter = CostMethodConverter.class, defaultValue = "fifo",
        description = "Cost method of every SKU (default: ${DEFAULT-VALUE}).")
    CostMethod method;

    @Option(names = "--reuse-journal", description = "Keep the journal already in --dir instead of writing one.")
    boolean reuse;

    @Option(names = "--pg-url", paramLabel = "JDBC_URL", description = "Also time a PostgreSQL ledger here.")
    String pgUrl;

    @Option(names = "--no-h2", description = "Skip the embedded H2 ledger.")
    boolean noH2;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
        description = "Time each ledger N times, each time into a fresh one, in this JVM: the first run pays for " +
            "compiling the database's code, the later ones show the consumer warm (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Override
    public Integer call()
    {
        final Path root = dir != null ? dir : temporaryDirectory();
        final JournalConfig journal = new JournalConfig().dataDir(root.resolve("data")).snapshots(false);
        final long lastSeq;
        if (reuse)
        {
            try (JournalReader reader = JournalReader.open(new JournalReader.Context().config(journal)))
            {
                reader.catchUp(new AbstractEventSink()
                {
                });
                lastSeq = reader.lastSeq();
            }
            System.out.printf("reusing the journal in %s%n", journal.journalDir());
        }
        else
        {
            // Only a directory a run made is emptied: --dir . in a checkout must not take the engine's ./data.
            try
            {
                ScratchDir.empty(ScratchDir.claim(journal.dataDir(), "acct-load"));
            }
            catch (final IllegalArgumentException ex)
            {
                System.err.println("accounting-load: --dir " + root + " holds a data/ this program did not make, " +
                    "and a run empties it: give it a directory of its own, e.g. --dir " + root.resolve("acct-load"));
                return 2;
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            final long start = System.nanoTime();
            lastSeq = JournalWriter.write(journal, new AccountingWorkload(seed), 1, commands,
                done -> System.out.printf("  %,d commands%n", done));
            final double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("journal: %,d commands -> %,d events in %.1f s (%,.0f events/s) in %s%n", commands,
                lastSeq, seconds, lastSeq / seconds, journal.journalDir());
        }
        final CostingConfig costing = CostingConfig.of(method);
        for (int run = 1; run <= Math.max(1, repeat); run++)
        {
            final String suffix = repeat > 1 ? " #" + run : "";
            if (!noH2)
            {
                deleteRecursively(journal.dataDir().resolve("accounting"));
                measure("H2 (embedded file)" + suffix, journal, new LedgerConfig()
                    .url(LedgerConfig.defaultUrl(journal.dataDir())).consumerName("load-h2").costing(costing), lastSeq);
            }
            if (pgUrl != null)
            {
                measure("PostgreSQL" + suffix, journal, new LedgerConfig().url(pgUrl)
                    .schema("load_" + System.currentTimeMillis() + "_" + run).consumerName("load-pg").costing(costing),
                    lastSeq);
            }
        }
        return 0;
    }

    private void measure(final String name, final JournalConfig journal, final LedgerConfig config,
        final long lastSeq)
    {
        final long start = System.nanoTime();
        final long events;
        final long postings;
        final long commits;
        final long nanos;
        final long cpuNanos;
        try (AccountingConsumer consumer = AccountingConsumer.open(journal, config))
        {
            final long catchUpStart = System.nanoTime();
            final long cpuStart = THREADS.getCurrentThreadCpuTime();
            events = consumer.catchUp(batch, (n, seq, made, elapsed) ->
                System.out.printf("  %s: %,d events, %,.0f events/s%n", name, n, n * 1e9 / elapsed));
            cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuStart;
            nanos = System.nanoTime() - catchUpStart;
            postings = consumer.ledger().postings();
            commits = consumer.ledger().commits();
        }
        final double seconds = nanos / 1e9;
        final double cpuSeconds = cpuNanos / 1e9;
        System.out.printf("%s, %s: %,d events -> %,d postings in %,d commits of up to %,d events: catch-up %.1f s, " +
            "%,.0f events/s; consumer thread CPU %.1f s, %,.0f events per CPU second; with open and close %.1f s%n",
            name, method.label(), events, postings, commits, batch, seconds, events / seconds, cpuSeconds,
            events / cpuSeconds, (System.nanoTime() - start) / 1e9);
        if (events != lastSeq)
        {
            throw new IllegalStateException(name + " consumed " + events + " events of " + lastSeq);
        }
        try (LedgerReports reports = LedgerReports.open(config))
        {
            final Reconciler.Result result = Reconciler.reconcile(reports,
                Reconciler.replay(journal, new InventoryState(new EngineConfig()), reports.ledgerSeq()));
            System.out.printf("%s reconcile: %s; %,d units valued at %s, debits %s = credits %s%n", name,
                result.clean() ? "clean" : result.differences().size() + " differences " + result.differences(),
                result.units(), Money.format(result.layerValue()), Money.format(result.debits()),
                Money.format(result.credits()));
        }
    }

    private static Path temporaryDirectory()
    {
        try
        {
            return Files.createTempDirectory("accounting-load");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void deleteRecursively(final Path path)
    {
        if (!Files.exists(path))
        {
            return;
        }
        try (Stream<Path> files = Files.walk(path))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot delete " + path, ex);
        }
    }

    public static void main(final String[] args)
    {
        AccountingTool.defaultProperty("chronicle.analytics.disable", "true");
        AccountingTool.defaultProperty("chronicle.announcer.disable", "true");
        AccountingTool.defaultProperty("chronicle.disk.monitor.disable", "true");
        AccountingTool.defaultProperty("org.slf4j.simpleLogger.log.net.openhft", "warn");
        System.exit(new CommandLine(new AccountingLoad()).execute(args));
    }
}
