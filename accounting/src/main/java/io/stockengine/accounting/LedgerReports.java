package io.stockengine.accounting;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.stockengine.engine.EventSink;

/**
 * Reads the ledger for reports: the trial balance (at a seq or the end of a day), the stock valuation by SKU and
 * location (now, or as it stood at a seq or the end of a day), and cost of goods sold by day. Every read of one
 * instance is of one snapshot of the database, taken at its opening, so its reports are consistent with one journal
 * position, {@link #ledgerSeq}, even while the consumer commits; open another for newer figures.
 * <p>
 * Threading: one thread.
 */
public final class LedgerReports implements AutoCloseable
{
    private static final long QUARTER_HOUR_MILLIS = 900_000L;

    private final LedgerStore store;
    private final Map<String, String> accountNames = new HashMap<>();
    private final Map<String, Boolean> stockAccounts = new HashMap<>();
    private final Map<Integer, String> skuNames = new HashMap<>();
    private final Map<Integer, String> locationNames = new HashMap<>();
    private final Map<Integer, CostMethod> methods = new HashMap<>();
    private long ledgerSeq;

    /** One account's totals. */
    public record AccountTotal(String code, String name, boolean stock, long debit, long credit)
    {
        /** Debit minus credit. */
        public long balance()
        {
            return Math.subtractExact(debit, credit);
        }
    }

    /**
     * The trial balance: every account with postings, in code order. Its totals are exact sums (LongStream.sum would
     * wrap): a total past the largest amount is an error.
     */
    public record TrialBalance(long ledgerSeq, String asOf, List<AccountTotal> accounts)
    {
        public long debits()
        {
            return accounts.stream().mapToLong(AccountTotal::debit).reduce(0, Math::addExact);
        }

        public long credits()
        {
            return accounts.stream().mapToLong(AccountTotal::credit).reduce(0, Math::addExact);
        }

        public boolean balanced()
        {
            return debits() == credits();
        }

        /** The balance of the inventory accounts (on hand and in transit). */
        public long inventory()
        {
            return accounts.stream().filter(AccountTotal::stock).mapToLong(AccountTotal::balance)
                .reduce(0, Math::addExact);
        }
    }

    /** The stock of one SKU at one location: on hand and in transit towards it. */
    public record StockValue(int sku, String skuName, int location, String locationName, CostMethod method,
        long units, long value, long transitUnits, long transitValue)
    {
        public long totalUnits()
        {
            return Math.addExact(units, transitUnits);
        }

        public long totalValue()
        {
            return Math.addExact(value, transitValue);
        }
    }

    /** Cost of goods sold on one day (a date in the report's zone, engine time). */
    public record CogsDay(LocalDate day, long shippedUnits, long shipped, long soldUnits, long sold,
        long returnedUnits, long returned)
    {
        public long net()
        {
            return Math.subtractExact(Math.addExact(shipped, sold), returned);
        }
    }

    private LedgerReports(final LedgerStore store)
    {
        this.store = store;
    }

    /**
     * Opens an existing ledger for reading (an older one is upgraded in place, as every start does).
     *
     * @throws AccountingConfigException when the database or schema holds no ledger.
     */
    public static LedgerReports open(final LedgerConfig config)
    {
        final LedgerStore store = LedgerStore.open(config.conclude(), false);
        final LedgerReports reports = new LedgerReports(store);
        try
        {
            store.readOneSnapshot();
            store.requireIntact();
            reports.loadNames(config.consumerName());
            return reports;
        }
        catch (final SQLException ex)
        {
            store.close();
            throw new LedgerException("cannot read the ledger: " + ex.getMessage(), ex);
        }
        catch (final RuntimeException ex)
        {
            store.close();
            throw ex;
        }
    }

    private void loadNames(final String consumer) throws SQLException
    {
        store.query("SELECT code, name, stock FROM account", row ->
        {
            accountNames.put(row.getString(1), row.getString(2));
            stockAccounts.put(row.getString(1), row.getBoolean(3));
        });
        store.query("SELECT kind, id, name FROM symbol", row ->
        {
            if (row.getInt(1) == EventSink.SYMBOL_SKU)
            {
                skuNames.put(row.getInt(2), row.getString(3));
            }
            else if (row.getInt(1) == EventSink.SYMBOL_LOCATION)
            {
                locationNames.put(row.getInt(2), row.getString(3));
            }
        });
        store.query("SELECT sku, method FROM sku_costing", row ->
            methods.put(row.getInt(1), CostMethod.ofCode(row.getInt(2))));
        final java.util.List<String> others = new java.util.ArrayList<>();
        store.query("SELECT consumer, last_seq FROM consumer_position", row ->
        {
            if (row.getString(1).equals(consumer))
            {
                ledgerSeq = row.getLong(2);
            }
            else
            {
                others.add(row.getString(1));
            }
        });
        if (!others.isEmpty())
        {
            // A report "at seq 0" of another consumer's postings would contradict itself.
            throw new AccountingConfigException("this ledger is kept by consumer " + others + ", not '" + consumer +
                "': pass --consumer " + others.get(0));
        }
    }

