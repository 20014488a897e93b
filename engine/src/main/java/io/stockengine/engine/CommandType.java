package io.stockengine.engine;

/**
 * The kinds of command a {@link Command} slot can carry. Plain int constants so the slot stays primitive.
 * Each constant documents the {@link Command} input fields it reads.
 */
public final class CommandType
{
    /** Advances engine time only (drives reservation expiry when there is no other traffic). */
    public static final int TICK = 0;
    /** orderId, channel, time (TTL in ms, 0 = none), lines (sku, location or null, quantity). */
    public static final int RESERVE = 1;
    /**
     * orderId, key (required with lines; optional for the whole order, and bound when given), lines (sku, location or
     * null, quantity) or none for the whole order.
     */
    public static final int PICK = 2;
    /** As {@link #PICK}. Shipping reserved, unpicked units picks and ships them at once. */
    public static final int SHIP = 3;
    /** As {@link #PICK}. Returns reserved and picked units to sellable. */
    public static final int CANCEL = 4;
    /** orderId, key, flag (true = to quality_control, false = to sellable), lines (sku, location or null, quantity). */
    public static final int RETURN = 5;
    /** key, channel, location, lines (sku, quantity). Point-of-sale: sellable to gone, all lines or none. */
    public static final int SALE = 6;
    /** key, reference (purchase order), sku, location, quantity, amount (unit cost, millionths), time (expected at). */
    public static final int ANNOUNCE_INCOMING = 7;
    /** key, sku, location, quantity, amount (unit cost), reference (purchase order or null), flag (inspect). */
    public static final int RECEIVE = 8;
    /** key, sku, location, quantity (passed), quantity2 (failed). */
    public static final int INSPECT = 9;
    /** key, sku, location, quantity, bucket (from), bucket2 (to), reason. */
    public static final int MOVE = 10;
    /** key, sku, location, quantity (signed delta), bucket, reason. */
    public static final int ADJUST = 11;
    /** key, sku, location, quantity (counted), flag (has expected), quantity2 (expected). */
    public static final int COUNT = 12;
    /** key, reference (transfer id), sku, location (from), location2 (to), quantity. */
    public static final int TRANSFER_OUT = 13;
    /** key, reference (transfer id), flag (inspect), quantity (0 = all that is left in transit). */
    public static final int TRANSFER_IN = 14;
    /** key (optional), sku, location, quantity. */
    public static final int SET_SAFETY_STOCK = 15;
    /** key (optional), channel, quantity (buffer), locations in lineLocation[0..quantity2), allocations as lines. */
    public static final int CONFIGURE_CHANNEL = 16;
    /** key (optional), sku (the kit), lines (component sku, quantity). */
    public static final int DEFINE_KIT = 17;
    /** Query: sku, location. One SKU at one location. */
    public static final int QUERY_STOCK_AT = 18;
    /** Query: sku. One SKU at every location, with totals. */
    public static final int QUERY_STOCK = 19;
    /** Query: channel, lines (sku), flag (has date), time (date): what the channel may sell now or promise by then. */
    public static final int QUERY_AVAILABILITY = 20;
    /** Query: orderId. */
    public static final int QUERY_ORDER = 21;
    /** Query: reference (transfer id). */
    public static final int QUERY_TRANSFER = 22;
    /** Query: channel. The channel's stored policy. */
    public static final int QUERY_CHANNEL = 23;
    /** Query: sku. A kit's components (rows: component sku, units per kit); NOT_FOUND when the SKU is no kit. */
    public static final int QUERY_KIT = 24;

    public static final int COUNT_OF_TYPES = 25;

    private static final String[] NAMES = {
        "tick", "reserve", "pick", "ship", "cancel", "return", "sale", "announce_incoming", "receive", "inspect",
        "move", "adjust", "count", "transfer_out", "transfer_in", "set_safety_stock", "configure_channel",
        "define_kit", "query_stock_at", "query_stock", "query_availability", "query_order", "query_transfer",
        "query_channel", "query_kit" };

    private CommandType()
    {
    }

    public static String name(final int type)
    {
        return type >= 0 && type < NAMES.length ? NAMES[type] : "unknown";
    }

    public static boolean isQuery(final int type)
    {
        return type >= QUERY_STOCK_AT;
    }
}
