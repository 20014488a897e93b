package io.stockengine.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.stockengine.engine.EventSink;
import io.stockengine.journal.ReaderPosition;

/**
 * A ledger made before schema version 3 (stock_position keyed by the pair sku, location) is upgraded in place to the
 * single BIGINT key: its positions and FIFO layers come through unchanged, the consumer goes on from them, rewrites
 * their rows rather than adding others, and a row whose key is not its SKU x location's is refused. The kinds the
 * ledger names in SQL (schema version 4) are PostingKind's.
 */
class SchemaUpgradeTest
{
    private static final long A_AT_L1 = (0L << 32) + 1;
    private static final long B_AT_L0 = (1L << 32) + 0;

    @ParameterizedTest
    @EnumSource(TestLedgers.Database.class)
    void shouldKeyTheStockPositionsOfAVersion2LedgerAndGoOnFromThem(final TestLedgers.Database database)
        throws Exception
    {
        final LedgerConfig config = TestLedgers.of(database);
        final FluentConfiguration flyway = Flyway.configure().dataSource(config.url(), config.user(),
            config.password()).locations("classpath:db/accounting").target("2");
        if (config.schema() != null)
        {
            final String schema = Dialect.of(config.url()).schemaName(config.schema());
            flyway.schemas(schema).defaultSchema(schema);
        }
        flyway.load().migrate();
        try (Connection c = TestLedgers.connect(config); Statement s = c.createStatement())
        {
            // What the consumer of schema version 2 committed at seq 10: A at L1 in two FIFO layers (2 units worth
            // 4.00 from seq 5, 3 worth 9.00 from seq 6), B at L0 in one (1 unit worth 7.50 from seq 8).
            s.executeUpdate("INSERT INTO symbol (kind, id, name) VALUES (0, 0, 'A'), (1, 0, 'L0'), (1, 1, 'L1'), " +
                "(0, 1, 'B')");
            s.executeUpdate("INSERT INTO sku_costing (sku, method, standard_cost, last_cost) VALUES (0, " +
                CostMethod.FIFO.code() + ", -1, 3000000), (1, " + CostMethod.FIFO.code() + ", -1, 7500000)");
            try (PreparedStatement p = c.prepareStatement("INSERT INTO stock_position (sku, location, units, cost, " +
                "last_cost, layers) VALUES (?, ?, ?, ?, ?, ?)"))
            {
                p.setInt(1, 0);
                p.setInt(2, 1);
                p.setLong(3, 5);
                p.setLong(4, 13_000_000);
                p.setLong(5, 3_000_000);
                p.setBytes(6, layers(2, 4_000_000, 5, 3, 9_000_000, 6));
                p.executeUpdate();
                p.setInt(1, 1);
                p.setInt(2, 0);
                p.setLong(3, 1);
                p.setLong(4, 7_500_000);
                p.setLong(5, 7_500_000);
                p.setBytes(6, layers(1, 7_500_000, 8));
                p.executeUpdate();
            }
            s.executeUpdate("INSERT INTO consumer_position (consumer, last_seq, excerpt_index, committed_at, " +
                "postings) VALUES ('" + config.consumerName() + "', 10, 0, 0, 0)");
        }

        try (Ledger ledger = Ledger.open(config))
        {
            assertEquals("upgraded (schema version 4)", ledger.schemaStatus());
            assertEquals(10, ledger.lastSeq());
            // Sell 3 of A at L1: the first layer whole (4.00) and 1 of the 3 units of the second (3.00).
            final EventSink sink = ledger.sink();
            sink.beginCommand(11, 2_000);
            sink.sold(11, 0, 0, 1, 3, 0);
            ledger.store(new ReaderPosition(11, 0));
        }
        assertEquals(List.of(PostingKind.SALE.code() + " 7000000 0 1"),
            TestLedgers.lines(config, "SELECT kind, amount, sku, credit_location FROM posting"));
        assertEquals(List.of(
                A_AT_L1 + " 0 1 2 6000000 " + hex(layers(2, 6_000_000, 6)),
                B_AT_L0 + " 1 0 1 7500000 " + hex(layers(1, 7_500_000, 8))),
            TestLedgers.lines(config, "SELECT position_key, sku, location, units, cost, layers FROM stock_position " +
                "ORDER BY position_key"));

        try (Ledger ledger = Ledger.open(config))
        {
            assertEquals("schema version 4", ledger.schemaStatus());
            // The rest of the second layer, then nothing is left to take.
            final EventSink sink = ledger.sink();
            sink.beginCommand(12, 3_000);
            sink.sold(12, 0, 0, 1, 2, 0);
            ledger.store(new ReaderPosition(12, 0));
        }
        assertEquals(List.of(A_AT_L1 + " 0 0", B_AT_L0 + " 1 7500000"),
            TestLedgers.lines(config, "SELECT position_key, units, cost FROM stock_position ORDER BY position_key"));

        try (Connection c = TestLedgers.connect(config); Statement s = c.createStatement())
        {
            assertThrows(SQLException.class, () -> s.executeUpdate("INSERT INTO stock_position (position_key, sku, " +
                "location, units, cost, last_cost) VALUES (" + (B_AT_L0 + 1) + ", 1, 2, 0, 0, -1)"),
                "a key that is not its SKU x location's");
        }
    }

    /**
     * posting.kind holds codes; posting_kind names them for whoever reads the ledger in SQL. Its rows come from a
     * migration, so a kind added to PostingKind without a migration adding its row fails here, and so does a row
     * that disagrees with the enum.
     */
    @ParameterizedTest
    @EnumSource(TestLedgers.Database.class)
    void shouldNameEveryPostingKindInTheLedger(final TestLedgers.Database database) throws Exception
    {
        final LedgerConfig config = TestLedgers.of(database);
        Ledger.open(config).close();
        final List<String> expected = new ArrayList<>();
        for (final PostingKind kind : PostingKind.values())
        {
            expected.add(kind.code() + " " + kind.key());
        }
        assertEquals(expected, TestLedgers.lines(config, "SELECT code, name FROM posting_kind ORDER BY code"));
    }

    /**
     * A report opens only a ledger that exists, but an existing older one it still brings up to date, as every start
     * does (docs/accounting.md, Storage).
     */
    @ParameterizedTest
    @EnumSource(TestLedgers.Database.class)
    void shouldUpgradeAnOlderLedgerWhenAReportOpensIt(final TestLedgers.Database database) throws Exception
    {
        final LedgerConfig config = TestLedgers.of(database);
        final FluentConfiguration flyway = Flyway.configure().dataSource(config.url(), config.user(),
            config.password()).locations("classpath:db/accounting").target("3");
        if (config.schema() != null)
        {
            final String schema = Dialect.of(config.url()).schemaName(config.schema());
            flyway.schemas(schema).defaultSchema(schema);
        }
        flyway.load().migrate();
        try (LedgerReports reports = LedgerReports.open(config))
        {
            assertEquals(0, reports.ledgerSeq());
        }
        assertEquals(PostingKind.values().length, TestLedgers.lines(config, "SELECT code FROM posting_kind").size());
    }

    /** FIFO layers packed as the ledger stores them: (units, value, seq) triples. */
    private static byte[] layers(final long... triples)
    {
        final ByteBuffer bytes = ByteBuffer.allocate(triples.length * Long.BYTES);
        for (final long value : triples)
        {
            bytes.putLong(value);
        }
        return bytes.array();
    }

    private static String hex(final byte[] bytes)
    {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
