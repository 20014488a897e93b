package io.stockengine.accounting;

/**
 * What the ledger fixed for one SKU: its cost method and standard (once known), and the last unit cost it was
 * received at, the fallback for valuing a gain where the SKU has no stock. A row of {@code sku_costing}.
 * <p>
 * Threading: the consumer's thread.
 */
final class SkuCost
{
    final int sku;
    final CostMethod method;
    /** Standard unit cost in millionths, {@link CostingConfig#NONE} until configured or set by the first receipt. */
    long standard;
    /** Last receipt unit cost at any location, or -1. */
    long lastCost = -1;
    boolean dirty;

    SkuCost(final int sku, final CostMethod method, final long standard)
    {
        this.sku = sku;
        this.method = method;
        this.standard = standard;
    }
}
