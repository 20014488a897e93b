package io.stockengine.accounting;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import io.stockengine.journal.JournalConfig;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The options every {@link AccountingTool} command shares: where the journal is and where the ledger is. The
 * password, when the database needs one, comes from the environment variable {@value #PASSWORD_ENV} so that it never
 * shows in a process listing.
 */
final class LedgerOptions
{
    static final String PASSWORD_ENV = "ACCOUNTING_DB_PASSWORD";

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./data",
        description = "The engine's data directory, the one holding journal/ (default: ${DEFAULT-VALUE}). The " +
            "embedded ledger lives in its accounting/ directory.")
    Path dataDir;

    @Option(names = "--db-url", paramLabel = "JDBC_URL",
        description = "The ledger's database: jdbc:postgresql://host:port/db, or jdbc:h2:... (default: the embedded " +
            "H2 file <data-dir>/accounting/ledger). The password comes from $" + PASSWORD_ENV + ".")
    String url;

    @Option(names = "--db-user", paramLabel = "USER", description = "The database user.")
    String user;

    @Option(names = "--db-schema", paramLabel = "SCHEMA",
        description = "A schema of its own for the ledger (created when missing).")
    String schema;

    @Option(names = "--consumer", paramLabel = "NAME", defaultValue = LedgerConfig.DEFAULT_CONSUMER,
        description = "The consumer name registered with the journal (default: ${DEFAULT-VALUE}).")
    String consumer;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    private Path dataDir()
    {
        return dataDir.toAbsolutePath().normalize();
    }

    /**
     * What a report at ledger seq {@code ledgerSeq} leaves out: the journal's events past it, or nothing to say when
     * there is no journal in the data directory to compare with (a ledger elsewhere) or it cannot be read.
     */
    String notYetAccounted(final long ledgerSeq)
    {
        final JournalConfig config = new JournalConfig().dataDir(dataDir());
        if (!Files.isDirectory(config.journalDir()))
        {
            return "";
        }
        final long journal;
        try
        {
            journal = io.stockengine.journal.JournalReader.lastSeq(config);
        }
        catch (final RuntimeException ex)
        {
            return String.format("%nThe journal in %s cannot be read to tell whether events are left to account: %s%n",
                config.journalDir(), ex.getMessage());
        }
        return journal > ledgerSeq ? String.format("%nNOT COMPLETE: the journal holds events up to seq %,d; the %,d " +
            "after seq %,d are not in the ledger yet (run 'accounting-tool run' to post them).%n", journal,
            journal - ledgerSeq, ledgerSeq) : String.format("%nThe ledger has posted everything the journal holds " +
            "(up to seq %,d).%n", journal);
    }

    /** @throws ParameterException (exit code 2) when the directory holds no journal. */
    JournalConfig journal()
    {
        final Path dir = dataDir();
        final JournalConfig config = new JournalConfig().dataDir(dir);
        if (!Files.isDirectory(config.journalDir()))
        {
            throw new ParameterException(command.commandLine(), "there is no journal in " + dir + " (expected " +
                config.journalDir() + " written by the engine): is --data-dir the engine's data directory?");
        }
        return config;
    }

    /** The file of an embedded H2 database URL ({@code jdbc:h2:[file:]path[;...]}), or null for any other URL. */
    static Path embeddedH2File(final String jdbc)
    {
        if (!jdbc.startsWith("jdbc:h2:") || jdbc.toUpperCase(Locale.ROOT).contains("MV_STORE=FALSE") ||
            System.getProperty("h2.baseDir") != null)
        {
            // Another file name (.h2.db) or a base directory to resolve against: H2 itself is left to say.
            return null;
        }
        String path = jdbc.substring("jdbc:h2:".length());
        final int options = path.indexOf(';');
        path = options >= 0 ? path.substring(0, options) : path;
        if (path.startsWith("file:"))
        {
            path = path.substring("file:".length());
        }
        else if (path.contains(":"))
        {
            // mem:, tcp:, ssl:, zip: and the like: nothing on this disk to look for.
            return null;
        }
        if (path.startsWith("~"))
        {
            path = System.getProperty("user.home") + path.substring(1);
        }
        return Path.of(path + ".mv.db");
    }

    /**
     * The ledger's configuration.
     *
     * @param mustExist a report: the ledger must be there already (an embedded one is not created by reading it).
     */
    LedgerConfig ledger(final boolean mustExist)
    {
        String jdbc = url != null ? url : LedgerConfig.defaultUrl(dataDir());
        if (mustExist && url == null && !Files.isRegularFile(dataDir().resolve("accounting").resolve("ledger.mv.db")))
        {
            throw new ParameterException(command.commandLine(), "there is no ledger in " +
                dataDir().resolve("accounting") + ": run 'accounting-tool run --data-dir " + dataDir + "' first, " +
                "or pass --db-url");
        }
        if (mustExist && url != null)
        {
            final Path embedded = embeddedH2File(url);
            if (embedded != null && !Files.isRegularFile(embedded))
            {
                throw new ParameterException(command.commandLine(), "there is no ledger at " + embedded + " (from " +
                    "--db-url " + url + "): run 'accounting-tool run' with it first");
            }
        }
        if (mustExist && jdbc.startsWith("jdbc:h2:") && !jdbc.startsWith("jdbc:h2:mem:") &&
            !jdbc.toUpperCase(Locale.ROOT).contains("IFEXISTS"))
        {
            jdbc += ";IFEXISTS=TRUE";
        }
        try
        {
            return new LedgerConfig().url(jdbc).user(user).password(System.getenv(PASSWORD_ENV)).schema(schema)
                .consumerName(consumer).conclude();
        }
        catch (final AccountingConfigException ex)
        {
            throw new ParameterException(command.commandLine(), ex.getMessage());
        }
    }
}
