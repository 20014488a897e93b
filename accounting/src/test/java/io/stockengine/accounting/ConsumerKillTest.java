package io.stockengine.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.InventoryState;
import io.stockengine.journal.JournalConfig;

/**
 * The accounting consumer reads a real journal and is abandoned again and again at random events, with postings of
 * its open transaction already sent to the database but not committed (its connection is closed: the database
 * rolls them back, as it does for a killed process), then restarted from the position committed in the database.
 * In the end its ledger must hold exactly the postings and valuation of a consumer that read the journal in one go:
 * no event posted twice (the posting ids would collide anyway), none missed. Against H2, and PostgreSQL when
 * {@value TestLedgers#PG_ENV} is set.
 */
@Timeout(120)
class ConsumerKillTest
{
    private static final long COMMANDS = 12_000;
    private static final long SEED = 7;

    @TempDir
    static Path dir;

    private static JournalConfig journal;
    private static long lastSeq;
    private static LedgerConfig reference;

    @BeforeAll
    static void writeJournalAndReference()
    {
        journal = new JournalConfig().dataDir(dir).snapshots(false).rollCycle("FAST_DAILY");
        lastSeq = JournalWriter.write(journal, new AccountingWorkload(SEED), 1, COMMANDS, null);
        reference = TestLedgers.h2().consumerName("reference");
        try (AccountingConsumer consumer = AccountingConsumer.open(journal, reference))
        {
            assertEquals(lastSeq, consumer.catchUp(AccountingConsumer.DEFAULT_BATCH, null));
        }
    }

    @ParameterizedTest
    @EnumSource(TestLedgers.Database.class)
    void shouldPostEveryEventExactlyOnceAcrossKills(final TestLedgers.Database database) throws Exception
    {
        final long seed = Long.getLong("stock.accounting.seed", System.nanoTime());
        killAndRestart(database, "kill-", seed, " (rerun with -Dstock.accounting.seed=" + seed + ")");
    }

    /**
     * A seed whose kills fall between an order's reservation and its lines, after a commit of the reservation alone:
     * the lines were once never written, and the restarted consumer found the order without them.
     */
    @ParameterizedTest
    @EnumSource(TestLedgers.Database.class)
    void shouldKeepTheLinesOfAnOrderCommittedBeforeThem(final TestLedgers.Database database) throws Exception
    {
        killAndRestart(database, "split-", 18_523_638_486_666L, " (a fixed seed)");
    }

    private void killAndRestart(final TestLedgers.Database database, final String name, final long seed,
        final String rerun) throws Exception
    {
        final LedgerConfig config = TestLedgers.of(database).consumerName(name + database.name().toLowerCase())
            .postingBatch(64);
        final String context = database + " seed=" + seed + rerun;
        System.out.println("ConsumerKillTest " + context + " lastSeq=" + lastSeq);
        final SplittableRandom random = new SplittableRandom(seed);
        int incarnations = 0;
        int killedWithWorkInFlight = 0;
        long committed = 0;
        while (committed < lastSeq)
        {
            incarnations++;
            final boolean last = incarnations > 40;
            try (AccountingConsumer consumer = AccountingConsumer.open(journal, config))
            {
                assertEquals(committed, consumer.ledger().lastSeq(), "resumes at its last commit: " + context);
                long lifetime = last ? Long.MAX_VALUE : 1 + random.nextInt(2_000);
                while (lifetime > 0)
                {
                    final int got = consumer.reader().poll(consumer.ledger().sink(),
                        (int)Math.min(lifetime, 1 + random.nextInt(700)));
                    if (got == 0)
                    {
                        consumer.reader().commit();
                        break;
                    }
                    lifetime -= got;
                    if (random.nextInt(3) == 0)
                    {
                        consumer.reader().commit();
                    }
                }
                committed = consumer.ledger().load() == null ? 0 : consumer.ledger().load().seq();
                if (consumer.ledger().uncommittedPostings() > config.postingBatch())
                {
                    killedWithWorkInFlight++;
                }
            }
        }
        System.out.println("ConsumerKillTest " + database + " incarnations=" + incarnations + ", killed with " +
            "uncommitted postings already sent to the database=" + killedWithWorkInFlight);
        assertTrue(incarnations > 3, "the consumer died several times: " + context);
        assertTrue(killedWithWorkInFlight > 0, "some deaths dropped postings the database had been sent: " + context);
        final List<String> expected = TestLedgers.postings(reference);
        final List<String> actual = TestLedgers.postings(config);
        assertEquals(expected.size(), actual.size(), "no posting missing or doubled: " + context);
        assertEquals(expected, actual, "the same postings: " + context);
        assertEquals(TestLedgers.state(reference), TestLedgers.state(config), "the same valuation: " + context);
        try (LedgerReports reports = LedgerReports.open(config))
        {
            final InventoryState state = Reconciler.replay(journal, new InventoryState(new EngineConfig()),
                reports.ledgerSeq());
            final Reconciler.Result result = Reconciler.reconcile(reports, state);
            assertTrue(result.clean(), () -> "reconciles: " + context + ": " + result.differences());
        }
    }