    /** The last seq the ledger has committed, 0 for none. */
    public long ledgerSeq()
    {
        return ledgerSeq;
    }

    public String skuName(final int sku)
    {
        return skuNames.getOrDefault(sku, "#" + sku);
    }

    public String locationName(final int location)
    {
        return locationNames.getOrDefault(location, "#" + location);
    }

    /** The chart's inventory accounts as the ledger recorded them. */
    public List<String> stockAccounts()
    {
        final List<String> codes = new ArrayList<>();
        stockAccounts.forEach((code, stock) ->
        {
            if (stock)
            {
                codes.add(code);
            }
        });
        codes.sort(null);
        return codes;
    }

    /** The trial balance of every posting up to and including seq {@code asOfSeq}. */
    public TrialBalance trialBalanceAtSeq(final long asOfSeq)
    {
        return trialBalance(asOfSeq, String.format("seq %,d", asOfSeq));
    }

    /** The trial balance of everything committed. */
    public TrialBalance trialBalance()
    {
        return trialBalance(ledgerSeq, String.format("seq %,d", ledgerSeq));
    }

    private TrialBalance trialBalance(final long bound, final String asOf)
    {
        final Map<String, long[]> totals = new TreeMap<>();
        try
        {
            store.query("SELECT debit_account, SUM(amount) FROM posting WHERE seq <= ? GROUP BY debit_account",
                row -> totals.computeIfAbsent(row.getString(1), code -> new long[2])[0] = sum(row.getBigDecimal(2)),
                bound);
            store.query("SELECT credit_account, SUM(amount) FROM posting WHERE seq <= ? GROUP BY credit_account",
                row -> totals.computeIfAbsent(row.getString(1), code -> new long[2])[1] = sum(row.getBigDecimal(2)),
                bound);
        }
        catch (final SQLException ex)
        {
            throw new LedgerException("cannot read the trial balance: " + ex.getMessage(), ex);
        }
        final List<AccountTotal> accounts = new ArrayList<>();
        totals.forEach((code, sums) -> accounts.add(new AccountTotal(code, accountNames.getOrDefault(code, "?"),
            stockAccounts.getOrDefault(code, false), sums[0], sums[1])));
        return new TrialBalance(ledgerSeq, asOf, accounts);
    }

    private static long sum(final BigDecimal sum)
    {
        return sum == null ? 0 : sum.longValueExact();
    }

    /**
     * Stock value by SKU and location (on hand, and in transit towards the location), ordered by SKU and location
     * name.
     *
     * @param sku       only this SKU, or null for all.
     * @param withEmpty include SKU x locations that hold nothing now.
     */
    public List<StockValue> valuation(final String sku, final boolean withEmpty)
    {
        final Map<Long, long[]> stock = new HashMap<>();
        try
        {
            store.query("SELECT sku, location, units, cost FROM stock_position", row ->
            {
                final long[] v = stock.computeIfAbsent(Valuation.key(row.getInt(1), row.getInt(2)), k -> new long[4]);
                v[0] = row.getLong(3);
                v[1] = row.getLong(4);
            });
            store.query("SELECT sku, to_location, SUM(units), SUM(cost) FROM transit_layer GROUP BY sku, to_location",
                row ->
                {
                    final long[] v = stock.computeIfAbsent(Valuation.key(row.getInt(1), row.getInt(2)),
                        k -> new long[4]);
                    v[2] = sum(row.getBigDecimal(3));
                    v[3] = sum(row.getBigDecimal(4));
                });
        }
        catch (final SQLException ex)
        {
            throw new LedgerException("cannot read the valuation: " + ex.getMessage(), ex);
        }
        return stockValues(stock, sku, withEmpty);
    }

