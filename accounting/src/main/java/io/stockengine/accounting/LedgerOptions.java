package io.stockengine.accounting;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import io.stockengine.journal.DataDirConverter;
import io.stockengine.journal.DataDirs;
import io.stockengine.journal.JournalConfig;
import io.stockengine.journal.JournalReader;
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
    /** Room for H2's lock file and a few of its pages: below this an embedded ledger is refused before opening. */
    static final long MIN_FREE_BYTES = 1L << 20;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./data", converter = DataDirConverter.class,
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
        description = "A schema of its own for the ledger (run creates it when missing; a report refuses one " +
            "without a ledger).")
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
     * The seq of the journal's last event, checked before a report opens the ledger, or -1 when the data directory
     * holds no journal to compare with (a ledger kept elsewhere).
     *
     * @throws io.stockengine.journal.JournalCorruptedException when a journal file is cut short or damaged at its
     *         start: a report would otherwise read it as a shorter or empty journal and call the ledger complete.
     */
    long journalEnd()
    {
        final JournalConfig config = new JournalConfig().dataDir(dataDir());
        return Files.isDirectory(config.journalDir()) ? JournalReader.lastSeq(config) : -1;
    }

    /**
     * What a report at ledger seq {@code ledgerSeq} leaves out: the journal's events past it, or nothing to say when
     * there is no journal in the data directory.
     *
     * @param checkedEnd the {@link #journalEnd} read before the ledger was opened.
     * @throws IllegalStateException when the ledger is past the journal's end, as {@code run} and {@code reconcile}
     *         refuse it: a ledger of another (longer) journal, whose figures are not this journal's.
     */
    String notYetAccounted(final long checkedEnd, final long ledgerSeq)
    {
        if (checkedEnd < 0)
        {
            return "";
        }
        // A following consumer may have committed events the engine appended since the journal was first read.
        final long journalEnd = ledgerSeq > checkedEnd ? Math.max(journalEnd(), checkedEnd) : checkedEnd;
        if (ledgerSeq > journalEnd)
        {
            throw Reconciler.aheadOfJournal(journalEnd, ledgerSeq);
        }
        return journalEnd > ledgerSeq ? String.format("%nNOT COMPLETE: the journal holds events up to seq %,d; the " +
            "%,d after seq %,d are not in the ledger yet (run 'accounting-tool run' to post them).%n", journalEnd,
            journalEnd - ledgerSeq, ledgerSeq) : String.format("%nThe ledger has posted everything the journal " +
            "holds (up to seq %,d).%n", journalEnd);
    }

    /** @throws AccountingConfigException (exit code 2) when the directory holds no journal. */
    JournalConfig journal()
    {
        final Path dir = dataDir();
        final JournalConfig config = new JournalConfig().dataDir(dir);
        if (!Files.isDirectory(config.journalDir()))
        {
            throw new AccountingConfigException(DataDirs.unreadable(dir).or(() -> DataDirs.misplaced(dir))
                .orElse("there is no journal in " + dir + " (expected " + config.journalDir() + " written by the " +
                "engine): is --data-dir the engine's data directory?"));
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
        final Path file = embeddedH2File(jdbc);
        final Path embedded = file == null ? null : file.toAbsolutePath().normalize();
        final Path nearest = embedded == null ? null : nearestExisting(embedded);
        if (nearest != null && !Files.isDirectory(nearest))
        {
            throw new AccountingConfigException(nearest + " is a file, not a directory: move it aside (the ledger " +
                embedded + " goes in that directory)");
        }
        if (mustExist && url == null && !Files.isRegularFile(dataDir().resolve("accounting").resolve("ledger.mv.db")))
        {
            throw new AccountingConfigException(DataDirs.misplaced(dataDir()).orElse("there is no ledger in " +
                dataDir().resolve("accounting") + ": run 'accounting-tool run --data-dir " + dataDir + "' first, or " +
                "pass --db-url"));
        }
        if (mustExist && url != null && embedded != null && !Files.isRegularFile(embedded))
        {
            throw new AccountingConfigException("there is no ledger at " + embedded + " (from --db-url " + url +
                "): run 'accounting-tool run' with it first");
        }
        if (nearest != null && jdbc.toUpperCase(Locale.ROOT).contains("AUTO_SERVER=TRUE"))
        {
            requireWritable(embedded, nearest);
        }
        if (nearest != null)
        {
            requireRoom(embedded, nearest, usableSpace(nearest));
        }
        if (mustExist && jdbc.startsWith("jdbc:h2:") && !jdbc.startsWith("jdbc:h2:mem:") &&
            !jdbc.toUpperCase(Locale.ROOT).contains("IFEXISTS"))
        {
            jdbc += ";IFEXISTS=TRUE";
        }
        if (embedded != null && !jdbc.toUpperCase(Locale.ROOT).contains("TRACE_LEVEL_FILE"))
        {
            // H2 writes its errors to a .trace.db file beside the ledger, and where it cannot (the directory is
            // read-only or not a directory) prints that failure with a stack trace to stdout and stderr, ahead of the
            // error the tool reports anyway. Through SLF4J instead, which LedgerStore keeps quiet unless asked.
            jdbc += ";TRACE_LEVEL_FILE=4";
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

    /**
     * Refuses an embedded ledger on a full disk in a sentence: H2 reports it as a lock file whose properties it could
     * not save, which reads like a locking problem (a tester's finding).
     */
    static void requireRoom(final Path ledgerFile, final Path nearest, final long usable)
    {
        if (usable < MIN_FREE_BYTES)
        {
            throw new IllegalStateException("cannot open the ledger " + ledgerFile + ": the disk holding " + nearest +
                " has " + (usable >> 10) + " KiB free, and H2 writes a lock file beside the ledger even to read it " +
                "(and the ledger grows as it posts): free some space");
        }
    }

    /** Free bytes where the ledger is, or the most there could be when that cannot be read. */
    private static long usableSpace(final Path nearest)
    {
        try
        {
            return Files.getFileStore(nearest).getUsableSpace();
        }
        catch (final java.io.IOException ex)
        {
            // Not knowing is no reason to refuse: H2 opening it will say what is wrong, if anything is.
            return Long.MAX_VALUE;
        }
    }

    /** The ledger file's nearest directory on disk (or what stands in its place), null for none. */
    private static Path nearestExisting(final Path ledgerFile)
    {
        Path existing = ledgerFile.getParent();
        while (existing != null && !Files.exists(existing))
        {
            existing = existing.getParent();
        }
        return existing;
    }

    /**
     * Refuses, in a sentence where H2 would answer with its own error codes, a shared (AUTO_SERVER, the default)
     * embedded ledger this user cannot write: H2 writes a lock file beside the ledger even to read it, and opens a
     * read-only file read-only, which the shared mode does not allow.
     */
    private static void requireWritable(final Path ledgerFile, final Path nearest)
    {
        final boolean exists = Files.exists(ledgerFile);
        if (!Files.isWritable(nearest))
        {
            throw new IllegalStateException(exists ? "cannot open the ledger " + ledgerFile + ": " + nearest +
                " is not writable by this user, and H2 writes a lock file beside the ledger even to read it" :
                "cannot create the ledger " + ledgerFile + ": " + nearest + " is not writable by this user");
        }
        if (exists && !Files.isWritable(ledgerFile))
        {
            throw new IllegalStateException("cannot open the ledger " + ledgerFile + ": it is not writable by this " +
                "user, and H2 opens it for writing even to read it (so that a running consumer can share it)");
        }
    }
}
