package io.stockengine.accounting;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.stockengine.engine.EventSink;
import io.stockengine.journal.PositionStore;
import io.stockengine.journal.ReaderPosition;

/**
 * The accounting ledger: feed it the journal's events through {@link #sink()} (a {@link io.stockengine.journal
 * .JournalReader} does, with this ledger as its {@link PositionStore}) and it values the stock and posts every
 * movement. {@link #store} (the reader's {@code commit()}) writes the postings, the valuation state they leave behind
 * and the journal position in ONE database transaction: a consumer that dies at any point restarts from its last
 * commit with exactly the state that commit described, so no event is posted twice and none is skipped.
 * <p>
 * {@link #open} loads the committed state: each SKU's costing, every SKU x location's pool and FIFO layers, and the
 * transfers in transit; orders are read back on demand. It refuses to start when the configuration disagrees with
 * what the ledger recorded (a SKU's cost method or standard, an account's role).
 * <p>
 * Threading: one thread at a time (the one that polls the reader).
 */
public final class Ledger implements PositionStore, AutoCloseable
{
    private final LedgerConfig config;
    private final LedgerStore store;
    private final Valuation valuation;
    private final LedgerSink sink;
    private ReaderPosition committed;
    private boolean failed;
    private long commits;
    private long postingsAtCommit;

    private Ledger(final LedgerConfig config, final LedgerStore store)
    {
        this.config = config;
        this.store = store;
        this.valuation = new Valuation(config.costing());
        this.sink = new LedgerSink(this, valuation, config.chart(), store);
    }

    /** Opens (creating or migrating the schema) and loads the ledger's committed state. */
    public static Ledger open(final LedgerConfig config)
    {
        config.conclude();
        final LedgerStore store = LedgerStore.open(config, true);
        final Ledger ledger = new Ledger(config, store);
        try
        {
            ledger.loadState();
            return ledger;
        }
        catch (final SQLException ex)
        {
            store.close();
            throw new LedgerException("cannot load the ledger: " + ex.getMessage(), ex);
        }
        catch (final RuntimeException ex)
        {
            store.close();
            throw ex;
        }
    }

    private void loadState() throws SQLException
    {
        loadPosition();
        store.query("SELECT kind, id, name FROM symbol", row ->
        {
            if (row.getInt(1) == EventSink.SYMBOL_SKU)
            {
                valuation.skuName(row.getInt(2), row.getString(3));
            }
        });
        loadCosting();
        store.query("SELECT sku, location, units, cost, last_cost, layers FROM stock_position", row ->
            valuation.stock(row.getInt(1), row.getInt(2)).restore(row.getLong(3), row.getLong(4), row.getLong(5),
                row.getBytes(6)));
        final Map<String, Transit> transits = new HashMap<>();
        store.query("SELECT transfer_id, layer_no, sku, from_location, to_location, units, cost FROM transit_layer " +
            "ORDER BY transfer_id, layer_no", row ->
        {
            final String id = row.getString(1);
            Transit transit = transits.get(id);
            if (transit == null)
            {
                transit = new Transit(id, row.getInt(3), row.getInt(4), row.getInt(5));
                transits.put(id, transit);
            }
            transit.add(row.getLong(6), row.getLong(7));
        });
        for (final Transit transit : transits.values())
        {
            transit.persisted = true;
            sink.restore(transit);
        }
        registerAccounts();
        for (final SkuCost cost : valuation.dirtySkus)
        {
            store.skuCost(cost);
        }
        valuation.committed();
        store.commit();
    }

    private void loadPosition() throws SQLException
    {
        final List<String> others = new ArrayList<>();
        store.query("SELECT consumer, last_seq, excerpt_index FROM consumer_position", row ->
        {
            if (row.getString(1).equals(config.consumerName()))
            {
                committed = new ReaderPosition(row.getLong(2), row.getLong(3));
            }
            else
            {
                others.add(row.getString(1));
            }
        });
        if (!others.isEmpty())
        {
            // Two consumers writing one ledger would post every event twice.
            throw new AccountingConfigException("this ledger is kept by consumer " + others + ", not '" +
                config.consumerName() + "': pass --consumer " + others.get(0) + " or use a ledger of its own");
        }
        sink.lastSeq(committed == null ? 0 : committed.seq());
        requireNothingPastThePosition();
        store.requireIntact();
    }

