package io.stockengine.accounting;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;

import io.stockengine.journal.ReaderPosition;

/**
 * The ledger's database: one JDBC connection with auto-commit off, so everything written between two
 * {@link #commit}s (postings, valuation state, the journal position) is one transaction.
 * <p>
 * The schema is Flyway's ({@code db/accounting/V*.sql} on the classpath) rather than a hand-run script: migrations
 * are versioned and checksummed, recorded in the database itself ({@code flyway_schema_history}) and applied the same
 * way to H2 and PostgreSQL, so a ledger created by an older version is brought up to date in place on the next start,
 * and a migration edited after it ran is refused instead of silently diverging.
 * <p>
 * Throughput: postings go out in JDBC batches of {@link LedgerConfig#postingBatch} rows inside the open transaction
 * (on PostgreSQL with {@code reWriteBatchedInserts}, so a batch is a few multi-row INSERTs); valuation state is
 * written once per commit, only for what changed, in key order (see {@link Ledger#store}), each SKU x location
 * under one BIGINT key.
 * <p>
 * Threading: the consumer's thread.
 */
final class LedgerStore implements AutoCloseable
{
    static
    {
        // Flyway logs every validation at INFO and warns that H2 2.4 is newer than it was verified with; the ledger
        // reports the migrations it applies itself (see migrations()). Only when nobody chose a level.
        if (System.getProperty("org.slf4j.simpleLogger.log.org.flywaydb") == null)
        {
            System.setProperty("org.slf4j.simpleLogger.log.org.flywaydb", "error");
        }
        // The tool sends embedded H2's error trace here (TRACE_LEVEL_FILE=4, see LedgerOptions) rather than let it
        // print stack traces when it cannot write its trace file; every error H2 traces also reaches the ledger as
        // the SQLException the tool reports in a sentence. -Dorg.slf4j.simpleLogger.log.h2database=debug shows them.
        if (System.getProperty("org.slf4j.simpleLogger.log.h2database") == null)
        {
            System.setProperty("org.slf4j.simpleLogger.log.h2database", "off");
        }
    }

    private static final String POSTING_COLUMNS = "id, seq, kind, debit_account, credit_account, amount, sku, " +
        "debit_location, credit_location, quantity, correlation_id, posted_at, reference";

    final Dialect dialect;
    private final Connection connection;
    private int migrations;
    private String schemaVersion;
    private final int postingBatch;
    private final Batch postings;
    private final Batch symbols;
    private final Batch skuCosts;
    private final Batch positions;
    private final Batch transitDeletes;
    private final Batch transitInserts;
    private final Batch orderLines;
    private final Batch orderLineDeletes;
    private final Batch orderLineUpdates;
    private final Batch consumerPosition;
    /** Postings in the ledger as of the last commit, and added since: the count the position is committed with. */
    private long committedPostings;
    private long pendingPostings;
    private final Batch accounts;
    private final Batch[] inOrder;

    /** A prepared statement and the rows added to it since it was last executed. */
    private static final class Batch
    {
        final PreparedStatement statement;
        int rows;

        Batch(final Connection connection, final String sql) throws SQLException
        {
            this.statement = connection.prepareStatement(sql);
        }

        void add() throws SQLException
        {
            statement.addBatch();
            rows++;
        }

        void execute() throws SQLException
        {
            if (rows > 0)
            {
                statement.executeBatch();
                rows = 0;
            }
        }
    }

