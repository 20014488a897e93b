package io.stockengine.journal;

import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The journal's command-line tool, for operators and for anyone asking what happened to a SKU or an order:
 * {@code tail}, {@code trace}, {@code verify}, {@code stats} and {@code prune}, each on the journal of a
 * {@code --data-dir}. Run it from the shaded jar:
 * <pre>
 *   java -Dchronicle.analytics.disable=true -jar journal/target/journal-tools.jar verify --data-dir data
 * </pre>
 * Exit codes: 0 done, 1 the journal has a problem (or a trace found nothing, or the command failed), 2 a bad or
 * missing flag or data directory.
 * <p>
 * The parsing is picocli's ({@code info.picocli:picocli}) rather than hand-written: it is well kept (regular
 * releases, no dependencies of its own, a single small jar to shade), subcommands and their options are declared with
 * annotations beside the fields they fill, and it generates each command's help and usage text and a clear message
 * and exit code 2 for an unknown, malformed, missing or conflicting flag, which a hand-written parser would have to
 * get right again for every subcommand.
 */
@Command(name = "journal-tool", mixinStandardHelpOptions = true, version = "journal-tool 0.1.0",
    synopsisSubcommandLabel = "COMMAND",
    description = "Reads the stock engine's journal: tail it, trace a SKU or an order, verify it, count it, prune it.",
    subcommands = { TailCommand.class, TraceCommand.class, VerifyCommand.class, StatsCommand.class,
        PruneCommand.class })
public final class JournalTool implements Callable<Integer>
{
    /** The journal is fine and the command did what it was asked. */
    public static final int OK = 0;
    /** The journal has a problem, a trace found nothing, or the command failed. */
    public static final int PROBLEM = 1;
    /** A bad or missing flag, or a data directory without a journal. */
    public static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        throw new ParameterException(spec.commandLine(), "name a command: tail, trace, verify, stats or prune");
    }

    private static Long wholeNumber(final String value)
    {
        final String digits = value.strip();
        if (digits.matches("[-+]?[0-9]+"))
        {
            try
            {
                return Long.parseLong(digits);
            }
            catch (final NumberFormatException pastALong)
            {
                throw new CommandLine.TypeConversionException("'" + value + "' is past the largest whole number, " +
                    Long.MAX_VALUE);
            }
        }
        throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number");
    }

    /** The tool, ready to {@link CommandLine#execute}; tests capture its output with setOut/setErr. */
    public static CommandLine commandLine()
    {
        final CommandLine commandLine = ShortUsageErrors.install(new CommandLine(new JournalTool()));
        // In words a user reads, as the accounting tool says it, not picocli's "is not a long".
        commandLine.registerConverter(Long.class, JournalTool::wholeNumber);
        commandLine.registerConverter(Long.TYPE, JournalTool::wholeNumber);
        commandLine.setExecutionExceptionHandler((ex, failed, parseResult) ->
        {
            if (ex instanceof JournalCorruptedException || ex instanceof IllegalStateException ||
                ex instanceof IllegalArgumentException || ex instanceof UncheckedIOException)
            {
                failed.getErr().println("error: " + ex.getMessage());
            }
            else
            {
                // Not a user's mistake: most likely damaged files under Chronicle. The causes say what, without
                // a stack trace the user cannot act on.
                final StringBuilder why = new StringBuilder("error: ").append(ex);
                for (Throwable cause = ex.getCause(); cause != null && cause != cause.getCause();
                    cause = cause.getCause())
                {
                    why.append("; caused by ").append(cause);
                }
                failed.getErr().println(why.append(". Are the journal's files damaged? Restore them from a copy."));
            }
            failed.getErr().flush();
            return PROBLEM;
        });
        return commandLine;
    }

    public static void main(final String[] args)
    {
        // Chronicle reads these when its classes load: no phoning home, no banner, no chatter on stderr.
        defaultProperty("chronicle.analytics.disable", "true");
        defaultProperty("chronicle.announcer.disable", "true");
        defaultProperty("chronicle.disk.monitor.disable", "true");
        defaultProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        defaultProperty("org.slf4j.simpleLogger.log.net.openhft", "error");
        int exit;
        try
        {
            exit = commandLine().execute(args);
        }
        catch (final InternalError ex)
        {
            // How the JVM reports a fault on a memory-mapped file (SIGBUS): its pages could not be read.
            System.err.println("error: reading the journal's memory-mapped files faulted (" + ex.getMessage() + "): " +
                "a file shorter than its contents, a full or failing disk. Run verify; restore damaged files from " +
                "a copy.");
            exit = PROBLEM;
        }
        System.exit(exit);
    }

    private static void defaultProperty(final String name, final String value)
    {
        if (System.getProperty(name) == null)
        {
            System.setProperty(name, value);
        }
    }
}