    /**
     * Every row is written in the transaction that commits the position past it, so a ledger holding a posting or an
     * order line past its position holds work of a transaction the database did not roll back after a crash (seen
     * with embedded H2 killed while it was recovering from an earlier kill). Its costing state cannot be trusted
     * either, and posting on top of it would fail on the same keys or post twice: refused, with the way out. The
     * ledger is derived from the journal, which keeps everything past the consumer's position for it.
     */
    private void requireNothingPastThePosition() throws SQLException
    {
        final long position = committed == null ? 0 : committed.seq();
        final long[] past = new long[2];
        store.query("SELECT COALESCE(MAX(seq), 0) FROM posting", row -> past[0] = row.getLong(1));
        store.query("SELECT COALESCE(MAX(reserve_seq), 0) FROM order_line", row -> past[1] = row.getLong(1));
        if (past[0] > position || past[1] > position)
        {
            throw new LedgerException("the ledger holds work past its committed position (seq " + position + "): " +
                (past[0] > position ? "a posting at seq " + past[0] : "an order line reserved at seq " + past[1]) +
                ". The database kept part of a transaction that a crash interrupted, so the ledger cannot be " +
                "trusted. Rebuild it from the journal: move the ledger aside (the embedded one is the data " +
                "directory's accounting/ folder) and run again; prefer PostgreSQL, whose crash recovery is sound, " +
                "for a ledger that matters.", null);
        }
    }

    private void loadCosting() throws SQLException
    {
        final CostingConfig costing = config.costing();
        final List<String> problems = new ArrayList<>();
        store.query("SELECT sku, method, standard_cost, last_cost FROM sku_costing", row ->
        {
            final SkuCost cost = new SkuCost(row.getInt(1), CostMethod.ofCode(row.getInt(2)), row.getLong(3));
            cost.lastCost = row.getLong(4);
            valuation.put(cost);
            final String name = valuation.skuName(cost.sku);
            if (name == null)
            {
                return;
            }
            if (costing.method(name) != cost.method)
            {
                problems.add(name + " is valued by " + cost.method.label() + " in the ledger but the configuration " +
                    "says " + costing.method(name).label());
            }
            final long standard = costing.standard(name);
            if (standard != CostingConfig.NONE && cost.standard >= 0 && standard != cost.standard)
            {
                problems.add(name + " has standard cost " + Money.format(cost.standard) + " in the ledger but the " +
                    "configuration says " + Money.format(standard));
            }
            else if (standard != CostingConfig.NONE && cost.standard < 0)
            {
                cost.standard = standard;
                valuation.changed(cost);
            }
        });
        if (!problems.isEmpty())
        {
            throw new AccountingConfigException("the costing configuration disagrees with the ledger (a SKU keeps the " +
                "method and standard it was first valued with; revaluing needs a new ledger): " +
                String.join("; ", problems.subList(0, Math.min(10, problems.size()))) +
                (problems.size() > 10 ? "; and " + (problems.size() - 10) + " more" : ""));
        }
    }

    /** Records the chart's accounts; an account may not change between holding stock value and not. */
    private void registerAccounts() throws SQLException
    {
        final ChartOfAccounts chart = config.chart();
        final List<String> problems = new ArrayList<>();
        store.query("SELECT code, stock FROM account", row ->
        {
            final String code = row.getString(1);
            if (chart.accounts().containsKey(code) && row.getBoolean(2) != chart.stockAccounts().contains(code))
            {
                problems.add("account " + code + (row.getBoolean(2) ? " holds inventory value in the ledger but " +
                    "the chart uses it for something else" : " is not an inventory account in the ledger but the " +
                    "chart makes it one"));
            }
        });
        if (!problems.isEmpty())
        {
            throw new AccountingConfigException("the chart of accounts disagrees with the ledger: " +
                String.join("; ", problems));
        }
        for (final Map.Entry<String, String> account : chart.accounts().entrySet())
        {
            store.account(account.getKey(), account.getValue(), chart.stockAccounts().contains(account.getKey()));
        }
    }

    /** Where the journal's events go. */
    public EventSink sink()
    {
        return sink;
    }