    /** Posts the first events of the journal into the ledger and commits them; returns the ledger's seq. */
    private long postSome(final LedgerConfig config) throws Exception
    {
        try (AccountingConsumer consumer = AccountingConsumer.open(journal, config))
        {
            consumer.reader().poll(consumer.ledger().sink(), 2_000);
            consumer.reader().commit();
            return consumer.ledger().lastSeq();
        }
    }

    /**
     * A database that kept part of a transaction a crash interrupted (embedded H2, killed while recovering from an
     * earlier kill, did) leaves postings past the committed position: the consumer refuses the ledger, saying how to
     * rebuild it, instead of failing on the same keys at every commit or posting twice.
     */
    @org.junit.jupiter.api.Test
    void shouldRefuseALedgerHoldingPostingsPastItsPosition() throws Exception
    {
        final LedgerConfig config = TestLedgers.h2().consumerName("leftovers");
        final long position = postSome(config);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(config.url());
             java.sql.Statement s = c.createStatement())
        {
            s.executeUpdate("INSERT INTO posting SELECT id + 1000000, seq + " + (position + 1) + ", kind, " +
                "debit_account, credit_account, amount, sku, debit_location, credit_location, quantity, " +
                "correlation_id, posted_at, reference FROM posting WHERE id = (SELECT MAX(id) FROM posting)");
        }
        final LedgerException refused = org.junit.jupiter.api.Assertions.assertThrows(LedgerException.class,
            () -> AccountingConsumer.open(journal, config).close());
        assertTrue(refused.getMessage().contains("past its committed position (seq " + position + ")"),
            refused.getMessage());
        assertTrue(refused.getMessage().contains("Rebuild it from the journal"), refused.getMessage());
    }

    /**
     * The other way a killed H2 broke a transaction (a black-box tester, 1 kill in 60 under CPU load): the position
     * kept while postings committed before it were lost. The consumer resumed past them and never posted them, and
     * the reports showed the wrong totals. The position records how many postings it was committed with; a ledger
     * holding another number is refused by the consumer and by the reports alike.
     */
    @org.junit.jupiter.api.Test
    void shouldRefuseALedgerThatLostPostingsCommittedBeforeItsPosition() throws Exception
    {
        final LedgerConfig config = TestLedgers.h2().consumerName("lost");
        final long position = postSome(config);
        try (LedgerReports reports = LedgerReports.open(config))
        {
            assertEquals(position, reports.ledgerSeq(), "an intact ledger opens");
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(config.url());
             java.sql.Statement s = c.createStatement())
        {
            assertEquals(1, s.executeUpdate("DELETE FROM posting WHERE id = (SELECT MAX(id) FROM posting)"));
        }
        final LedgerException refused = org.junit.jupiter.api.Assertions.assertThrows(LedgerException.class,
            () -> AccountingConsumer.open(journal, config).close());
        assertTrue(refused.getMessage().contains("the ledger is damaged: its position (seq " +
            String.format("%,d", position) + ") was committed with"), refused.getMessage());
        assertTrue(refused.getMessage().contains("Rebuild it from the journal"), refused.getMessage());
        final LedgerException report = org.junit.jupiter.api.Assertions.assertThrows(LedgerException.class,
            () -> LedgerReports.open(config).close());
        assertTrue(report.getMessage().contains("the ledger is damaged"), report.getMessage());
    }

    /**
     * A ledger killed while Flyway was creating its schema is left with a failed migration, after which every start
     * printed Flyway's stack trace advising a repair command this tool does not have (a black-box tester).
     */
    @org.junit.jupiter.api.Test
    void shouldSayHowToRebuildALedgerWhoseSchemaWasLeftHalfMade() throws Exception
    {
        final LedgerConfig config = TestLedgers.h2().consumerName("half");
        try (AccountingConsumer consumer = AccountingConsumer.open(journal, config))
        {
            consumer.reader().commit();
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(config.url());
             java.sql.Statement s = c.createStatement())
        {
            assertEquals(1, s.executeUpdate("UPDATE \"flyway_schema_history\" SET \"success\" = FALSE " +
                "WHERE \"version\" = '2'"));
        }
        final LedgerException refused = org.junit.jupiter.api.Assertions.assertThrows(LedgerException.class,
            () -> AccountingConsumer.open(journal, config).close());
        assertTrue(refused.getMessage().startsWith("cannot bring the schema of the ledger"), refused.getMessage());
        assertTrue(refused.getMessage().contains("move it aside") && !refused.getMessage().contains("\n"),
            refused.getMessage());
    }
}