    /**
     * Stock value by SKU and location as it stood after the event of seq {@code asOfSeq} (at most the ledger's seq),
     * the same rows {@link #valuation} gives a ledger that stopped there.
     * <p>
     * Rebuilt from the postings, which carry all of it: every movement of valued stock is one posting on its stock
     * side, with its units and value, a zero value included (a posting is written whatever its amount); a transfer's
     * pair of postings says where its units are in transit (towards the destination, the debit location of
     * {@code transfer_out}); the variance of a receipt at standard moves no stock (its kind has no stock side). So
     * units and value per SKU x location are the sums of the stock sides up to that seq, exactly, in a ledger of any
     * schema version (postings have been written so from the first). The method is the SKU's, fixed for the ledger's
     * life. Sums are taken exact (BigDecimal) and only the result has to fit: the receipts of years may add past the
     * largest amount, the stock at one moment never does.
     *
     * @param sku       only this SKU, or null for all.
     * @param withEmpty include SKU x locations that hold nothing then but had moved by then.
     */
    public List<StockValue> valuationAtSeq(final long asOfSeq, final String sku, final boolean withEmpty)
    {
        final Map<Long, BigDecimal[]> sums = new HashMap<>();
        try
        {
            store.query("SELECT kind, sku, debit_location, credit_location, SUM(quantity), SUM(amount) FROM posting " +
                "WHERE id < ? GROUP BY kind, sku, debit_location, credit_location", row ->
            {
                final PostingKind kind = PostingKind.ofCode(row.getInt(1));
                final BigDecimal units = orZero(row.getBigDecimal(5));
                final BigDecimal value = orZero(row.getBigDecimal(6));
                // On hand at columns 0 and 1, in transit towards the location at 2 and 3: transfer_out's debit is the
                // stock in transit to its destination, transfer_in's credit the same stock arriving.
                if (kind.debitIsStock())
                {
                    add(sums, row.getInt(2), row.getInt(3), kind == PostingKind.TRANSFER_OUT ? 2 : 0, units, value);
                }
                if (kind.creditIsStock())
                {
                    add(sums, row.getInt(2), row.getInt(4), kind == PostingKind.TRANSFER_IN ? 2 : 0, units.negate(),
                        value.negate());
                }
            }, firstIdAfter(asOfSeq));
        }
        catch (final SQLException ex)
        {
            throw new LedgerException("cannot read the postings up to seq " + asOfSeq + ": " + ex.getMessage(), ex);
        }
        final Map<Long, long[]> stock = new HashMap<>();
        sums.forEach((key, v) -> stock.put(key, new long[] { v[0].longValueExact(), v[1].longValueExact(),
            v[2].longValueExact(), v[3].longValueExact() }));
        return stockValues(stock, sku, withEmpty);
    }

    /**
     * The first posting id past seq {@code seq}: ids are {@code seq x 4 + leg}, so {@code id < } this selects the
     * postings up to {@code seq} by the primary key's range instead of a scan of every posting.
     */
    private static long firstIdAfter(final long seq)
    {
        return Math.multiplyExact(Math.addExact(seq, 1), 4);
    }

    private static void add(final Map<Long, BigDecimal[]> sums, final int sku, final int location, final int at,
        final BigDecimal units, final BigDecimal value)
    {
        final BigDecimal[] v = sums.computeIfAbsent(Valuation.key(sku, location),
            k -> new BigDecimal[] { BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO });
        v[at] = v[at].add(units);
        v[at + 1] = v[at + 1].add(value);
    }

    private static BigDecimal orZero(final BigDecimal sum)
    {
        return sum == null ? BigDecimal.ZERO : sum;
    }

    /**
     * Where the end of {@code day} (in {@code zone}, engine time) falls among the ledger's postings: the seq of the last posting
     * before it and of the first at or after it, 0 for none, both up to the ledger's seq (a consumer committing
     * meanwhile adds postings this report does not claim to cover). Every event between the last posting before the
     * end of the day and the end of the day moves no valued stock, so the valuation at that posting's seq is the
     * valuation at the end of the day.
     *
     * @throws IllegalStateException when engine time goes back across the end of the day (a posting before it comes
     *         after one at or past it): then the end of the day is no single point of the ledger, and no valuation
     *         is the one "at the end of the day". The engine keeps its time from going back, so this is a ledger of
     *         a journal not written by it.
     */
    public DayEnd dayEnd(final LocalDate day, final ZoneId zone)
    {
        final long end = day.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        final long[] seqs = new long[2];
        try
        {
            store.query("SELECT MAX(CASE WHEN posted_at < ? THEN seq END), MIN(CASE WHEN posted_at >= ? THEN seq " +
                "END) FROM posting WHERE id < ?", row ->
            {
                seqs[0] = row.getLong(1);
                seqs[1] = row.getLong(2);
            }, end, end, firstIdAfter(ledgerSeq));
        }
        catch (final SQLException ex)
        {
            throw new LedgerException("cannot read the postings' engine time: " + ex.getMessage(), ex);
        }
        if (seqs[1] != 0 && seqs[1] < seqs[0])
        {
            throw new IllegalStateException(String.format("engine time goes back across the end of %s (%s) in " +
                "this ledger: seq %,d is posted at or after it but seq %,d, later, before it, so the end of that " +
                "day is no single point of the journal; ask for --as-of-seq instead", day, zone.getId(), seqs[1], seqs[0]));
        }
        return new DayEnd(day, zone, seqs[0], seqs[1]);
    }

