package io.stockengine.engine;

/**
 * The lifecycle of an order. {@link #NONE} marks a free order record.
 */
public final class OrderStatus
{
    public static final int NONE = 0;
    public static final int RESERVED = 1;
    public static final int PARTIALLY_PICKED = 2;
    public static final int PICKED = 3;
    public static final int PARTIALLY_SHIPPED = 4;
    public static final int SHIPPED = 5;
    public static final int CANCELLED = 6;
    public static final int EXPIRED = 7;

    private static final String[] NAMES = {
        "NONE", "RESERVED", "PARTIALLY_PICKED", "PICKED", "PARTIALLY_SHIPPED", "SHIPPED", "CANCELLED", "EXPIRED" };

    private OrderStatus()
    {
    }

    public static String name(final int status)
    {
        return status >= 0 && status < NAMES.length ? NAMES[status] : "UNKNOWN";
    }

    /** Nothing reserved or picked remains: the order takes no more stock actions (returns aside). */
    public static boolean isFinished(final int status)
    {
        return status == SHIPPED || status == CANCELLED || status == EXPIRED;
    }

    /**
     * Derives the status from what the order's lines hold now.
     *
     * @param reserved units still reserved over all lines.
     * @param picked   units picked, not yet shipped.
     * @param shipped  units shipped.
     * @param released a terminal status to use when nothing is outstanding and nothing was shipped.
     */
    public static int derive(final long reserved, final long picked, final long shipped, final int released)
    {
        if (reserved + picked == 0)
        {
            return shipped > 0 ? SHIPPED : released;
        }
        if (shipped > 0)
        {
            return PARTIALLY_SHIPPED;
        }
        if (reserved == 0)
        {
            return PICKED;
        }
        return picked > 0 ? PARTIALLY_PICKED : RESERVED;
    }
}
