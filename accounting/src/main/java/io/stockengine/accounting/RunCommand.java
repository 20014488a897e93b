package io.stockengine.accounting;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.agrona.concurrent.SleepingMillisIdleStrategy;

import io.stockengine.journal.JournalConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code run}: consumes the journal into the ledger, committing every {@code --batch} events with the position in
 * the same transaction. Without {@code --follow} it stops when it has caught up; with it, it tails the journal until
 * stopped (SIGINT/SIGTERM: the batch in hand is committed first).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Consume the journal into the ledger: catch up and stop, or --follow.")
final class RunCommand implements Callable<Integer>
{
    @Mixin
    LedgerOptions ledger;

    @Option(names = "--follow", description = "Keep tailing the journal until stopped.")
    boolean follow;

    @Option(names = "--batch", paramLabel = "EVENTS", defaultValue = "" + AccountingConsumer.DEFAULT_BATCH,
        description = "Events per database transaction (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--chart", paramLabel = "FILE",
        description = "The chart of accounts (properties; default: the built-in chart, see docs/accounting.md).")
    Path chart;

    @Option(names = "--costing", paramLabel = "FILE",
        description = "Cost methods per SKU and standard costs (properties).")
    Path costing;

    @Option(names = "--method", paramLabel = "METHOD", converter = CostMethodConverter.class,
        description = "The cost method of every SKU the costing file does not name: fifo (the default), average " +
            "or standard.")
    CostMethod method;

    @Option(names = "--idle-ms", paramLabel = "MS", defaultValue = "10",
        description = "With --follow, how long to sleep when the journal has nothing new (default: ${DEFAULT-VALUE}).")
    long idleMillis;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        if (batch < 1)
        {
            throw new ParameterException(spec.commandLine(), "--batch must be at least 1");
        }
        if (idleMillis < 1)
        {
            throw new ParameterException(spec.commandLine(), "--idle-ms must be at least 1");
        }
        final JournalConfig journal = ledger.journal();
        final LedgerConfig config = ledger.ledger(false);
        CostingConfig costingConfig = costing == null ? CostingConfig.defaults() : CostingConfig.load(costing);
        if (method != null)
        {
            costingConfig = costingConfig.withDefaultMethod(method);
        }
        config.costing(costingConfig).chart(chart == null ? ChartOfAccounts.defaults() : ChartOfAccounts.load(chart));
        final PrintWriter out = spec.commandLine().getOut();
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicBoolean done = new AtomicBoolean();
        final java.util.concurrent.atomic.AtomicReference<RuntimeException> failure =
            new java.util.concurrent.atomic.AtomicReference<>();
        final CountDownLatch stopped = new CountDownLatch(1);
        // On SIGINT/SIGTERM: stop after the batch in hand is committed, and let the JVM exit only once closed. The
        // JVM would report the signal (143), and the main thread's own status and error message wait behind this
        // hook, so the hook reports the outcome itself: 0 for a stop that committed and closed everything, 1 and the
        // error for a failure.
        final Thread hook = !follow ? null : new Thread(() ->
        {
            running.set(false);
            try
            {
                if (!stopped.await(60, java.util.concurrent.TimeUnit.SECONDS))
                {
                    return;
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
            System.out.flush();
            if (done.get())
            {
                Runtime.getRuntime().halt(AccountingTool.OK);
            }
            final RuntimeException failed = failure.get();
            if (failed != null)
            {
                System.err.println("error: " + failed.getMessage());
                System.err.flush();
                Runtime.getRuntime().halt(AccountingTool.PROBLEM);
            }
        }, "accounting-stop");
        if (hook != null)
        {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        final long start = System.nanoTime();
        try
        {
            try (AccountingConsumer consumer = AccountingConsumer.open(journal, config))
            {
                out.printf("ledger %s, %s, at seq %,d; reading the journal from seq %,d%n",
                    LedgerStore.redact(config.url()), consumer.ledger().schemaStatus(), consumer.ledger().lastSeq(),
                    consumer.ledger().lastSeq() + 1);
                out.flush();
                final AccountingConsumer.Progress progress = (events, seq, postings, nanos) ->
                {
                    out.printf("  %,d events (seq %,d), %,d postings, %,.0f events/s%n", events, seq, postings,
                        events * 1e9 / nanos);
                    out.flush();
                };
                final long events = follow ?
                    consumer.follow(batch, new SleepingMillisIdleStrategy(idleMillis), running::get, progress) :
                    consumer.catchUp(batch, progress);
                final double seconds = (System.nanoTime() - start) / 1e9;
                out.printf("consumed %,d events up to seq %,d: %,d postings in %,d commits, %.1f s (%,.0f events/s)%n",
                    events, consumer.ledger().lastSeq(), consumer.ledger().postings(), consumer.ledger().commits(),
                    seconds, events / Math.max(seconds, 1e-9));
                if (consumer.reader().tornFrom() >= 0)
                {
                    out.println("warning: the journal ends with an unreadable excerpt (" +
                        consumer.reader().tornReason() + "), a write cut short by a crash; the engine voids it when " +
                        "it next starts");
                }
                out.flush();
            }
            done.set(true);
        }
        catch (final RuntimeException ex)
        {
            failure.set(ex);
            throw ex;
        }
        finally
        {
            stopped.countDown();
            if (hook != null)
            {
                try
                {
                    // Not a stop by signal: a later exit of this JVM (an embedding program's) is none of its business.
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
                catch (final IllegalStateException shuttingDown)
                {
                    // The JVM is stopping and the hook is running: it reports the outcome.
                }
            }
        }
        return AccountingTool.OK;
    }
}
