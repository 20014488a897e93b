package io.stockengine.gateway.binary;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.ResultCode;

/**
 * What the rows of a result hold, and how many values each row has. Values are indexed by the engine's own
 * constants ({@code Command.STOCK_*}, {@code LINE_*}, {@code AVAILABILITY_*}, {@code SHORTFALL_*}).
 */
public final class RowKind
{
    /** No rows. */
    public static final int NONE = 0;
    /** One row per location of a SKU: {@code Command.STOCK_*}. */
    public static final int STOCK = 1;
    /** An order's lines: {@code Command.LINE_*}. */
    public static final int ORDER_LINES = 2;
    /** Per asked SKU and location: {@code Command.AVAILABILITY_*}; per-SKU totals follow as items. */
    public static final int AVAILABILITY = 3;
    /** The lines that could not be filled: {@code Command.SHORTFALL_*}; location absent when none could. */
    public static final int SHORTFALL = 4;
    /** A transfer's one row: quantity, in transit, received; no sku or location. */
    public static final int TRANSFER = 5;
    /** A channel's sourcing locations (no sku, value 0), then its ring-fences (sku, location, unused units). */
    public static final int CHANNEL = 6;
    /** A kit's components: sku, no location, units per kit. */
    public static final int KIT = 7;

    private static final int[] STRIDES = {
        0, Command.STOCK_FIELDS, Command.LINE_FIELDS, Command.AVAILABILITY_FIELDS, Command.SHORTFALL_FIELDS,
        Command.TRANSFER_FIELDS, 1, 1 };
    private static final String[] NAMES = { "none", "stock", "order_lines", "availability", "shortfall", "transfer",
        "channel", "kit" };

    private RowKind()
    {
    }

    /** Values per row; -1 for an unknown kind. */
    public static int stride(final int kind)
    {
        return kind >= 0 && kind < STRIDES.length ? STRIDES[kind] : -1;
    }

    public static String name(final int kind)
    {
        return kind >= 0 && kind < NAMES.length ? NAMES[kind] : "unknown";
    }

    /**
     * The rows an answer of this type and result carries: shortfalls for refused movements, the order, transfer,
     * stock, availability or channel view otherwise (a refused TRANSFER_IN still shows the transfer). A COUNT
     * sends no rows: its answer is in the out time.
     */
    public static int of(final int type, final int result)
    {
        if (result == ResultCode.INSUFFICIENT_STOCK)
        {
            return SHORTFALL;
        }
        if (result != ResultCode.OK && !(result == ResultCode.INVALID_TRANSITION && type == CommandType.TRANSFER_IN))
        {
            return NONE;
        }
        switch (type)
        {
            case CommandType.RESERVE:
            case CommandType.PICK:
            case CommandType.SHIP:
            case CommandType.CANCEL:
            case CommandType.RETURN:
            case CommandType.QUERY_ORDER:
                return ORDER_LINES;
            case CommandType.QUERY_STOCK:
            case CommandType.QUERY_STOCK_AT:
                return STOCK;
            case CommandType.QUERY_AVAILABILITY:
                return AVAILABILITY;
            case CommandType.TRANSFER_OUT:
            case CommandType.TRANSFER_IN:
            case CommandType.QUERY_TRANSFER:
                return TRANSFER;
            case CommandType.QUERY_CHANNEL:
                return CHANNEL;
            case CommandType.QUERY_KIT:
                return KIT;
            default:
                return NONE;
        }
    }
}
