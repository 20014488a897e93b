package io.stockengine.benchmarks.peers;

import java.util.SplittableRandom;

/**
 * The peer comparison's workload, the same for every system ({@code benchmarks/peers/README.md}): SKUs
 * {@code SKU-1..SKU-n} at one location, each received with {@link #UNITS} units; a reservation is one unit of one
 * SKU under a fresh random 64-bit order id, idempotent by that id and conditional on the stock left.
 * <p>
 * The numbering is 1-based like the PostgreSQL and Redis catalogues ({@code schema.sql}, {@code reserve.lua}), so
 * "SKU 7" is the same balance in every system.
 */
enum Workload
{
    /** Every SKU equally likely, as {@code uniform.pgb}. */
    UNIFORM,
    /** A flash sale: 90% of the reservations on SKUs 1..10, the rest uniform over all, as {@code flash.pgb}. */
    FLASH;

    static final String LOCATION = "WH1";
    static final String CHANNEL = "web";
    static final long UNITS = 1_000_000;
    /** One unit of currency in millionths: the receipts need a cost, the reservations never read it. */
    static final long UNIT_COST = 1_000_000;
    static final int DEFAULT_SKUS = 100_000;
    static final int HOT_SKUS = 10;
    static final int HOT_PERCENT = 90;

    /** The SKU number (1-based) of the next reservation. */
    int nextSku(final SplittableRandom random, final int skus)
    {
        if (this == FLASH && random.nextInt(100) < HOT_PERCENT)
        {
            return 1 + random.nextInt(HOT_SKUS);
        }
        return 1 + random.nextInt(skus);
    }

    /** Lower-case, as the command line and the result files spell it. */
    String label()
    {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Workload parse(final String label)
    {
        return valueOf(label.toUpperCase(java.util.Locale.ROOT));
    }

    static String skuName(final int sku)
    {
        return "SKU-" + sku;
    }

    /**
     * A random 64-bit order id as the API allows it ({@code [A-Za-z0-9._:-]}, at most 64 characters). The whole
     * 64 bits are used, as the peers' ids are, so every reservation misses the idempotency index and then has to
     * look.
     */
    static String orderId(final long id)
    {
        return "o-" + Long.toHexString(id);
    }
}