    /**
     * Where the end of a day falls among the postings.
     *
     * @param zone          the zone whose day it is.
     * @param lastSeqBefore the seq of the last posting before the end of the day (of that day or an earlier one), 0
     *                      for none.
     * @param firstSeqAfter the seq of the first posting at or after the end of the day, 0 when the ledger holds none.
     */
    public record DayEnd(LocalDate day, ZoneId zone, long lastSeqBefore, long firstSeqAfter)
    {
    }

    /** The rows of {@code stock} ({units, value, transit units, transit value} by key), filtered and sorted. */
    private List<StockValue> stockValues(final Map<Long, long[]> stock, final String sku, final boolean withEmpty)
    {
        final List<StockValue> rows = new ArrayList<>();
        stock.forEach((key, v) ->
        {
            final int skuId = (int)(key >>> 32);
            final int location = (int)(long)key;
            if ((sku == null || sku.equals(skuName(skuId))) && (withEmpty || v[0] != 0 || v[2] != 0 ||
                v[1] != 0 || v[3] != 0))
            {
                rows.add(new StockValue(skuId, skuName(skuId), location, locationName(location),
                    methods.getOrDefault(skuId, CostMethod.FIFO), v[0], v[1], v[2], v[3]));
            }
        });
        rows.sort((a, b) ->
        {
            final int bySku = a.skuName().compareTo(b.skuName());
            return bySku != 0 ? bySku : a.locationName().compareTo(b.locationName());
        });
        return rows;
    }

    /**
     * Cost of goods sold per day (dates in {@code zone}, engine time) from {@code from} to {@code to} inclusive (null:
     * open). The database sums by quarter hour, and each quarter hour goes to its day in the zone: every zone's
     * offset from UTC is a whole number of quarter hours (since 1972), so no quarter hour straddles two days.
     */
    public List<CogsDay> cogs(final LocalDate from, final LocalDate to, final ZoneId zone)
    {
        final long start = from == null ? Long.MIN_VALUE : from.atStartOfDay(zone).toInstant().toEpochMilli();
        final long end = to == null ? Long.MAX_VALUE : to.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        final Map<LocalDate, long[]> days = new TreeMap<>();
        try
        {
            store.query("SELECT posted_at / " + QUARTER_HOUR_MILLIS + ", kind, SUM(quantity), SUM(amount) FROM " +
                "posting WHERE kind IN (" + PostingKind.SHIPMENT.code() + ", " + PostingKind.SALE.code() + ", " +
                PostingKind.RETURN.code() + ") AND posted_at >= ? AND posted_at < ? AND seq <= ? GROUP BY " +
                "posted_at / " + QUARTER_HOUR_MILLIS + ", kind", row ->
            {
                final LocalDate day = Instant.ofEpochMilli(row.getLong(1) * QUARTER_HOUR_MILLIS).atZone(zone)
                    .toLocalDate();
                final long[] v = days.computeIfAbsent(day, d -> new long[6]);
                final PostingKind kind = PostingKind.ofCode(row.getInt(2));
                final int at = kind == PostingKind.SHIPMENT ? 0 : kind == PostingKind.SALE ? 2 : 4;
                v[at] = Math.addExact(v[at], sum(row.getBigDecimal(3)));
                v[at + 1] = Math.addExact(v[at + 1], sum(row.getBigDecimal(4)));
            }, start, end, ledgerSeq);
        }
        catch (final SQLException ex)
        {
            throw new LedgerException("cannot read cost of goods sold: " + ex.getMessage(), ex);
        }
        final List<CogsDay> rows = new ArrayList<>();
        days.forEach((day, v) -> rows.add(new CogsDay(day, v[0], v[1], v[2], v[3], v[4], v[5])));
        return rows;
    }

    /**
     * The inventory value the postings give each SKU x location: what its inventory accounts were debited minus
     * credited there (the stock side of a transfer out sits at the destination, in transit).
     */
    public Map<Long, Long> postedInventory()
    {
        final Map<Long, Long> values = new HashMap<>();
        try
        {
            store.query("SELECT p.sku, p.debit_location, SUM(p.amount) FROM posting p JOIN account a ON " +
                "a.code = p.debit_account WHERE a.stock = TRUE GROUP BY p.sku, p.debit_location", row ->
                values.merge(Valuation.key(row.getInt(1), row.getInt(2)), sum(row.getBigDecimal(3)), Math::addExact));
            store.query("SELECT p.sku, p.credit_location, SUM(p.amount) FROM posting p JOIN account a ON " +
                "a.code = p.credit_account WHERE a.stock = TRUE GROUP BY p.sku, p.credit_location", row ->
                values.merge(Valuation.key(row.getInt(1), row.getInt(2)), -sum(row.getBigDecimal(3)),
                    Math::addExact));
        }
        catch (final SQLException ex)
        {
            throw new LedgerException("cannot read the inventory postings: " + ex.getMessage(), ex);
        }
        return values;
    }

    @Override
    public void close()
    {
        store.close();
    }
}
