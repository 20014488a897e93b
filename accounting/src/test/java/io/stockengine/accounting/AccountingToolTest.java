package io.stockengine.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.InventoryState;
import io.stockengine.engine.ResultCode;
import io.stockengine.engine.StockEngine;
import io.stockengine.journal.ChronicleJournal;
import io.stockengine.journal.JournalConfig;
import io.stockengine.journal.JournalTool;
import io.stockengine.journal.Queues;
import io.stockengine.journal.SnapshotStore;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * The command-line tool end to end on a journal written by the engine: {@code run} into the default embedded ledger,
 * every report, {@code reconcile} clean and then, on a ledger tampered with, listing the differences with exit code
 * 1; bad flags and unusable configuration answered with exit code 2 and a sentence.
 */
@Timeout(120)
class AccountingToolTest
{
    @TempDir
    static Path dir;

    private static String data;
    private static long lastSeq;

    /** What one run of the tool printed, and its exit code. */
    record Run(int exit, String out, String err)
    {
    }

    static Run tool(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exit = AccountingTool.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
            .execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String[] with(final String... args)
    {
        final List<String> all = new ArrayList<>(List.of(args));
        all.add("--data-dir");
        all.add(data);
        return all.toArray(new String[0]);
    }

    @BeforeAll
    static void writeJournalAndRun()
    {
        final JournalConfig journal = new JournalConfig().dataDir(dir.resolve("data")).snapshots(false);
        lastSeq = JournalWriter.write(journal, new AccountingWorkload(3), 1, 4_000, null);
        data = journal.dataDir().toString();
        final Run run = tool(with("run", "--batch", "1000"));
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains(String.format("consumed %,d events up to seq %,d", lastSeq, lastSeq)), run.out());
        assertTrue(Files.isRegularFile(journal.dataDir().resolve("accounting").resolve("ledger.mv.db")));
        assertTrue(Files.isRegularFile(journal.consumerDir().resolve("accounting.position")),
            "the consumer is registered with the journal, so prune keeps what it has not read");
    }