    private LedgerStore(final LedgerConfig config, final Connection connection) throws SQLException
    {
        this.dialect = Dialect.of(config.url());
        this.connection = connection;
        this.postingBatch = config.postingBatch();
        postings = new Batch(connection, "INSERT INTO posting (" + POSTING_COLUMNS + ") VALUES " +
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        symbols = new Batch(connection, "INSERT INTO symbol (kind, id, name) VALUES (?, ?, ?)");
        skuCosts = new Batch(connection, dialect.upsert("sku_costing", new String[] { "sku" },
            new String[] { "method", "standard_cost", "last_cost" }));
        // Keyed by position_key alone (schema version 3): see V3__stock_position_key.sql.
        positions = new Batch(connection, dialect.upsert("stock_position", new String[] { "position_key" },
            new String[] { "sku", "location", "units", "cost", "last_cost", "layers" }));
        transitDeletes = new Batch(connection, "DELETE FROM transit_layer WHERE transfer_id = ?");
        transitInserts = new Batch(connection, "INSERT INTO transit_layer (transfer_id, layer_no, sku, " +
            "from_location, to_location, units, cost) VALUES (?, ?, ?, ?, ?, ?, ?)");
        orderLines = new Batch(connection, "INSERT INTO order_line (order_id, reserve_seq, line_no, sku, location, " +
            "factor, shipped_units, shipped_cost, returned_units, returned_cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        orderLineUpdates = new Batch(connection, "UPDATE order_line SET shipped_units = ?, shipped_cost = ?, " +
            "returned_units = ?, returned_cost = ? WHERE order_id = ? AND reserve_seq = ? AND line_no = ?");
        orderLineDeletes = new Batch(connection, "DELETE FROM order_line WHERE order_id = ? AND reserve_seq = ? AND " +
            "line_no = ?");
        consumerPosition = new Batch(connection, dialect.upsert("consumer_position", new String[] { "consumer" },
            new String[] { "last_seq", "excerpt_index", "committed_at", "postings" }));
        accounts = new Batch(connection, dialect.upsert("account", new String[] { "code" },
            new String[] { "name", "stock" }));
        // The deletes of transits run before the inserts that reuse their keys.
        inOrder = new Batch[] { postings, symbols, skuCosts, positions, transitDeletes, transitInserts, orderLines,
            orderLineUpdates, orderLineDeletes, accounts, consumerPosition };
    }

    /**
     * Connects, brings the schema up to date with Flyway, and prepares the statements.
     *
     * @param create make the schema when the database holds no ledger (the consumer); a report only opens an existing
     *               ledger (still upgrading an older one in place, as every start does), and is refused where there is
     *               none rather than reading zeros from a schema it made itself.
     * @throws AccountingConfigException when {@code create} is false and there is no ledger.
     */
    static LedgerStore open(final LedgerConfig config, final boolean create)
    {
        final Dialect dialect = Dialect.of(config.url());
        final Properties properties = new Properties();
        if (config.user() != null)
        {
            properties.setProperty("user", config.user());
        }
        if (config.password() != null)
        {
            properties.setProperty("password", config.password());
        }
        if (dialect == Dialect.POSTGRESQL && !config.url().contains("reWriteBatchedInserts"))
        {
            properties.setProperty("reWriteBatchedInserts", "true");
        }
        Connection connection = null;
        try
        {
            // Connected before Flyway runs so that an in-memory H2 database outlives Flyway's own connection.
            connection = DriverManager.getConnection(config.url(), properties);
            final Flyway flyway = flyway(config);
            if (!create && flyway.info().current() == null)
            {
                throw new AccountingConfigException(noLedger(config));
            }
            final MigrateResult migrated = flyway.migrate();
            if (config.schema() != null)
            {
                connection.setSchema(dialect.schemaName(config.schema()));
            }
            connection.setAutoCommit(false);
            final LedgerStore store = new LedgerStore(config, connection);
            store.migrations = migrated.migrationsExecuted;
            store.schemaVersion = migrated.targetSchemaVersion != null ? migrated.targetSchemaVersion :
                migrated.initialSchemaVersion;
            return store;
        }
        catch (final SQLException ex)
        {
            closeQuietly(connection);
            throw new LedgerException("cannot open the ledger at " + redact(config.url()) + ": " + ex.getMessage(), ex);
        }
        catch (final FlywayException ex)
        {
            final boolean readOnly = readOnly(connection);
            closeQuietly(connection);
            // Flyway's own advice ("run repair") names a tool this one does not have; a half-made schema is what a
            // kill while it was being created leaves (found by a black-box tester), and rebuilding is the way out.
            // A ledger opened read-only (a read-only file) was only refused the upgrade, and is whole.
            final String message = String.valueOf(ex.getMessage()).strip();
            throw new LedgerException("cannot bring the schema of the ledger at " + redact(config.url()) +
                " up to date: " + message.lines().findFirst().orElse(message) + (readOnly ? ". The database is " +
                "open read-only here: open it once where it can be written (a writable file, or a user allowed to " +
                "change the schema) to upgrade it." : ". A ledger killed while its schema was being created or " +
                "migrated is left half-made: move it aside (the embedded one is the data directory's accounting/ " +
                "folder) and run again to rebuild it from the journal."), ex);
        }
        catch (final RuntimeException ex)
        {
            closeQuietly(connection);
            throw ex;
        }
    }

    private static Flyway flyway(final LedgerConfig config)
    {
        final FluentConfiguration flyway = Flyway.configure()
            .dataSource(config.url(), config.user(), config.password())
            .locations("classpath:db/accounting")
            .loggers("slf4j");
        if (config.schema() != null)
        {
            final String schema = Dialect.of(config.url()).schemaName(config.schema());
            flyway.schemas(schema).defaultSchema(schema);
        }
        return flyway.load();
    }

    /** Where a report looked for a ledger and found none, and what makes one. */
    private static String noLedger(final LedgerConfig config)
    {
        // H2's settings (;AUTO_SERVER=TRUE;IFEXISTS=TRUE) are the tool's, not part of where the database is.
        final String database = Dialect.of(config.url()) == Dialect.H2 ? config.url().split(";", 2)[0] :
            redact(config.url());
        return config.schema() != null ? "there is no ledger in schema " + config.schema() + " of " + database +
            ": run 'accounting-tool run' on it first (the same --db-url and --db-schema), or check the schema's " +
            "name" : "there is no ledger in " + database + " (in its default schema): run 'accounting-tool run' on " +
            "it first (the same --db-url), or pass the --db-schema the ledger was made in";
    }

    /** Migrations Flyway applied when this store opened the ledger (0: the schema was up to date). */
    int migrations()
    {
        return migrations;
    }

    String schemaVersion()
    {
        return schemaVersion;
    }

    /** The URL without a password that may sit in its parameters. */
    static String redact(final String url)
    {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static boolean readOnly(final Connection connection)
    {
        try
        {
            return connection != null && connection.isReadOnly();
        }
        catch (final SQLException ex)
        {
            // Not known: the general advice stands.
            return false;
        }
    }

    private static void closeQuietly(final Connection connection)
    {
        if (connection != null)
        {
            try
            {
                connection.close();
            }
            catch (final SQLException ignored)
            {
                // Already failing with the reason that matters.
            }
        }
    }

    /** Adds one posting to the open transaction; a full batch is sent at once. */
    void posting(final long id, final long seq, final PostingKind kind, final String debit, final String credit,
        final long amount, final int sku, final int debitLocation, final int creditLocation, final long quantity,
        final long correlationId, final long postedAt, final String reference) throws SQLException
    {
        final PreparedStatement s = postings.statement;
        s.setLong(1, id);
        s.setLong(2, seq);
        s.setShort(3, (short)kind.code());
        s.setString(4, debit);
        s.setString(5, credit);
        s.setLong(6, amount);
        s.setInt(7, sku);
        s.setInt(8, debitLocation);
        s.setInt(9, creditLocation);
        s.setLong(10, quantity);
        s.setLong(11, correlationId);
        s.setLong(12, postedAt);
        s.setString(13, reference);
        postings.add();
        pendingPostings++;
        if (postings.rows >= postingBatch)
        {
            postings.execute();
        }
    }

    void symbol(final int kind, final int id, final String name) throws SQLException
    {
        final PreparedStatement s = symbols.statement;
        s.setShort(1, (short)kind);
        s.setInt(2, id);
        s.setString(3, name);
        symbols.add();
    }

    void account(final String code, final String name, final boolean stock) throws SQLException
    {
        final PreparedStatement s = accounts.statement;
        s.setString(1, code);
        s.setString(2, name);
        s.setBoolean(3, stock);
        accounts.add();
    }

    void skuCost(final SkuCost cost) throws SQLException
    {
        final PreparedStatement s = skuCosts.statement;
        s.setInt(1, cost.sku);
        s.setShort(2, (short)cost.method.code());
        s.setLong(3, cost.standard);
        s.setLong(4, cost.lastCost);
        skuCosts.add();
    }

    /** Writes one SKU x location as it is now: the pool and, for FIFO, its layers. */
    void stock(final StockCost stock) throws SQLException
    {
        final PreparedStatement p = positions.statement;
        p.setLong(1, Valuation.key(stock.sku, stock.location));
        p.setInt(2, stock.sku);
        p.setInt(3, stock.location);
        p.setLong(4, stock.units);
        p.setLong(5, stock.value);
        p.setLong(6, stock.lastCost);
        p.setBytes(7, stock.encodeLayers());
        positions.add();
    }

    /** Replaces a transfer's rows with the pieces still in transit (none once it has all arrived). */
    void transit(final Transit transit) throws SQLException
    {
        if (transit.persisted)
        {
            transitDeletes.statement.setString(1, transit.id);
            transitDeletes.add();
        }
        final int count = transit.remainingCount();
        for (int n = 0; n < count; n++)
        {
            final PreparedStatement s = transitInserts.statement;
            s.setString(1, transit.id);
            s.setInt(2, n);
            s.setInt(3, transit.sku);
            s.setInt(4, transit.from);
            s.setInt(5, transit.to);
            s.setLong(6, transit.remainingUnits(n));
            s.setLong(7, transit.remainingValue(n));
            transitInserts.add();
        }
        transit.persisted = count > 0;
    }

    /**
     * Writes the lines of an order that changed since its last commit: new lines are inserted, stored ones updated.
     * A finished order keeps only what a return can name: its shipped lines and its kit lines. A commit can fall
     * between a reservation and its lines (the journal reader may stop between any two events): then a row
     * numbered -1 records the reservation alone, so that its lines, arriving after a restart, find the order.
     */
    void order(final OrderCost order) throws SQLException
    {
        if (order.lineCount == 0 && !order.persisted)
        {
            insertLine(order, OrderCost.HEADER, 0, 0, 0);
            order.headerStored = true;
        }
        else if (order.headerStored && (order.lineCount > 0 || order.finished))
        {
            // Its lines find the order now (or nothing will name it again): the table holds the same rows however
            // the commits fell.
            deleteLine(order, OrderCost.HEADER);
            order.headerStored = false;
        }
        // Stored while the order was open: once it has finished, what a return cannot name goes.
        final boolean nothingShipped = order.finished && !order.shippedAny();
        for (int n = 0; n < order.lineCount; n++)
        {
            if (!order.lineStored[n] && !order.lineDirty[n])
            {
                // Neither read back nor named by an event: a line of a finished order that was never stored (or
                // has gone), below one that was. Nothing is known of it, and nothing is written.
                continue;
            }
            // A return names a kit line for its components, so a kit line stays while anything of its order shipped.
            final boolean unnamed = order.finished && order.shippedUnits[n] == 0 &&
                (order.factor[n] != 0 || nothingShipped);
            if (unnamed)
            {
                // Stored or not, the same rule as for an order written once when it finished: the rows do not
                // depend on where the commits fell.
                if (order.lineStored[n])
                {
                    deleteLine(order, n);
                    order.lineStored[n] = false;
                }
                order.lineDirty[n] = false;
                continue;
            }
            if (!order.lineStored[n])
            {
                insertLine(order, n, order.sku[n], order.location[n], order.factor[n]);
                order.lineStored[n] = true;
            }
            else if (order.lineDirty[n])
            {
                final PreparedStatement s = orderLineUpdates.statement;
                s.setLong(1, order.shippedUnits[n]);
                s.setLong(2, order.shippedValue[n]);
                s.setLong(3, order.returnedUnits[n]);
                s.setLong(4, order.returnedValue[n]);
                s.setString(5, order.id);
                s.setLong(6, order.reserveSeq);
                s.setInt(7, n);
                orderLineUpdates.add();
            }
            order.lineDirty[n] = false;
        }
        order.persisted = true;
    }

    private void deleteLine(final OrderCost order, final int n) throws SQLException
    {
        final PreparedStatement s = orderLineDeletes.statement;
        s.setString(1, order.id);
        s.setLong(2, order.reserveSeq);
        s.setInt(3, n);
        orderLineDeletes.add();
    }

    private void insertLine(final OrderCost order, final int n, final int sku, final int location, final long factor)
        throws SQLException
    {
        final PreparedStatement s = orderLines.statement;
        s.setString(1, order.id);
        s.setLong(2, order.reserveSeq);
        s.setInt(3, n);
        s.setInt(4, sku);
        s.setInt(5, location);
        s.setLong(6, factor);
        s.setLong(7, n < 0 ? 0 : order.shippedUnits[n]);
        s.setLong(8, n < 0 ? 0 : order.shippedValue[n]);
        s.setLong(9, n < 0 ? 0 : order.returnedUnits[n]);
        s.setLong(10, n < 0 ? 0 : order.returnedValue[n]);
        orderLines.add();
    }

    /** Sends everything pending, writes the position with it, and commits the transaction. */
    void commit(final String consumer, final ReaderPosition position) throws SQLException
    {
        final PreparedStatement s = consumerPosition.statement;
        s.setString(1, consumer);
        s.setLong(2, position.seq());
        s.setLong(3, position.index());
        s.setLong(4, System.currentTimeMillis());
        s.setLong(5, committedPostings + pendingPostings);
        consumerPosition.add();
        commit();
    }

    /** Sends everything pending and commits. */
    void commit() throws SQLException
    {
        for (final Batch batch : inOrder)
        {
            batch.execute();
        }
        connection.commit();
        committedPostings += pendingPostings;
        pendingPostings = 0;
    }

    /**
     * Makes every read of this connection's transaction see one state of the database, the one of its first read: a
     * report reads several tables, and several statements, while a following consumer commits, and at the default
     * READ COMMITTED each statement saw the newest commit (a reviewer's test had 19 of 512 live trial balances not
     * balanced, and reconcile reported differences that were only later commits). Call before the first read.
     */
    void readOneSnapshot() throws SQLException
    {
        if (dialect == Dialect.H2)
        {
            // H2's REPEATABLE READ lets rows committed by others appear (phantoms); its SNAPSHOT does not.
            try (java.sql.Statement statement = connection.createStatement())
            {
                statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SNAPSHOT");
            }
        }
        else
        {
            // PostgreSQL's REPEATABLE READ is snapshot isolation: one snapshot, taken at the first statement.
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
        connection.setReadOnly(true);
    }

    /**
     * Refuses a ledger whose postings are not the ones its position committed. The postings and the position are
     * written in one transaction, so they can only disagree when the database broke that transaction in a crash:
     * embedded H2 killed at the wrong moment was seen to keep a position while losing postings committed before it,
     * after which the ledger resumes past them and never posts them (found by a black-box tester).
     */
    void requireIntact() throws SQLException
    {
        // One statement, one snapshot: a report reads while a following consumer commits.
        final long[] held = { -1 };
        final List<long[]> recorded = new ArrayList<>();
        query("SELECT (SELECT COUNT(*) FROM posting), p.last_seq, p.postings FROM consumer_position p", row ->
        {
            held[0] = row.getLong(1);
            final long postings = row.getLong(3);
            if (!row.wasNull())
            {
                recorded.add(new long[] { row.getLong(2), postings });
            }
        });
        if (held[0] < 0)
        {
            query("SELECT COUNT(*) FROM posting", row -> held[0] = row.getLong(1));
        }
        for (final long[] position : recorded)
        {
            if (position[1] != held[0])
            {
                throw new LedgerException(String.format("the ledger is damaged: its position (seq %,d) was " +
                    "committed with %,d postings, but it holds %,d. The database lost or kept part of a transaction " +
                    "when its process was killed, so neither its postings nor its valuation can be trusted. Rebuild " +
                    "it from the journal: move the ledger aside (the embedded one is the data directory's " +
                    "accounting/ folder) and run again; prefer PostgreSQL, whose crash recovery is sound, for a " +
                    "ledger that matters.", position[0], position[1], held[0]), null);
            }
        }
        committedPostings = held[0];
    }

    /** Drops everything since the last commit. */
    void rollback()
    {
        for (final Batch batch : inOrder)
        {
            try
            {
                batch.statement.clearBatch();
            }
            catch (final SQLException ignored)
            {
                // The rollback below discards the work either way.
            }
            batch.rows = 0;
        }
        pendingPostings = 0;
        try
        {
            connection.rollback();
        }
        catch (final SQLException ignored)
        {
            // A connection that cannot roll back is closed next; the database drops the open transaction then.
        }
    }

    /** Runs a query and hands each row to {@code rows}. */
    void query(final String sql, final RowHandler rows, final Object... parameters) throws SQLException
    {
        try (PreparedStatement statement = connection.prepareStatement(sql))
        {
            for (int i = 0; i < parameters.length; i++)
            {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet resultSet = statement.executeQuery())
            {
                while (resultSet.next())
                {
                    rows.row(resultSet);
                }
            }
        }
    }

    /** One row of a {@link #query}. */
    @FunctionalInterface
    interface RowHandler
    {
        void row(ResultSet row) throws SQLException;
    }

    /** Closes without committing: the open transaction, if any, is rolled back by the database. */
    @Override
    public void close()
    {
        try
        {
            if (!connection.isClosed())
            {
                connection.rollback();
            }
        }
        catch (final SQLException ignored)
        {
            // Closing discards the transaction anyway.
        }
        closeQuietly(connection);
    }
}
