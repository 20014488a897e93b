package io.stockengine.accounting;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;

/**
 * Ledger databases for tests: a fresh in-memory H2 one each time (kept while the JVM lives, so a ledger can be
 * closed and opened again), or a fresh schema in the PostgreSQL that {@value #PG_ENV} names (the CI script starts
 * one; on a machine without it, PostgreSQL tests are skipped and say why).
 */
final class TestLedgers
{
    static final String PG_ENV = "STOCK_TEST_PG_URL";

    /** Which database a parameterized test runs against. */
    enum Database
    {
        H2, POSTGRESQL
    }

    private TestLedgers()
    {
    }

    static LedgerConfig h2()
    {
        return new LedgerConfig().url("jdbc:h2:mem:ledger-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    }

    /** A fresh schema in the test PostgreSQL; skips the test (saying why) when there is none. */
    static LedgerConfig postgres()
    {
        final String url = System.getenv(PG_ENV);
        Assumptions.assumeTrue(url != null && !url.isBlank(), () ->
        {
            final String why = PG_ENV + " is not set: skipping the PostgreSQL run (the CI script .ci/run starts a " +
                "PostgreSQL and sets it)";
            System.out.println(why);
            return why;
        });
        return new LedgerConfig().url(url).schema("t_" + UUID.randomUUID().toString().replace("-", "")
            .substring(0, 20));
    }

    static LedgerConfig of(final Database database)
    {
        return database == Database.H2 ? h2() : postgres();
    }

    /** Every posting as "seq kind debit credit amount quantity" lines, in id order: two ledgers compare by this. */
    static List<String> postings(final LedgerConfig config) throws SQLException
    {
        return lines(config, "SELECT seq, kind, debit_account, credit_account, amount, sku, debit_location, " +
            "credit_location, quantity, correlation_id, posted_at, reference FROM posting ORDER BY id");
    }

    /** The valuation state (positions, layers, transits) as lines. */
    static List<String> state(final LedgerConfig config) throws SQLException
    {
        final List<String> all = new ArrayList<>();
        all.addAll(lines(config, "SELECT sku, location, units, cost, last_cost, layers FROM stock_position ORDER BY " +
            "sku, location"));
        all.addAll(lines(config, "SELECT transfer_id, layer_no, units, cost FROM transit_layer ORDER BY " +
            "transfer_id, layer_no"));
        all.addAll(lines(config, "SELECT sku, method, standard_cost, last_cost FROM sku_costing ORDER BY sku"));
        // The orders a return may still name: the same rows however the commits fell.
        all.addAll(lines(config, "SELECT order_id, reserve_seq, line_no, sku, location, factor, shipped_units, " +
            "shipped_cost, returned_units, returned_cost FROM order_line ORDER BY order_id, reserve_seq, line_no"));
        return all;
    }

    static List<String> lines(final LedgerConfig config, final String sql) throws SQLException
    {
        final List<String> lines = new ArrayList<>();
        try (Connection connection = connect(config); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql))
        {
            final int columns = rows.getMetaData().getColumnCount();
            while (rows.next())
            {
                final StringBuilder line = new StringBuilder();
                for (int i = 1; i <= columns; i++)
                {
                    final Object value = rows.getObject(i);
                    line.append(i > 1 ? " " : "").append(value instanceof byte[] bytes ?
                        HexFormat.of().formatHex(bytes) : String.valueOf(value));
                }
                lines.add(line.toString());
            }
        }
        return lines;
    }

    static Connection connect(final LedgerConfig config) throws SQLException
    {
        final Connection connection = DriverManager.getConnection(config.url(), config.user(), config.password());
        if (config.schema() != null)
        {
            connection.setSchema(Dialect.of(config.url()).schemaName(config.schema()));
        }
        return connection;
    }
}
