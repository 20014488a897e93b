package io.stockengine.accounting;

import java.util.Locale;

/**
 * What a posting records. Each kind has a fixed stock side: the side that moves inventory value (on hand or in
 * transit), which the chart of accounts must map to an inventory account, while the other side must not be one; that
 * is what lets {@code reconcile} compare the inventory accounts with the valuation layers. The default accounts are
 * in {@code default-chart.properties}. The {@link #code} is stored in the ledger and never changes.
 */
public enum PostingKind
{
    /** Goods received: Inventory / Goods received not invoiced. */
    RECEIPT(1, Side.DEBIT),
    /** An order line shipped: Cost of goods sold / Inventory. */
    SHIPMENT(2, Side.CREDIT),
    /** A point-of-sale sale: Cost of goods sold / Inventory. */
    SALE(3, Side.CREDIT),
    /** A customer return, at the cost the units left with: Inventory / Cost of goods sold. */
    RETURN(4, Side.DEBIT),
    /** Damaged units taken out of stock: Shrinkage / Inventory. */
    DAMAGE(5, Side.CREDIT),
    /** Units written off: Shrinkage / Inventory. */
    WRITE_OFF(6, Side.CREDIT),
    /** A count found more than the books: Inventory / Count differences. */
    COUNT_GAIN(7, Side.DEBIT),
    /** A count found less: Count differences / Inventory. */
    COUNT_LOSS(8, Side.CREDIT),
    /** An adjustment up (found, correction): Inventory / Inventory adjustments. */
    ADJUSTMENT_GAIN(9, Side.DEBIT),
    /** An adjustment down (lost, theft, correction): Inventory adjustments / Inventory. */
    ADJUSTMENT_LOSS(10, Side.CREDIT),
    /** A transfer leaves its source: Inventory in transit (at the destination) / Inventory (at the source). */
    TRANSFER_OUT(11, Side.BOTH),
    /** A transfer arrives: Inventory / Inventory in transit (both at the destination). */
    TRANSFER_IN(12, Side.BOTH),
    /**
     * Purchase-price variance of a receipt at standard cost: Purchase price variance / Goods received not invoiced
     * when the price paid is above standard; the same accounts the other way round when it is below.
     */
    PPV(13, Side.NONE);

    /** Which side of the entry moves inventory value. */
    public enum Side
    {
        DEBIT, CREDIT, BOTH, NONE
    }

    private static final PostingKind[] BY_CODE = new PostingKind[16];

    static
    {
        for (final PostingKind kind : values())
        {
            BY_CODE[kind.code] = kind;
        }
    }

    private final int code;
    private final Side stockSide;

    PostingKind(final int code, final Side stockSide)
    {
        this.code = code;
        this.stockSide = stockSide;
    }

    public int code()
    {
        return code;
    }

    public Side stockSide()
    {
        return stockSide;
    }

    public boolean debitIsStock()
    {
        return stockSide == Side.DEBIT || stockSide == Side.BOTH;
    }

    public boolean creditIsStock()
    {
        return stockSide == Side.CREDIT || stockSide == Side.BOTH;
    }

    /** The name used in the chart file and in reports: "receipt", "count_gain", ... */
    public String key()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PostingKind ofCode(final int code)
    {
        final PostingKind kind = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (kind == null)
        {
            throw new IllegalArgumentException("no posting kind has code " + code);
        }
        return kind;
    }

    /** @return the kind named {@code key} ("receipt", ...), or null. */
    public static PostingKind ofKey(final String key)
    {
        for (final PostingKind kind : values())
        {
            if (kind.key().equals(key))
            {
                return kind;
            }
        }
        return null;
    }
}