    /** The position of the last commit (or of the ledger as opened); null when nothing was ever committed. */
    @Override
    public ReaderPosition load()
    {
        return committed;
    }

    /**
     * Commits: the postings since the last commit, the valuation state as it is now, and {@code position}, which
     * must name the last event delivered to {@link #sink()}, in one transaction.
     *
     * @throws LedgerException when the database refuses; the ledger is then unusable and must be opened again.
     */
    @Override
    public void store(final ReaderPosition position)
    {
        checkUsable();
        if (position.seq() != sink.lastSeq())
        {
            throw new IllegalArgumentException("the ledger has seen events up to seq " + sink.lastSeq() + " and " +
                "cannot commit position " + position);
        }
        try
        {
            // In key order: a large catalogue has thousands of rows to rewrite per commit, and the database walks its
            // pages in order rather than jumping about them (docs/accounting.md, Throughput, Many positions).
            valuation.sortChanges();
            for (final SkuCost cost : valuation.dirtySkus)
            {
                store.skuCost(cost);
            }
            for (final StockCost stock : valuation.dirtyStocks)
            {
                store.stock(stock);
            }
            sink.writeChanges();
            store.commit(config.consumerName(), position);
        }
        catch (final SQLException | RuntimeException ex)
        {
            fail();
            store.rollback();
            throw new LedgerException("cannot commit the ledger at " + position + ": " + ex.getMessage(), ex);
        }
        valuation.committed();
        sink.committed();
        committed = position;
        commits++;
        postingsAtCommit = sink.postings();
    }

    /** The last event seq seen (committed or not). */
    public long lastSeq()
    {
        return sink.lastSeq();
    }

    /** Events seen since opened. */
    public long events()
    {
        return sink.events();
    }

    /** Postings made since opened. */
    public long postings()
    {
        return sink.postings();
    }

    public long commits()
    {
        return commits;
    }

    /** Postings made since the last commit: on close they are rolled back (those already sent, by the database). */
    public long uncommittedPostings()
    {
        return sink.postings() - postingsAtCommit;
    }

    public LedgerConfig config()
    {
        return config;
    }

    /** "created (schema version 1)", "upgraded to schema version 2" or "schema version 1": what opening did. */
    public String schemaStatus()
    {
        if (store.migrations() == 0)
        {
            return "schema version " + store.schemaVersion();
        }
        return (committed == null ? "created" : "upgraded") + " (schema version " + store.schemaVersion() + ")";
    }

    void checkUsable()
    {
        if (failed)
        {
            throw new IllegalStateException("the ledger failed earlier and holds uncommitted half-done work: close " +
                "it and open it again to resume from its last commit");
        }
    }

    void fail()
    {
        failed = true;
    }

    /** Reads an order's lines back (its latest reservation's), or null when the ledger has none. */
    OrderCost loadOrder(final String id)
    {
        final List<long[]> rows = new ArrayList<>();
        try
        {
            store.query("SELECT line_no, reserve_seq, sku, location, factor, shipped_units, shipped_cost, " +
                "returned_units, returned_cost FROM order_line WHERE order_id = ?", row ->
            {
                final long[] line = new long[9];
                for (int i = 0; i < line.length; i++)
                {
                    line[i] = row.getLong(i + 1);
                }
                rows.add(line);
            }, id);
        }
        catch (final SQLException ex)
        {
            fail();
            throw new LedgerException("cannot read order " + id + ": " + ex.getMessage(), ex);
        }
        if (rows.isEmpty())
        {
            return null;
        }
        long reserveSeq = 0;
        for (final long[] line : rows)
        {
            reserveSeq = Math.max(reserveSeq, line[1]);
        }
        final OrderCost order = new OrderCost(id, reserveSeq, rows.size());
        for (final long[] line : rows)
        {
            if (line[1] == reserveSeq && line[0] != OrderCost.HEADER)
            {
                order.restore((int)line[0], (int)line[2], (int)line[3], line[4], line[5], line[6], line[7], line[8]);
            }
            else if (line[1] == reserveSeq)
            {
                order.headerStored = true;
            }
        }
        order.persisted = true;
        return order;
    }

    /** Closes without committing: whatever was posted since the last commit is rolled back. */
    @Override
    public void close()
    {
        store.close();
    }
}