    @Test
    void shouldConsumeNothingTwice()
    {
        final Run again = tool(with("run"));
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains(String.format("consumed 0 events up to seq %,d", lastSeq)), again.out());
    }

    @Test
    void shouldPrintABalancedTrialBalance()
    {
        final Run now = tool(with("trial-balance"));
        assertEquals(0, now.exit(), now.err());
        assertTrue(now.out().contains("balanced: debits equal credits"), now.out());
        assertTrue(now.out().contains("1300") && now.out().contains("Inventory *"), now.out());
        assertTrue(now.out().contains(String.format("The ledger has posted everything the journal holds (up to " +
            "seq %,d)", lastSeq)), now.out());
        final Run atSeq = tool(with("trial-balance", "--as-of-seq", "500"));
        assertEquals(0, atSeq.exit(), atSeq.err());
        assertTrue(atSeq.out().contains("as of seq 500 "), atSeq.out());
        final Run atDate = tool(with("trial-balance", "--as-of-date", "2027-01-15"));
        assertEquals(0, atDate.exit(), atDate.err());
        assertTrue(atDate.out().contains("the end of 2027-01-15"), atDate.out());
    }

    @Test
    void shouldPrintValuationAndCogs()
    {
        final Run valuation = tool(with("valuation"));
        assertEquals(0, valuation.exit(), valuation.err());
        assertTrue(valuation.out().contains("TOTAL") && valuation.out().contains("fifo"), valuation.out());
        final Run one = tool(with("valuation", "--sku", "S1", "--all"));
        assertEquals(0, one.exit(), one.err());
        assertTrue(one.out().lines().filter(line -> line.matches("S\\d+ .*")).allMatch(line -> line.startsWith("S1 ")),
            one.out());
        assertEquals(3, one.out().lines().filter(line -> line.startsWith("S1 ")).count(), one.out());
        assertTrue(!one.out().contains("never been valued"), one.out());
        final Run unknown = tool(with("valuation", "--sku", "NOPE"));
        assertEquals(0, unknown.exit(), unknown.err());
        assertTrue(unknown.out().contains("SKU NOPE has never been valued in this ledger"), unknown.out());
        final Run cogs = tool(with("cogs"));
        assertEquals(0, cogs.exit(), cogs.err());
        assertTrue(cogs.out().contains("2027-01-15"), "engine time of the workload: " + cogs.out());
        assertTrue(cogs.out().startsWith("Cost of goods sold by day (UTC) at seq"), cogs.out());
        final Run zoned = tool(with("cogs", "--zone", "Asia/Tokyo"));
        assertEquals(0, zoned.exit(), zoned.err());
        assertTrue(zoned.out().startsWith("Cost of goods sold by day (Asia/Tokyo) at seq"), zoned.out());
        assertEquals(cogs.out().lines().filter(line -> line.startsWith("TOTAL")).toList(),
            zoned.out().lines().filter(line -> line.startsWith("TOTAL")).toList(), "the same postings, other days");
        final Run atDate = tool(with("valuation", "--as-of-date", "2027-01-15", "--zone", "-05:00"));
        assertEquals(0, atDate.exit(), atDate.err());
        assertTrue(atDate.out().contains("as of the end of 2027-01-15 (-05:00)"), atDate.out());
    }

    /**
     * At month-end a report must say when the journal holds events its ledger has not posted yet: before, a trial
     * balance for today left out today's last receipt and said nothing (a black-box tester).
     */
    @Test
    void shouldSayWhenTheJournalHoldsEventsTheLedgerHasNotPosted()
    {
        final JournalConfig journal = new JournalConfig().dataDir(dir.resolve("behind")).snapshots(false);
        final AccountingWorkload workload = new AccountingWorkload(5);
        final long posted = JournalWriter.write(journal, workload, 1, 300, null);
        final String behind = journal.dataDir().toString();
        assertEquals(0, tool("run", "--data-dir", behind).exit());
        final long written = JournalWriter.write(journal, workload, 301, 400, null);
        assertTrue(written > posted, "the workload journals more");
        for (final String report : new String[] { "trial-balance", "valuation", "cogs" })
        {
            final Run run = tool(report, "--data-dir", behind);
            assertEquals(0, run.exit(), run.err());
            assertTrue(run.out().contains(String.format("NOT COMPLETE: the journal holds events up to seq %,d; the " +
                "%,d after seq %,d are not in the ledger yet", written, written - posted, posted)), run.out());
        }
    }

    /** A report for a consumer that does not keep this ledger would show its postings "at seq 0". */
    @Test
    void shouldRefuseAReportForAnotherConsumer()
    {
        final Run other = tool(with("valuation", "--consumer", "other"));
        assertEquals(2, other.exit(), other.out() + other.err());
        assertTrue(other.err().contains("kept by consumer [accounting], not 'other'"), other.err());
    }

    @Test
    void shouldReconcileClean()
    {
        final Run reconcile = tool(with("reconcile"));
        assertEquals(0, reconcile.exit(), reconcile.out() + reconcile.err());
        assertTrue(reconcile.out().contains("clean: units and value reconcile"), reconcile.out());
    }

    @Test
    void shouldListEveryDifferenceOfATamperedLedger() throws Exception
    {
        final String url = "jdbc:h2:file:" + dir.resolve("tampered").toAbsolutePath();
        final Run run = tool(with("run", "--db-url", url, "--consumer", "tampered"));
        assertEquals(0, run.exit(), run.err());
        final String where;
        try (Connection connection = TestLedgers.connect(new LedgerConfig().url(url));
             Statement statement = connection.createStatement())
        {
            final String[] stock = TestLedgers.lines(new LedgerConfig().url(url), "SELECT p.sku, p.location, s.name, " +
                "l.name FROM stock_position p JOIN symbol s ON s.kind = 0 AND s.id = p.sku JOIN symbol l ON " +
                "l.kind = 1 AND l.id = p.location WHERE p.units > 0 ORDER BY p.sku, p.location").get(0).split(" ");
            where = stock[2] + " @ " + stock[3];
            assertEquals(1, statement.executeUpdate("UPDATE stock_position SET units = units + 2 WHERE sku = " +
                stock[0] + " AND location = " + stock[1]));
            assertEquals(1, statement.executeUpdate("UPDATE posting SET amount = amount + 1 WHERE id = (SELECT " +
                "MIN(id) FROM posting WHERE kind = " + PostingKind.SALE.code() + ")"));
        }
        final Run reconcile = tool(with("reconcile", "--db-url", url, "--consumer", "tampered"));
        assertEquals(1, reconcile.exit(), reconcile.out() + reconcile.err());
        assertTrue(reconcile.out().contains("DIFFERENCE units of " + where + ": cost layers"), reconcile.out());
        assertTrue(reconcile.out().contains("DIFFERENCE value of"), reconcile.out());
        assertTrue(reconcile.out().contains("DIFFERENCE total value: inventory accounts"), reconcile.out());
    }

    /**
     * Two days of the workload in two daily cycle files (Chronicle's clock moved on a day between them), a snapshot at
     * the end, consumed whole into the embedded ledger.
     *
     * @return the cycle files, oldest first.
     */
    private static List<Path> writeTwoDaysAndRun(final JournalConfig journal) throws Exception
    {
        Files.createDirectories(journal.journalDir());
        final AccountingWorkload workload = new AccountingWorkload(7);
        final SetTimeProvider clock = new SetTimeProvider(Instant.ofEpochMilli(AccountingWorkload.BASE_TIME));
        final InventoryState state = new InventoryState(new EngineConfig());
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(journal.journalDir().toFile())
            .rollCycle(RollCycles.FAST_DAILY).timeProvider(clock).build();
             ChronicleJournal writer = new ChronicleJournal(queue, journal, 0))
        {
            final StockEngine engine = new StockEngine(state, writer.recorder());
            final Command command = new Command();
            for (long i = 1; i <= 3_000; i++)
            {
                command.reset();
                workload.fill(i, command);
                writer.beforeCommand(command);
                engine.process(command);
                writer.onCommand(command, i % 5 == 0);
                if (i == 1_500)
                {
                    clock.advanceMillis(86_400_000L);
                }
            }
            new SnapshotStore(journal.snapshotDir(), 2).write(state, queue.lastIndex());
        }
        final Run run = tool("run", "--data-dir", journal.dataDir().toString());
        assertEquals(0, run.exit(), run.out() + run.err());
        try (Stream<Path> files = Files.list(journal.journalDir()))
        {
            return files.filter(file -> file.toString().endsWith(".cq4")).sorted().toList();
        }
    }

    @Test
    void shouldRefuseToReconcileAJournalPrunedOfItsFirstEvents() throws Exception
    {
        final JournalConfig journal = new JournalConfig().dataDir(dir.resolve("pruned")).rollCycle("FAST_DAILY");
        final List<Path> files = writeTwoDaysAndRun(journal);
        assertEquals(2, files.size(), "one file per day: " + files);
        final StringWriter pruneOut = new StringWriter();
        final int pruned = JournalTool.commandLine().setOut(new PrintWriter(pruneOut)).execute("prune", "--yes",
            "--data-dir", journal.dataDir().toString());
        assertEquals(0, pruned, pruneOut.toString());
        assertTrue(Files.notExists(files.get(0)), "the first day was pruned: " + pruneOut);

        final Run reconcile = tool("reconcile", "--data-dir", journal.dataDir().toString());
        final String said = reconcile.out() + reconcile.err();
        assertEquals(AccountingTool.USAGE, reconcile.exit(), said);
        assertTrue(reconcile.err().contains("the journal starts at seq ") &&
            reconcile.err().contains("reconcile needs it from seq 1"), said);
        assertTrue(!said.contains("Exception") && !said.contains("\tat "), "a sentence, not a stack trace: " + said);
        assertTrue(!said.contains("DIFFERENCE"), "nothing was compared: " + said);
    }

    @Test
    void shouldRefuseACostMethodTheLedgerDidNotUse()
    {
        final Run run = tool(with("run", "--method", "average"));
        assertEquals(2, run.exit(), run.out());
        assertTrue(run.err().contains("is valued by fifo in the ledger but the configuration says average"),
            run.err());
    }

    @Test
    void shouldRefuseABadChartOfAccounts() throws Exception
    {
        final Path chart = dir.resolve("chart.properties");
        Files.writeString(chart, "sale = 5000 / 2100\n");
        final Run run = tool(with("run", "--chart", chart.toString()));
        assertEquals(2, run.exit(), run.out());
        assertTrue(run.err().contains("account 2100 is an inventory account, since 'sale = 5000 / 2100' has it on " +
            "its stock side, but 'receipt = 1300 / 2100' (default) uses it on its non-stock side"), run.err());
    }

    @ParameterizedTest
    @ValueSource(strings = { "trial-balance --as-of-seq -1", "trial-balance --as-of-seq 5 --as-of-date 2027-01-15",
        "trial-balance --as-of-date yesterday", "run --method lifo", "run --batch 0", "valuation --bogus",
        "cogs --from 2027-02-01 --to 2027-01-01" })
    void shouldAnswerBadFlagsWithExitCodeTwo(final String command)
    {
        final Run run = tool(with(command.split(" ")));
        assertEquals(2, run.exit(), command + ": " + run.out() + run.err());
        assertTrue(!run.err().isBlank(), command + " says why");
    }

    @ParameterizedTest
    @ValueSource(strings = { "--costing", "--chart" })
    void shouldAnswerAConfigurationFileThatCannotBeReadWithExitCodeTwo(final String flag) throws Exception
    {
        final String what = flag.equals("--costing") ? "the costing configuration " : "the chart of accounts ";
        final Path missing = dir.resolve("no-such" + flag + ".properties");
        final Run absent = tool(with("run", flag, missing.toString()));
        assertEquals(AccountingTool.USAGE, absent.exit(), absent.out() + absent.err());
        assertTrue(absent.err().contains("cannot read " + what + missing + ": no such file"), absent.err());

        final Path directory = Files.createDirectories(dir.resolve("a-directory" + flag));
        final Run notAFile = tool(with("run", flag, directory.toString()));
        assertEquals(AccountingTool.USAGE, notAFile.exit(), notAFile.out() + notAFile.err());
        assertTrue(notAFile.err().contains("cannot read " + what + directory + ": "), notAFile.err());

        final Path malformed = dir.resolve("malformed" + flag + ".properties");
        Files.writeString(malformed, "method = \\u00zz\n");
        final Run unparsable = tool(with("run", flag, malformed.toString()));
        assertEquals(AccountingTool.USAGE, unparsable.exit(), unparsable.out() + unparsable.err());
        assertTrue(unparsable.err().contains("cannot read " + what + malformed + ": "), unparsable.err());
        assertTrue(!(absent.err() + notAFile.err() + unparsable.err()).contains("Exception"),
            "sentences, not exception names");
    }

    @Test
    void shouldSayWhatIsMissing() throws Exception
    {
        final Path empty = Files.createDirectories(dir.resolve("empty"));
        final Run noJournal = tool("run", "--data-dir", empty.toString());
        assertEquals(2, noJournal.exit());
        assertTrue(noJournal.err().contains("there is no journal in"), noJournal.err());
        final Run noLedger = tool("valuation", "--data-dir", empty.toString());
        assertEquals(2, noLedger.exit());
        assertTrue(noLedger.err().contains("there is no ledger in"), noLedger.err());
        // A data directory's journal/ given as the data directory: the tool names its parent.
        final Path journalDir = Files.createDirectories(dir.resolve("engine").resolve("journal"));
        Files.writeString(journalDir.resolve("20270115F.cq4"), "");
        for (final String command : new String[] { "run", "valuation" })
        {
            final Run misplaced = tool(command, "--data-dir", journalDir.toString());
            assertEquals(2, misplaced.exit(), misplaced.err());
            assertTrue(misplaced.err().contains(journalDir + " holds journal files itself (20270115F.cq4): it is a " +
                "data directory's journal/, not the data directory; pass --data-dir " + dir.resolve("engine")),
                command + ": " + misplaced.err());
        }
        final Run emptyDir = tool("valuation", "--data-dir", "");
        assertEquals(2, emptyDir.exit());
        assertTrue(emptyDir.err().contains("--data-dir") && emptyDir.err().contains("it is empty"), emptyDir.err());
        final Run noCommand = tool();
        assertEquals(2, noCommand.exit());
        assertTrue(noCommand.err().contains("name a command"), noCommand.err());
        final String missing = dir.resolve("nowhere").resolve("ledger").toString();
        final Run noLedgerAtUrl = tool(with("valuation", "--db-url", "jdbc:h2:file:" + missing));
        assertEquals(2, noLedgerAtUrl.exit(), noLedgerAtUrl.err());
        assertTrue(noLedgerAtUrl.err().contains("there is no ledger at " + missing + ".mv.db"), noLedgerAtUrl.err());
    }

    /**
     * A ledger run against a journal it was not built from (another engine's, or one restored without the events
     * it had read) is refused with the reason in a sentence, as reconcile does, not with a stack trace.
     */
    @Test
    void shouldRefuseToRunALedgerOnAJournalItWasNotBuiltFrom() throws Exception
    {
        final JournalConfig other = new JournalConfig().dataDir(dir.resolve("other")).snapshots(false);
        JournalWriter.write(other, new AccountingWorkload(4), 1, 50, null);
        final String ledger = "jdbc:h2:file:" + java.nio.file.Path.of(data, "accounting", "ledger");
        final Run run = tool("run", "--data-dir", other.dataDir().toString(), "--db-url", ledger);
        assertEquals(1, run.exit(), run.err());
        assertTrue(run.err().startsWith("error: the journal ends at seq "), run.err());
        assertTrue(run.err().contains(String.format("but the ledger is at seq %,d: is this the ledger of this " +
            "journal?", lastSeq)), run.err());
        assertTrue(!run.err().contains("\tat "), "no stack trace: " + run.err());
    }

    /**
     * The reports said the same ledger was fine: a trial balance printed its balances and "The ledger has posted
     * everything the journal holds (up to seq 25)" for a ledger at seq 220 (a black-box tester). They refuse it as
     * run and reconcile do. And a trial balance "as of" a seq the ledger has not reached said nothing of it.
     */
    @Test
    void shouldRefuseAReportOfALedgerPastItsJournal() throws Exception
    {
        final JournalConfig other = new JournalConfig().dataDir(dir.resolve("shorter")).snapshots(false);
        final long end = JournalWriter.write(other, new AccountingWorkload(4), 1, 50, null);
        final String ledger = "jdbc:h2:file:" + Path.of(data, "accounting", "ledger");
        final String refusal = String.format("error: the journal ends at seq %,d but the ledger is at seq %,d: is " +
            "this the ledger of this journal?", end, lastSeq);
        for (final String report : new String[] { "trial-balance", "valuation", "cogs", "reconcile", "run" })
        {
            final Run run = tool(report, "--data-dir", other.dataDir().toString(), "--db-url", ledger);
            assertEquals(AccountingTool.PROBLEM, run.exit(), report + ": " + run.out() + run.err());
            assertEquals(refusal, run.err().strip(), report);
            assertEquals("", run.out(), report + " prints no figures");
        }

        final Run beyond = tool(with("trial-balance", "--as-of-seq", Long.toString(lastSeq + 1)));
        assertEquals(AccountingTool.USAGE, beyond.exit(), beyond.out() + beyond.err());
        assertTrue(beyond.err().startsWith(String.format("--as-of-seq %,d: the ledger only reaches seq %,d",
            lastSeq + 1, lastSeq)), beyond.err());
        assertEquals("", beyond.out());
    }

    /**
     * A journal file cut short (200,000 bytes, a size Chronicle never makes) crashed run, reconcile and
     * trial-balance with an InternalError and a stack trace, and run left a new empty ledger behind; one damaged at
     * its first header read as an empty journal, which every command called complete and clean (a black-box
     * tester). Every command now refuses it with the journal's own sentence and exit code 2, before any ledger is
     * made.
     */
    @ParameterizedTest
    @ValueSource(strings = { "cut", "garbled" })
    void shouldRefuseAJournalThatCannotBeReadAndMakeNoLedger(final String damage) throws Exception
    {
        final JournalConfig journal = new JournalConfig().dataDir(dir.resolve(damage)).snapshots(false);
        JournalWriter.write(journal, new AccountingWorkload(6), 1, 200, null);
        final Path file;
        try (Stream<Path> files = Files.list(journal.journalDir()))
        {
            file = files.filter(f -> f.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        if (damage.equals("cut"))
        {
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.WRITE))
            {
                channel.truncate(200_000);
            }
        }
        else
        {
            final byte[] noise = new byte[(int)Files.size(file)];
            new java.util.Random(20).nextBytes(noise);
            // A header word Chronicle takes for neither a complete nor an incomplete header.
            noise[3] = 0x1a;
            Files.write(file, noise);
        }
        final String said = damage.equals("cut") ? "was cut short" : "the first header is damaged";
        for (final String command : new String[] { "run", "reconcile", "trial-balance", "valuation", "cogs" })
        {
            final Run run = tool(command, "--data-dir", journal.dataDir().toString());
            assertEquals(AccountingTool.USAGE, run.exit(), command + ": " + run.out() + run.err());
            assertTrue(run.err().startsWith("error: journal file " + file.getFileName()) &&
                run.err().contains(said), command + ": " + run.err());
            assertEquals(1, run.err().lines().count(), command + ": one line, " + run.err());
            assertTrue(!run.out().contains("clean") && !run.out().contains("posted everything"), run.out());
        }
        assertTrue(Files.notExists(journal.dataDir().resolve("accounting")), "no ledger was made");
    }

    /**
     * A report pointed at a schema with no ledger (a typo in --db-schema) made the whole schema and printed zeros,
     * or "clean", with exit code 0 (a black-box tester). Only run makes a ledger; a report is refused, and leaves the
     * database as it found it.
     */
    @ParameterizedTest
    @EnumSource(TestLedgers.Database.class)
    void shouldRefuseAReportWhereTheDatabaseHoldsNoLedger(final TestLedgers.Database database) throws Exception
    {
        final LedgerConfig config = database == TestLedgers.Database.H2 ?
            new LedgerConfig().url("jdbc:h2:file:" + Path.of(data, "accounting", "ledger")).schema("typo") :
            TestLedgers.postgres();
        for (final String report : new String[] { "trial-balance", "valuation", "cogs", "reconcile" })
        {
            final Run run = tool(with(report, "--db-url", config.url(), "--db-schema", config.schema()));
            assertEquals(AccountingTool.USAGE, run.exit(), report + ": " + run.out() + run.err());
            assertTrue(run.err().startsWith("error: there is no ledger in schema " + config.schema() + " of ") &&
                run.err().contains("run 'accounting-tool run' on it first"), report + ": " + run.err());
            assertEquals("", run.out(), report);
        }
        try (Connection connection = TestLedgers.connect(new LedgerConfig().url(config.url()));
             java.sql.ResultSet schemas = connection.getMetaData().getSchemas())
        {
            while (schemas.next())
            {
                assertTrue(!schemas.getString(1).equalsIgnoreCase(config.schema()), "the report made no schema");
            }
        }
    }

    /**
     * With the data directory's accounting/ a file, H2 printed a 39-line stack trace (DbException: Log file error)
     * before the error. One sentence now, with exit code 2, and nothing of H2's on the process's own streams.
     */
    @Test
    void shouldSayTheLedgerDirectoryIsAFile() throws Exception
    {
        final JournalConfig journal = new JournalConfig().dataDir(dir.resolve("file-in-the-way")).snapshots(false);
        JournalWriter.write(journal, new AccountingWorkload(8), 1, 20, null);
        final Path inTheWay = Files.writeString(journal.dataDir().resolve("accounting"), "not a directory");
        for (final String command : new String[] { "run", "trial-balance" })
        {
            final Run run = quietly(() -> tool(command, "--data-dir", journal.dataDir().toString()));
            assertEquals(AccountingTool.USAGE, run.exit(), command + ": " + run.out() + run.err());
            assertEquals("error: " + inTheWay + " is a file, not a directory: move it aside (the ledger " +
                inTheWay.resolve("ledger.mv.db") + " goes in that directory)", run.err().strip(), command);
        }
        assertEquals("not a directory", Files.readString(inTheWay), "left as it was");
    }

    /**
     * Where H2 cannot write its trace file beside the ledger, it printed the failure with a stack trace on the
     * process's stdout and stderr ahead of the tool's own error. /proc takes no new directories, even for root.
     */
    @Test
    void shouldKeepH2sOwnTraceOffTheConsole()
    {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc");
        final String url = "jdbc:h2:file:/proc/self/no-such-directory/ledger";
        final Run run = quietly(() -> tool(with("run", "--db-url", url)));
        assertEquals(AccountingTool.PROBLEM, run.exit(), run.out() + run.err());
        assertTrue(run.err().startsWith("error: cannot "), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    /** Runs the tool with the process's stdout and stderr captured, and fails when a stack trace was printed there. */
    private static Run quietly(final java.util.function.Supplier<Run> tool)
    {
        final java.io.PrintStream out = System.out;
        final java.io.PrintStream err = System.err;
        final java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
        final java.io.PrintStream capture = new java.io.PrintStream(console, true);
        final Run run;
        System.setOut(capture);
        System.setErr(capture);
        try
        {
            run = tool.get();
        }
        finally
        {
            System.setOut(out);
            System.setErr(err);
        }
        assertTrue(!console.toString().contains("\tat ") && !console.toString().contains("Exception"),
            "no stack trace on the console: " + console);
        return run;
    }

    /**
     * Overflow messages told trial-balance to use --sku (it has none), valuation to use --as-of-seq (it had none
     * then; it has both now), and reconcile both, with Java's "(long overflow)" in the middle; the consumer's said
     * what happened but not what follows (a black-box tester). Four SKUs of 5,000,000,000,000.00 each: two sold
     * (cost of sales 10 x 10^12, past the largest amount), two kept (inventory the same), then a receipt that
     * overflows its own pool.
     */
    @Test
    void shouldSayWhatAnOverflowLeavesToDoWithTheOptionsEachCommandHas() throws Exception
    {
        final JournalConfig journal = new JournalConfig().dataDir(dir.resolve("overflow")).snapshots(false);
        final List<Consumer<Command>> commands = new ArrayList<>();
        for (final String sku : new String[] { "A", "B", "C", "D" })
        {
            commands.add(receipt(sku, 1_000_000, "5000000"));
        }
        for (final String sku : new String[] { "A", "B" })
        {
            commands.add(c ->
            {
                c.type = CommandType.SALE;
                c.key = "sale-" + sku;
                c.channel = "pos";
                c.location = "L1";
                c.line(sku, null, 1_000_000);
            });
        }
        commands.add(receipt("C", 1_000_000, "5000000"));
        final long end = writeJournal(journal, commands);
        final String at = journal.dataDir().toString();

        final Run run = tool("run", "--data-dir", at, "--batch", "1");
        assertEquals(AccountingTool.PROBLEM, run.exit(), run.out() + run.err());
        final String stop = run.err();
        assertTrue(stop.startsWith(String.format("error: event seq %,d takes a value or a count of units past the " +
            "largest the ledger holds", end)), stop);
        assertTrue(stop.contains(String.format("The ledger stays at seq %,d", end - 1)) &&
            stop.contains("cannot move past this event") && stop.contains("every run stops here again") &&
            stop.contains("data error upstream") && stop.contains("journal-tools.jar tail --from-seq " + end), stop);
        final Run again = tool("run", "--data-dir", at);
        assertEquals(AccountingTool.PROBLEM, again.exit(), "it stops there again");

        final String[][] expected = {
            { "trial-balance", "--as-of-seq or --as-of-date" },
            { "valuation", "(--sku), or at an earlier point (--as-of-seq or --as-of-date)" },
            { "cogs", "--from, --to" }, { "reconcile", "cannot be narrowed" } };
        for (final String[] report : expected)
        {
            final Run said = tool(report[0], "--data-dir", at);
            assertEquals(AccountingTool.PROBLEM, said.exit(), report[0] + ": " + said.out() + said.err());
            assertTrue(said.err().startsWith("error: a total of this report passes the largest amount the ledger " +
                "can hold (9223372036854.775807)") && said.err().contains(report[1]), report[0] + ": " + said.err());
            for (final String option : new String[] { "--as-of-seq", "--as-of-date", "--sku", "--from" })
            {
                assertTrue(report[1].contains(option) || !said.err().contains(option),
                    report[0] + " has no " + option + ": " + said.err());
            }
        }
        for (final Run said : List.of(run, again))
        {
            assertTrue(!said.err().contains("long overflow") && !said.err().contains("Overflow") &&
                !said.err().contains("Exception"), "no Java text: " + said.err());
        }
    }

    private static Consumer<Command> receipt(final String sku, final long quantity, final String unitCost)
    {
        return c ->
        {
            c.type = CommandType.RECEIVE;
            c.sku = sku;
            c.location = "L1";
            c.quantity = quantity;
            c.amount = Money.parse(unitCost);
        };
    }

    /** A journal of exactly these commands, run through the engine. @return the journal's last seq. */
    private static long writeJournal(final JournalConfig journal, final List<Consumer<Command>> commands)
        throws Exception
    {
        Files.createDirectories(journal.journalDir());
        try (SingleChronicleQueue queue = Queues.open(journal.journalDir(), journal, false);
             ChronicleJournal writer = new ChronicleJournal(queue, journal, 0))
        {
            final StockEngine engine = new StockEngine(new InventoryState(new EngineConfig()), writer.recorder());
            final Command command = new Command();
            long correlation = 0;
            for (final Consumer<Command> fill : commands)
            {
                command.reset();
                fill.accept(command);
                command.correlationId = ++correlation;
                command.timestamp = AccountingWorkload.BASE_TIME + correlation * 1_000;
                writer.beforeCommand(command);
                engine.process(command);
                assertEquals(ResultCode.OK, command.result, () -> CommandType.name(command.type) + " must succeed");
                writer.onCommand(command, true);
            }
            return writer.lastSeq();
        }
    }

    /**
     * picocli's own messages named Java classes ("cannot convert 'bad' to class java.time.LocalDate
     * (java.time.format.DateTimeParseException ...)", "is not a long"): each option that is not text says in words
     * what it takes.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "trial-balance --as-of-date bad|'--as-of-date': 'bad' is not a date (YYYY-MM-DD",
        "cogs --from 2027-02-30|'--from': '2027-02-30' is not a date (YYYY-MM-DD",
        "cogs --to 31.01.2027|'--to': '31.01.2027' is not a date (YYYY-MM-DD",
        "trial-balance --as-of-seq ten|'--as-of-seq': 'ten' is not a whole number",
        "trial-balance --as-of-seq 99999999999999999999|'--as-of-seq': '99999999999999999999' is out of range",
        "run --batch 1.5|'--batch': '1.5' is not a whole number",
        "run --batch 3000000000|'--batch': '3000000000' is out of range (-2,147,483,648 to 2,147,483,647)",
        "run --idle-ms soon|'--idle-ms': 'soon' is not a whole number",
        "cogs --zone Mars/Olympus|'--zone': 'Mars/Olympus' is not a time zone: give a region such as",
        "trial-balance --zone +05:07|'--zone': '+05:07' is not a whole number of quarter hours from UTC" })
    void shouldSayInWordsWhatAnOptionTakes(final String command, final String expected)
    {
        final Run run = tool(with(command.split(" ")));
        assertEquals(AccountingTool.USAGE, run.exit(), command + ": " + run.out() + run.err());
        assertTrue(run.err().lines().findFirst().orElse("").contains(expected), command + ": " + run.err());
        assertTrue(!run.err().contains("java.") && !run.err().contains("class "), command + ": " + run.err());
    }
}
