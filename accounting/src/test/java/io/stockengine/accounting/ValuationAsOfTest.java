package io.stockengine.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableSet;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.stockengine.journal.AbstractEventSink;
import io.stockengine.journal.JournalConfig;
import io.stockengine.journal.JournalReader;

/**
 * {@code valuation --as-of-seq N | --as-of-date D}, rebuilt from the postings, against the live valuation of a
 * ledger that stopped at N. One random journal ({@link AccountingWorkload}: receipts, shipments, sales, returns,
 * damage and write-offs, counts, adjustments, transfers received whole, in part or not yet) spread over four days of
 * engine time, consumed under each costing into a full ledger and, checkpoint by checkpoint, into a second ledger
 * that stops exactly at each checkpoint's seq (mid-command too) and commits there. At every checkpoint the full
 * ledger's valuation as of that seq equals the stopped ledger's live one row for row (with and without --sku and
 * --all), the stopped ledger's valuation as of its own seq equals its live one, and the total value equals the
 * inventory accounts' balance in the trial balance as of that seq. The end of each day is valued as of the day's last
 * event, read from the journal. Then the command line: the same through the tool, and every bad value refused as
 * trial-balance refuses it, with exit code 2 and no figures.
 * <p>
 * The seed is printed; rerun one with {@code -Dstock.accounting.seed=N}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ValuationAsOfTest
{
    private static final long COMMANDS = 6_000;
    /** 40 s of engine time per command: the journal runs from 2027-01-15 08:00 to 2027-01-18 02:40 (UTC). */
    private static final long STEP_MILLIS = 40_000;
    private static final int RANDOM_CHECKPOINTS = 16;

    @TempDir
    static Path dir;

    private static long seed;
    private static String context;
    private static JournalConfig journal;
    private static String data;
    private static long lastSeq;
    /** Engine time of every event, by seq. */
    private static long[] times;
    /** The last event of each day the journal covers, by day (UTC, engine time). */
    private static final TreeMap<LocalDate, Long> lastOfDay = new TreeMap<>();

    @BeforeAll
    static void writeJournal()
    {
        seed = Long.getLong("stock.accounting.seed", System.nanoTime());
        context = "seed=" + seed + " (rerun with -Dstock.accounting.seed=" + seed + ")";
        System.out.println("ValuationAsOfTest seed=" + seed + " commands=" + COMMANDS);
        journal = new JournalConfig().dataDir(dir.resolve("data")).snapshots(false);
        data = journal.dataDir().toString();
        lastSeq = JournalWriter.write(journal, new AccountingWorkload(seed, STEP_MILLIS), 1, COMMANDS, null);
        times = new long[(int)lastSeq + 1];
        try (JournalReader reader = JournalReader.open(new JournalReader.Context().config(journal)))
        {
            final AbstractEventSink timer = new AbstractEventSink()
            {
                @Override
                protected void onEvent(final int type, final long seq)
                {
                    times[(int)seq] = timestamp();
                }
            };
            while (reader.poll(timer, 65_536) > 0)
            {
                // Every event's engine time, up to the journal's end.
            }
        }
        for (int seq = 1; seq <= lastSeq; seq++)
        {
            assertTrue(times[seq] >= AccountingWorkload.BASE_TIME, "every event has its engine time: seq " + seq);
            assertTrue(times[seq] >= times[seq - 1], "engine time never goes back: seq " + seq);
            lastOfDay.put(day(times[seq]), (long)seq);
        }
        assertEquals(4, lastOfDay.size(), "the journal covers four days: " + lastOfDay);
        final AccountingToolTest.Run run = AccountingToolTest.tool("run", "--data-dir", data);
        assertEquals(0, run.exit(), run.out() + run.err());
    }

    private static LocalDate day(final long millis)
    {
        return LocalDate.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }

    @ParameterizedTest
    @EnumSource(RandomizedLedgerTest.Costing.class)
    void shouldValueAsOfAnySeqAsALedgerThatStoppedThere(final RandomizedLedgerTest.Costing costing) throws Exception
    {
        valueAtCheckpoints(costing, TestLedgers.Database.H2);
    }

    /** The same queries on PostgreSQL, under the mix of methods; skipped, saying why, without a test database. */
    @Test
    void shouldValueAsOfAnySeqOnPostgreSql() throws Exception
    {
        valueAtCheckpoints(RandomizedLedgerTest.Costing.MIXED, TestLedgers.Database.POSTGRESQL);
    }

    private static void valueAtCheckpoints(final RandomizedLedgerTest.Costing costing,
        final TestLedgers.Database database) throws Exception
    {
        final String where = costing + " " + database + " " + context;
        final LedgerConfig full = TestLedgers.of(database).costing(RandomizedLedgerTest.costing(costing))
            .consumerName("full-" + costing.name().toLowerCase() + "-" + database.name().toLowerCase());
        try (AccountingConsumer consumer = AccountingConsumer.open(journal, full))
        {
            consumer.catchUp(AccountingConsumer.DEFAULT_BATCH, null);
            assertEquals(lastSeq, consumer.ledger().lastSeq(), where);
        }
        RandomizedLedgerTest.checkCoverage(full, costing, where);

        final NavigableSet<Long> checkpoints = new TreeSet<>(lastOfDay.values());
        final SplittableRandom random = new SplittableRandom(seed + costing.ordinal());
        while (checkpoints.size() < lastOfDay.size() + RANDOM_CHECKPOINTS)
        {
            checkpoints.add(1 + random.nextLong(lastSeq));
        }
        final List<String> skus = new ArrayList<>();
        skus.add(null);
        skus.add("S1");
        skus.add("S" + (2 + random.nextInt(38)));
        int withTransit = 0;
        final LedgerConfig stopped = TestLedgers.of(database).costing(RandomizedLedgerTest.costing(costing))
            .consumerName("stopped-" + costing.name().toLowerCase() + "-" + database.name().toLowerCase());
        try (LedgerReports fullReports = LedgerReports.open(full);
             AccountingConsumer consumer = AccountingConsumer.open(journal, stopped))
        {
            for (final long n : checkpoints)
            {
                final String at = where + " at seq " + n;
                while (consumer.ledger().lastSeq() < n)
                {
                    assertTrue(consumer.reader().poll(consumer.ledger().sink(), 65_536, n) > 0, at);
                }
                consumer.reader().commit();
                try (LedgerReports stoppedReports = LedgerReports.open(stopped))
                {
                    assertEquals(n, stoppedReports.ledgerSeq(), at);
                    for (final String sku : skus)
                    {
                        for (final boolean all : new boolean[] { false, true })
                        {
                            final List<LedgerReports.StockValue> live = stoppedReports.valuation(sku, all);
                            assertEquals(live, fullReports.valuationAtSeq(n, sku, all),
                                "as of seq n = the live valuation of a ledger stopped at n, --sku " + sku +
                                    (all ? " --all: " : ": ") + at);
                            assertEquals(live, stoppedReports.valuationAtSeq(n, sku, all),
                                "as of its own seq = live, --sku " + sku + (all ? " --all: " : ": ") + at);
                        }
                    }
                    final List<LedgerReports.StockValue> asOf = fullReports.valuationAtSeq(n, null, false);
                    assertEquals(fullReports.trialBalanceAtSeq(n).inventory(), asOf.stream()
                        .mapToLong(LedgerReports.StockValue::totalValue).sum(),
                        "total value = the inventory accounts in the trial balance as of the seq: " + at);
                    if (asOf.stream().anyMatch(row -> row.transitUnits() > 0))
                    {
                        withTransit++;
                    }
                    final LocalDate day = day(times[(int)n]);
                    if (lastOfDay.get(day) == n)
                    {
                        final LedgerReports.DayEnd end = fullReports.dayEnd(day, java.time.ZoneOffset.UTC);
                        assertTrue(end.lastSeqBefore() <= n && (end.firstSeqAfter() == 0 ||
                            end.firstSeqAfter() > n), "the day's end falls after its last event: " + end + " " + at);
                        assertEquals(stoppedReports.valuation(null, true), fullReports.valuationAtSeq(
                            end.lastSeqBefore(), null, true), "as of the end of " + day + " = as of its last " +
                            "event: " + at);
                    }
                }
            }
        }
        assertTrue(withTransit > 0, "some checkpoints had transfers in transit: " + where);
        try (LedgerReports reports = LedgerReports.open(full))
        {
            for (final boolean all : new boolean[] { false, true })
            {
                assertEquals(reports.valuation(null, all), reports.valuationAtSeq(lastSeq, null, all),
                    "the full ledger as of its own seq = live: " + where);
            }
            final LedgerReports.DayEnd before = reports.dayEnd(lastOfDay.firstKey().minusDays(1), java.time.ZoneOffset.UTC);
            assertEquals(0, before.lastSeqBefore(), where);
            assertEquals(List.of(), reports.valuationAtSeq(0, null, true), "nothing before the first event");
        }
    }

    /**
     * The end of a day is one point of the ledger only while engine time never goes back (the engine keeps it so);
     * a ledger whose time does go back across it is refused, not valued at a point that is none.
     */
    @Test
    void shouldRefuseTheEndOfADayWhereEngineTimeGoesBack() throws Exception
    {
        final LedgerConfig config = TestLedgers.h2().consumerName("time-back");
        try (AccountingConsumer consumer = AccountingConsumer.open(journal, config))
        {
            consumer.catchUp(AccountingConsumer.DEFAULT_BATCH, null);
        }
        final LocalDate first = lastOfDay.firstKey();
        try (Connection connection = TestLedgers.connect(config); Statement statement = connection.createStatement())
        {
            assertEquals(1, statement.executeUpdate("UPDATE posting SET posted_at = " + AccountingWorkload.BASE_TIME +
                " WHERE id = (SELECT MAX(id) FROM posting)"));
        }
        try (LedgerReports reports = LedgerReports.open(config))
        {
            final IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> reports.dayEnd(first, java.time.ZoneOffset.UTC));
            assertTrue(refused.getMessage().startsWith("engine time goes back across the end of " + first) &&
                refused.getMessage().contains("ask for --as-of-seq"), refused.getMessage());
        }
    }

    /** The tool on the journal's data directory, whose embedded ledger (FIFO) the tool made. */
    private static AccountingToolTest.Run tool(final String... args)
    {
        final String[] all = Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--data-dir";
        all[args.length + 1] = data;
        return AccountingToolTest.tool(all);
    }

    /** What a valuation printed from its column headings to its total, the figures without the title. */
    private static List<String> table(final AccountingToolTest.Run run)
    {
        assertEquals(0, run.exit(), run.out() + run.err());
        final List<String> lines = run.out().lines().toList();
        final int start = lines.indexOf(lines.stream().filter(line -> line.startsWith("SKU ")).findFirst()
            .orElseThrow());
        final int end = lines.indexOf(lines.stream().filter(line -> line.startsWith("TOTAL ")).findFirst()
            .orElseThrow());
        return lines.subList(start, end + 1);
    }

    /** The TOTAL_VALUE of a valuation's total row. */
    private static String totalValue(final List<String> table)
    {
        final String[] total = table.get(table.size() - 1).trim().split("\\s+");
        return total[total.length - 1];
    }

    /** The inventory value a trial balance printed. */
    private static String inventory(final AccountingToolTest.Run trial)
    {
        assertEquals(0, trial.exit(), trial.out() + trial.err());
        final String line = trial.out().lines().filter(l -> l.startsWith("* inventory account; inventory value "))
            .findFirst().orElseThrow();
        return line.substring(line.lastIndexOf(' ') + 1);
    }

    @Test
    void shouldPrintTheSameFiguresAsOfTheLedgersSeqAndAnEarlierOne()
    {
        final AccountingToolTest.Run now = tool("valuation", "--all");
        final AccountingToolTest.Run asOf = tool("valuation", "--all", "--as-of-seq", Long.toString(lastSeq));
        assertEquals(table(now), table(asOf), context);
        assertTrue(asOf.out().startsWith(String.format("Stock valuation as of seq %,d (the ledger has committed up " +
            "to seq %,d)", lastSeq, lastSeq)), asOf.out());
        assertTrue(asOf.out().contains("The ledger has posted everything the journal holds"), asOf.out());

        final long n = lastSeq / 3;
        final List<String> earlier = table(tool("valuation", "--as-of-seq", Long.toString(n)));
        assertEquals(totalValue(earlier), inventory(tool("trial-balance", "--as-of-seq", Long.toString(n))),
            "total value = inventory accounts as of seq " + n + ": " + context);
        final List<String> one = table(tool("valuation", "--sku", "S1", "--all", "--as-of-seq", Long.toString(n)));
        assertTrue(one.stream().skip(1).filter(line -> !line.startsWith("-") && !line.startsWith("TOTAL"))
            .allMatch(line -> line.startsWith("S1 ")), "--sku with --as-of-seq: " + one);
        final AccountingToolTest.Run none = tool("valuation", "--sku", "NOPE", "--as-of-seq", Long.toString(n));
        assertTrue(none.out().contains(String.format("SKU NOPE had not been valued in this ledger by seq %,d", n)),
            none.out());
    }

    @Test
    void shouldValueTheEndOfADayAsOfItsLastEvent()
    {
        for (final LocalDate day : lastOfDay.keySet())
        {
            final long last = lastOfDay.get(day);
            final AccountingToolTest.Run atDate = tool("valuation", "--all", "--as-of-date", day.toString());
            final List<String> figures = table(atDate);
            assertEquals(table(tool("valuation", "--all", "--as-of-seq", Long.toString(last))), figures,
                day + " is valued as of its last event, seq " + last + ": " + context);
            assertTrue(atDate.out().startsWith("Stock valuation as of the end of " + day + " (UTC): seq "),
                atDate.out());
            final AccountingToolTest.Run trial = tool("trial-balance", "--as-of-date", day.toString());
            assertEquals(totalValue(figures), inventory(trial),
                "total value = inventory accounts at the end of " + day + ": " + context);
            assertEquals(day.equals(lastOfDay.lastKey()), atDate.out().contains("The ledger holds no posting after " +
                "the end of " + day), "only the last day is not known to be over: " + atDate.out());
            // The trial balance names the seq and warns alike (a month-end one run before midnight looked final).
            assertTrue(trial.out().startsWith("Trial balance as of the end of " + day + " (UTC): seq "), trial.out());
            assertEquals(day.equals(lastOfDay.lastKey()), trial.out().contains("The ledger holds no posting after " +
                "the end of " + day), "the trial balance too: " + trial.out());
        }
        final LocalDate before = lastOfDay.firstKey().minusDays(1);
        final AccountingToolTest.Run empty = tool("valuation", "--as-of-date", before.toString());
        assertTrue(empty.out().startsWith("Stock valuation as of the end of " + before + " (UTC): no posting " +
            "before it"), empty.out());
        assertTrue(table(empty).get(table(empty).size() - 1).startsWith("TOTAL  0 rows"), empty.out());
        final AccountingToolTest.Run notYet = tool("valuation", "--sku", "S1", "--as-of-date", before.toString());
        assertTrue(notYet.out().contains("SKU S1 had not been valued in this ledger by the end of " + before +
            " (UTC)"), notYet.out());
    }

    /**
     * Each bad value gets trial-balance's own message, word for word, as the first line, exit code 2, and no figures
     * (then where the help is, as for every command).
     */
    @ParameterizedTest
    @ValueSource(strings = { "--as-of-seq -1|--as-of-seq must not be negative",
        "--as-of-seq 5 --as-of-date 2027-01-15|--as-of-seq=N, --as-of-date=YYYY-MM-DD are mutually exclusive",
        "--as-of-date yesterday|'--as-of-date': 'yesterday' is not a date (YYYY-MM-DD, e.g. 2027-01-31)",
        "--as-of-date 2027-02-30|'--as-of-date': '2027-02-30' is not a date",
        "--as-of-seq ten|'--as-of-seq': 'ten' is not a whole number",
        "--as-of-seq 99999999999999999999|'--as-of-seq': '99999999999999999999' is out of range",
        "--as-of-seq PAST|the ledger only reaches seq",
        "--as-of-seq 5 --as-of-seq 6|give one of [--as-of-seq=N | --as-of-date=YYYY-MM-DD], once",
        "--as-of-date 1969-12-31|'--as-of-date': '1969-12-31' is not a date from 1970-01-01 to 9999-12-31",
        "--as-of-date +999999999-12-31|'+999999999-12-31' is not a date from 1970-01-01 to 9999-12-31" })
    void shouldRefuseWhatTrialBalanceRefusesInItsWords(final String flagsAndMessage)
    {
        final String[] parts = flagsAndMessage.split("\\|");
        final String flags = parts[0].replace("PAST", Long.toString(lastSeq + 1));
        final String expected = parts[1];
        final List<String> args = List.of(flags.split(" "));
        final AccountingToolTest.Run trial = tool(with(List.of("trial-balance"), args));
        assertEquals(AccountingTool.USAGE, trial.exit(), trial.out() + trial.err());
        for (final List<String> valuation : List.of(with(List.of("valuation"), args),
            with(List.of("valuation", "--sku", "S1", "--all"), args)))
        {
            final AccountingToolTest.Run run = tool(valuation);
            assertEquals(AccountingTool.USAGE, run.exit(), valuation + ": " + run.out() + run.err());
            assertEquals("", run.out(), valuation + " prints no figures");
            final String said = run.err().lines().findFirst().orElse("");
            assertTrue(said.contains(expected), valuation + ": " + run.err());
            assertEquals(trial.err().lines().findFirst().orElse(""), said, "trial-balance's words: " + valuation);
            assertEquals(List.of(said, "Try 'accounting-tool " + valuation.get(0) + " --help' for the options."),
                run.err().lines().toList(), "the message and where the help is, not the whole usage");
        }
    }

    private static List<String> with(final List<String> command, final List<String> args)
    {
        final List<String> all = new ArrayList<>(command);
        all.addAll(args);
        return all;
    }

    private static AccountingToolTest.Run tool(final List<String> args)
    {
        return tool(args.toArray(new String[0]));
    }
}
