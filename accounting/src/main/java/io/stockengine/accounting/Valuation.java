package io.stockengine.accounting;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.agrona.collections.Long2ObjectHashMap;

/**
 * The cost of every SKU x location the ledger has seen ({@link StockCost}) and each SKU's costing ({@link SkuCost}),
 * with the lists of what changed since the last commit.
 * <p>
 * Threading: the consumer's thread.
 */
final class Valuation
{
    private static final Comparator<SkuCost> BY_SKU = Comparator.comparingInt(cost -> cost.sku);
    private static final Comparator<StockCost> BY_KEY =
        Comparator.comparingLong(stock -> key(stock.sku, stock.location));

    private final CostingConfig costing;
    private final Long2ObjectHashMap<StockCost> stocks = new Long2ObjectHashMap<>();
    private SkuCost[] skus = new SkuCost[256];
    private String[] skuNames = new String[256];
    final List<StockCost> dirtyStocks = new ArrayList<>();
    final List<SkuCost> dirtySkus = new ArrayList<>();

    Valuation(final CostingConfig costing)
    {
        this.costing = costing;
    }

    static long key(final int sku, final int location)
    {
        return ((long)sku << 32) | (location & 0xFFFF_FFFFL);
    }

    void skuName(final int sku, final String name)
    {
        if (sku >= skuNames.length)
        {
            skuNames = Arrays.copyOf(skuNames, Math.max(sku + 1, skuNames.length * 2));
        }
        skuNames[sku] = name;
    }

    String skuName(final int sku)
    {
        return sku >= 0 && sku < skuNames.length ? skuNames[sku] : null;
    }

    /** The SKU's costing; the first time, from the configuration, and written at the next commit. */
    SkuCost sku(final int sku)
    {
        SkuCost cost = sku < skus.length ? skus[sku] : null;
        if (cost == null)
        {
            final String name = skuName(sku);
            final CostMethod method = name == null ? costing.defaultMethod() : costing.method(name);
            cost = put(new SkuCost(sku, method, name == null ? CostingConfig.NONE : costing.standard(name)));
            changed(cost);
        }
        return cost;
    }

    /** Installs a SKU's costing read from the ledger. */
    SkuCost put(final SkuCost cost)
    {
        if (cost.sku >= skus.length)
        {
            skus = Arrays.copyOf(skus, Math.max(cost.sku + 1, skus.length * 2));
        }
        skus[cost.sku] = cost;
        return cost;
    }

    /** The cost of a SKU at a location, created empty on first use. */
    StockCost stock(final int sku, final int location)
    {
        final long key = key(sku, location);
        StockCost stock = stocks.get(key);
        if (stock == null)
        {
            stock = new StockCost(sku, location, sku(sku));
            stocks.put(key, stock);
        }
        return stock;
    }

    void changed(final StockCost stock)
    {
        if (!stock.dirty)
        {
            stock.dirty = true;
            dirtyStocks.add(stock);
        }
    }

    void changed(final SkuCost cost)
    {
        if (!cost.dirty)
        {
            cost.dirty = true;
            dirtySkus.add(cost);
        }
    }

    /** Puts the changes in the order of their rows' keys: SKUs by id, SKU x locations by {@link #key}. */
    void sortChanges()
    {
        dirtySkus.sort(BY_SKU);
        dirtyStocks.sort(BY_KEY);
    }

    /** Called once the changes are committed. */
    void committed()
    {
        for (final StockCost stock : dirtyStocks)
        {
            stock.dirty = false;
        }
        dirtyStocks.clear();
        for (final SkuCost cost : dirtySkus)
        {
            cost.dirty = false;
        }
        dirtySkus.clear();
    }
}
