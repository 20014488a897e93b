package io.stockengine.journal;

/**
 * Record types of the journal, one per {@link io.stockengine.engine.EventSink} method. The numbers are part of the
 * on-disk format: never reuse or renumber one.
 */
public final class EventType
{
    public static final int SYMBOL = 1;
    public static final int SAFETY_STOCK_SET = 2;
    public static final int CHANNEL_CONFIGURED = 3;
    public static final int ALLOCATION_SET = 4;
    public static final int KIT_DEFINED = 5;
    public static final int ORDER_RESERVED = 6;
    public static final int ORDER_LINE = 7;
    public static final int LINE_PICKED = 8;
    public static final int LINE_SHIPPED = 9;
    public static final int LINE_RELEASED = 10;
    public static final int LINE_RETURNED = 11;
    public static final int ORDER_STATUS = 12;
    public static final int DEMAND_REFUSED = 13;
    public static final int SOLD = 14;
    public static final int INCOMING_SET = 15;
    public static final int RECEIVED = 16;
    public static final int INSPECTED = 17;
    public static final int MOVED = 18;
    public static final int ADJUSTED = 19;
    public static final int COUNTED = 20;
    public static final int TRANSFER_SHIPPED = 21;
    public static final int TRANSFER_RECEIVED = 22;
    public static final int KEY_BOUND = 23;
    public static final int KIT_SOLD = 24;
    public static final int RETENTION_SET = 25;
    /** {@link #CHANNEL_CONFIGURED} that keeps the units open orders took from the channel's fences counted. */
    public static final int CHANNEL_SET = 26;
    /** {@link #ALLOCATION_SET} with the units of the fence its channel's open orders do not hold. */
    public static final int FENCE_SET = 27;
    /** Not an engine event: written by recovery after a torn tail, naming the excerpts it voids. */
    public static final int TAIL_REPAIRED = 100;

    public static final int MAX_ENGINE_TYPE = FENCE_SET;

    private static final String[] NAMES = {
        null, "symbol", "safety_stock_set", "channel_configured", "allocation_set", "kit_defined", "order_reserved",
        "order_line", "line_picked", "line_shipped", "line_released", "line_returned", "order_status",
        "demand_refused", "sold", "incoming_set", "received", "inspected", "moved", "adjusted", "counted",
        "transfer_shipped", "transfer_received", "key_bound", "kit_sold", "retention_set", "channel_set", "fence_set" };

    private EventType()
    {
    }

    public static String name(final int type)
    {
        if (type == TAIL_REPAIRED)
        {
            return "tail_repaired";
        }
        return type > 0 && type < NAMES.length ? NAMES[type] : "unknown";
    }

    /** @return the type named, or -1. */
    public static int parse(final String name)
    {
        for (int i = 1; i < NAMES.length; i++)
        {
            if (NAMES[i].equals(name))
            {
                return i;
            }
        }
        return "tail_repaired".equals(name) ? TAIL_REPAIRED : -1;
    }
}
