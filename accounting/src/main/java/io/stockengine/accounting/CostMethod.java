package io.stockengine.accounting;

import java.util.Locale;

/**
 * How the units of one SKU are valued, at every location. Stored in the ledger per SKU (as its {@link #code}) when the
 * SKU is first valued; the ledger never changes a SKU's method, since its history would then mix two methods.
 */
public enum CostMethod
{
    /** First in, first out: a cost layer per receipt, consumed oldest first. */
    FIFO(1),
    /** Moving (weighted) average: one pool per location; each issue takes its share of the pool's value. */
    AVERAGE(2),
    /** Standard cost: units enter at the SKU's standard; the difference from the purchase price is a variance. */
    STANDARD(3);

    private final int code;

    CostMethod(final int code)
    {
        this.code = code;
    }

    public int code()
    {
        return code;
    }

    public static CostMethod ofCode(final int code)
    {
        for (final CostMethod method : values())
        {
            if (method.code == code)
            {
                return method;
            }
        }
        throw new IllegalArgumentException("no cost method has code " + code);
    }

    /** "fifo", "average" (or "moving_average", "weighted_average"), "standard"; any case. */
    public static CostMethod parse(final String text)
    {
        final String name = text.strip().toLowerCase(Locale.ROOT).replace('-', '_');
        switch (name)
        {
            case "fifo":
                return FIFO;
            case "average":
            case "moving_average":
            case "weighted_average":
                return AVERAGE;
            case "standard":
                return STANDARD;
            default:
                throw new IllegalArgumentException("unknown cost method '" + text + "': fifo, average or standard");
        }
    }

    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
