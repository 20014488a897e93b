package io.stockengine.accounting;

import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

import io.stockengine.journal.JournalCorruptedException;
import io.stockengine.journal.ShortUsageErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The accounting ledger's command-line tool: {@code run} consumes the journal into the ledger (catch up, or
 * {@code --follow}), and the reports {@code trial-balance}, {@code valuation}, {@code cogs} and {@code reconcile}.
 * <pre>
 *   java -Dchronicle.analytics.disable=true -jar accounting/target/accounting-tool.jar run --data-dir data
 * </pre>
 * Exit codes: 0 done (reconcile: clean), 1 the command failed or found a problem (reconcile: differences; an
 * unbalanced trial balance; an amount that would overflow; a ledger ahead of its journal), 2 a bad or missing flag,
 * a configuration that cannot be used, no journal or ledger where one was expected, a journal that cannot be read
 * (a file cut short or damaged at its start), or a journal pruned of the events reconcile needs.
 * <p>
 * picocli for the same reasons as the journal's tool: subcommands and options declared beside the fields they fill,
 * generated help, and a clear message with exit code 2 for any bad flag.
 */
@Command(name = "accounting-tool", mixinStandardHelpOptions = true, version = "accounting-tool 0.1.0",
    synopsisSubcommandLabel = "COMMAND",
    description = "Values the stock engine's journal and keeps a double-entry ledger of it.",
    subcommands = { RunCommand.class, TrialBalanceCommand.class, ValuationCommand.class, CogsCommand.class,
        ReconcileCommand.class })
public final class AccountingTool implements Callable<Integer>
{
    public static final int OK = 0;
    /** The command failed, or found differences. */
    public static final int PROBLEM = 1;
    /**
     * A bad or missing flag, an unusable configuration, no journal or ledger where one was expected, a journal that
     * cannot be read, or one too pruned to reconcile.
     */
    public static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        throw new ParameterException(spec.commandLine(), "name a command: run, trial-balance, valuation, cogs or " +
            "reconcile");
    }

    /** The tool, ready to {@link CommandLine#execute}; tests capture its output with setOut/setErr. */
    public static CommandLine commandLine()
    {
        final CommandLine commandLine = ShortUsageErrors.install(new CommandLine(new AccountingTool()));
        Converters.register(commandLine);
        commandLine.setExecutionExceptionHandler((ex, failed, parseResult) ->
        {
            if (ex instanceof AccountingConfigException || ex instanceof PrunedJournalException ||
                ex instanceof JournalCorruptedException)
            {
                failed.getErr().println("error: " + ex.getMessage());
                failed.getErr().flush();
                return USAGE;
            }
            if (ex instanceof ArithmeticException)
            {
                // The consumer's overflow names its event and what follows from it (LedgerSink); a report's is a sum
                // of its own, whose Java text ("long overflow") says nothing to the reader.
                failed.getErr().println("error: " + (failed.getCommand() instanceof RunCommand ? ex.getMessage() :
                    "a total of this report passes the largest amount the ledger can hold (" +
                    Money.format(Long.MAX_VALUE) + ")" + narrower(failed.getCommand())));
            }
            else if (ex instanceof LedgerException && uniqueViolation(ex))
            {
                failed.getErr().println("error: a row this run wrote is in the ledger already (" + ex.getMessage() +
                    "): another consumer is running on the same ledger (run one 'accounting-tool run' per " +
                    "ledger), or, if none is, a crash left the ledger holding work past its position (embedded H2 " +
                    "does, when killed): then rebuild it from the journal by moving it aside (the embedded one is " +
                    "the data directory's accounting/ folder) and running again. Nothing of this run was " +
                    "committed");
            }
            else if (ex instanceof LedgerException || ex instanceof IllegalStateException ||
                ex instanceof IllegalArgumentException || ex instanceof UncheckedIOException)
            {
                failed.getErr().println("error: " + ex.getMessage());
            }
            else
            {
                ex.printStackTrace(failed.getErr());
            }
            failed.getErr().flush();
            return PROBLEM;
        });
        return commandLine;
    }

    /** How a report whose total overflowed can be asked for less, with the options it has. */
    private static String narrower(final Object command)
    {
        if (command instanceof TrialBalanceCommand)
        {
            return ": a trial balance at an earlier point (--as-of-seq or --as-of-date) may still fit";
        }
        if (command instanceof ValuationCommand)
        {
            return ": the valuation of one SKU (--sku), or at an earlier point (--as-of-seq or --as-of-date), may " +
                "still fit";
        }
        if (command instanceof CogsCommand)
        {
            return ": a shorter period (--from, --to) may still fit";
        }
        return "; reconcile compares the whole ledger at its last seq and cannot be narrowed";
    }

    /** A write refused because the row is there already (SQLSTATE 23505, in H2 and PostgreSQL alike). */
    private static boolean uniqueViolation(final Throwable ex)
    {
        for (Throwable cause = ex; cause != null; cause = cause.getCause())
        {
            if (cause instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState()))
            {
                return true;
            }
        }
        return false;
    }

    public static void main(final String[] args)
    {
        // Chronicle reads these when its classes load: no phoning home, no banner, no chatter on stderr.
        defaultProperty("chronicle.analytics.disable", "true");
        defaultProperty("chronicle.announcer.disable", "true");
        defaultProperty("chronicle.disk.monitor.disable", "true");
        defaultProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        defaultProperty("org.slf4j.simpleLogger.log.net.openhft", "error");
        System.exit(commandLine().execute(args));
    }

    static void defaultProperty(final String name, final String value)
    {
        if (System.getProperty(name) == null)
        {
            System.setProperty(name, value);
        }
    }
}
