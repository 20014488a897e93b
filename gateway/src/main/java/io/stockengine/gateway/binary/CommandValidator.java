package io.stockengine.gateway.binary;

import static io.stockengine.gateway.binary.CommandDescriptor.CHANNEL;
import static io.stockengine.gateway.binary.CommandDescriptor.KEY;
import static io.stockengine.gateway.binary.CommandDescriptor.LOCATION;
import static io.stockengine.gateway.binary.CommandDescriptor.LOCATION2;
import static io.stockengine.gateway.binary.CommandDescriptor.ORDER_ID;
import static io.stockengine.gateway.binary.CommandDescriptor.REFERENCE;
import static io.stockengine.gateway.binary.CommandDescriptor.SKU;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.ByteProcessor;
import io.stockengine.engine.Bucket;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.Reason;

/**
 * The input rules of API.md applied to a parsed command message on the IO thread, so the engine only sees
 * well-formed commands: identifier syntax and lengths, quantity ranges, required fields, and fields a type does not
 * read left zero or absent (the binary twin of "unknown JSON fields are rejected"). Fields are named by
 * {@link FieldNames}.
 * <p>
 * Allocation-free when a command is valid, but for a channel configuration's check for repeated lines (a set of
 * them: policy commands are rare); naming a field inside a line builds a string.
 */
public final class CommandValidator
{
    public static final int SKU_MAX = 64;
    public static final int LOCATION_MAX = 32;
    public static final int CHANNEL_MAX = 32;
    public static final int ID_MAX = 64;
    public static final long QUANTITY_MAX = 1_000_000_000L;
    public static final long TTL_MAX_SECONDS = 31_536_000L;
    public static final int LINES_MAX = 1_000;
    public static final int KIT_COMPONENTS_MAX = 32;
    /** As the HTTP side: large enough for any price, small enough that quantity x price stays in a long. */
    public static final long MONEY_MAX = Long.MAX_VALUE / 1000;
    /** 9999-12-31T23:59:59.999Z, the last instant RFC 3339 can write. */
    public static final long TIME_MAX = 253_402_300_799_999L;

    private static final int ABSENT = 0;
    private static final int OPTIONAL = 1;
    private static final int REQUIRED = 2;

    private static final int N_QUANTITY = 1;
    private static final int N_QUANTITY2 = 1 << 1;
    private static final int N_AMOUNT = 1 << 2;
    private static final int N_TIME = 1 << 3;
    private static final int N_BUCKET = 1 << 4;
    private static final int N_BUCKET2 = 1 << 5;
    private static final int N_REASON = 1 << 6;
    private static final int N_FLAG = 1 << 7;
    private static final int N_LINES = 1 << 8;
    private static final int N_ALL = (1 << 9) - 1;

    private static final int[] MAX_BYTES = { ID_MAX, ID_MAX, CHANNEL_MAX, SKU_MAX, LOCATION_MAX, LOCATION_MAX, ID_MAX };
    private static final boolean[] ID_CHARS = new boolean[128];
    /** Continues while bytes are identifier characters: one bounds check per string, not per byte. */
    private static final ByteProcessor ID_BYTE = b -> b >= 0 && ID_CHARS[b];

    static
    {
        for (int c = 0; c < 128; c++)
        {
            ID_CHARS[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == ':' || c == '-';
        }
    }

    private CommandValidator()
    {
    }

    /**
     * Checks a message {@link CommandDecoder#parse} accepted.
     *
     * @return null when the command may be published, else the name of the offending field.
     */
    public static String validate(final CommandDecoder d)
    {
        if (d.correlationId() == 0)
        {
            return "correlation_id";
        }
        if (d.reserved() != 0)
        {
            return "reserved";
        }
        final int type = d.type();
        if (d.flagByte() > 1)
        {
            return FieldNames.flagField(type);
        }
        switch (type)
        {
            case CommandType.RESERVE:
                return reserve(d);
            case CommandType.PICK:
            case CommandType.SHIP:
            case CommandType.CANCEL:
                return orderAction(d);
            case CommandType.RETURN:
                return orderReturn(d);
            case CommandType.SALE:
                return sale(d);
            case CommandType.ANNOUNCE_INCOMING:
                return incoming(d);
            case CommandType.RECEIVE:
                return receive(d);
            case CommandType.INSPECT:
                return inspect(d);
            case CommandType.MOVE:
                return move(d);
            case CommandType.ADJUST:
                return adjust(d);
            case CommandType.COUNT:
                return count(d);
            case CommandType.TRANSFER_OUT:
                return transferOut(d);
            case CommandType.TRANSFER_IN:
                return transferIn(d);
            case CommandType.SET_SAFETY_STOCK:
                return safetyStock(d);
            case CommandType.CONFIGURE_CHANNEL:
                return channel(d);
            case CommandType.DEFINE_KIT:
                return kit(d);
            case CommandType.QUERY_STOCK_AT:
                return query(d, ABSENT, ABSENT, REQUIRED, REQUIRED, ABSENT);
            case CommandType.QUERY_STOCK:
                return query(d, ABSENT, ABSENT, REQUIRED, ABSENT, ABSENT);
            case CommandType.QUERY_AVAILABILITY:
                return availability(d);
            case CommandType.QUERY_ORDER:
                return query(d, REQUIRED, ABSENT, ABSENT, ABSENT, ABSENT);
            case CommandType.QUERY_TRANSFER:
                return query(d, ABSENT, ABSENT, ABSENT, ABSENT, REQUIRED);
            case CommandType.QUERY_CHANNEL:
                return query(d, ABSENT, REQUIRED, ABSENT, ABSENT, ABSENT);
            case CommandType.QUERY_KIT:
                return query(d, ABSENT, ABSENT, REQUIRED, ABSENT, ABSENT);
            default:
                // TICK included: the gateway feeds the clock, clients do not.
                return "type";
        }
    }

    private static String reserve(final CommandDecoder d)
    {
        String f = strings(d, ABSENT, REQUIRED, REQUIRED, ABSENT, ABSENT, ABSENT, ABSENT);
        f = f != null ? f : zero(d, N_ALL & ~N_TIME & ~N_LINES);
        f = f != null ? f : in(d.time(), 0, TTL_MAX_SECONDS, "ttl_seconds");
        return f != null ? f : lines(d, 1, LINES_MAX, OPTIONAL, 1, QUANTITY_MAX);
    }

    private static String orderAction(final CommandDecoder d)
    {
        String f = strings(d, OPTIONAL, REQUIRED, ABSENT, ABSENT, ABSENT, ABSENT, ABSENT);
        f = f != null ? f : zero(d, N_ALL & ~N_LINES);
        f = f != null ? f : lines(d, 0, LINES_MAX, OPTIONAL, 1, QUANTITY_MAX);
        return f != null ? f :
            d.lineCount() > 0 && d.stringLength(KEY) == 0 ? FieldNames.stringField(d.type(), KEY) : null;
    }

    private static String orderReturn(final CommandDecoder d)
    {
        String f = strings(d, REQUIRED, REQUIRED, ABSENT, ABSENT, ABSENT, ABSENT, ABSENT);
        f = f != null ? f : zero(d, N_ALL & ~N_FLAG & ~N_LINES);
        return f != null ? f : lines(d, 1, LINES_MAX, OPTIONAL, 1, QUANTITY_MAX);
    }

    private static String sale(final CommandDecoder d)
    {
        String f = strings(d, REQUIRED, ABSENT, REQUIRED, ABSENT, REQUIRED, ABSENT, ABSENT);
        f = f != null ? f : zero(d, N_ALL & ~N_LINES);
        return f != null ? f : lines(d, 1, LINES_MAX, ABSENT, 1, QUANTITY_MAX);
    }

    private static String incoming(final CommandDecoder d)
    {
        String f = strings(d, REQUIRED, ABSENT, ABSENT, REQUIRED, REQUIRED, ABSENT, REQUIRED);
        f = f != null ? f : zero(d, N_ALL & ~N_QUANTITY & ~N_AMOUNT & ~N_TIME);
        f = f != null ? f : in(d.quantity(), 0, QUANTITY_MAX, "quantity");
        f = f != null ? f : in(d.amount(), 0, MONEY_MAX, "unit_cost");
        return f != null ? f : in(d.time(), 0, TIME_MAX, "expected_at");
    }

    private static String receive(final CommandDecoder d)
    {
        String f = strings(d, REQUIRED, ABSENT, ABSENT, REQUIRED, REQUIRED, ABSENT, OPTIONAL);
        f = f != null ? f : zero(d, N_ALL & ~N_QUANTITY & ~N_AMOUNT & ~N_FLAG);
        f = f != null ? f : in(d.quantity(), 1, QUANTITY_MAX, "quantity");
        return f != null ? f : in(d.amount(), 0, MONEY_MAX, "unit_cost");
    }

    private static String inspect(final CommandDecoder d)
    {
        String f = strings(d, REQUIRED, ABSENT, ABSENT, REQUIRED, REQUIRED, ABSENT, ABSENT);
        f = f != null ? f : zero(d, N_ALL & ~N_QUANTITY & ~N_QUANTITY2);
        f = f != null ? f : in(d.quantity(), 0, QUANTITY_MAX, "passed");
        f = f != null ? f : in(d.quantity2(), 0, QUANTITY_MAX, "failed");
        return f != null ? f : d.quantity() + d.quantity2() < 1 ? "passed" : null;
    }

    private static String move(final CommandDecoder d)
    {
        String f = strings(d, REQUIRED, ABSENT, ABSENT, REQUIRED, REQUIRED, ABSENT, ABSENT);
        f = f != null ? f : zero(d, N_ALL & ~N_QUANTITY & ~N_BUCKET & ~N_BUCKET2 & ~N_REASON);
        f = f != null ? f : in(d.quantity(), 1, QUANTITY_MAX, "quantity");
        f = f != null ? f : Bucket.isFree(d.bucket()) ? null : "from";
        f = f != null ? f : Bucket.isFree(d.bucket2()) && d.bucket2() != d.bucket() ? null : "to";
        return f != null ? f : in(d.reason(), Reason.NONE, Reason.REGRADE, "reason");
    }

    private static String adjust(final CommandDecoder d)
    {
        String f = strings(d, REQUIRED, ABSENT, ABSENT, REQUIRED, REQUIRED, ABSENT, ABSENT);
        f = f != null ? f : zero(d, N_ALL & ~N_QUANTITY & ~N_BUCKET & ~N_REASON);
        f = f != null ? f : d.quantity() == 0 ? "delta" : in(d.quantity(), -QUANTITY_MAX, QUANTITY_MAX, "delta");
        f = f != null ? f : Bucket.isFree(d.bucket()) ? null : "bucket";
        return f != null ? f : in(d.reason(), Reason.LOST, Reason.WRITE_OFF, "reason");
    }

    private static String count(final CommandDecoder d)
    {
        String f = strings(d, REQUIRED, ABSENT, ABSENT, REQUIRED, REQUIRED, ABSENT, ABSENT);
        f = f != null ? f : zero(d, N_ALL & ~N_QUANTITY & ~N_QUANTITY2 & ~N_FLAG);
        f = f != null ? f : in(d.quantity(), 0, QUANTITY_MAX, "counted");
        return f != null ? f : in(d.quantity2(), 0, d.flag() ? QUANTITY_MAX : 0, "expected");
    }

    private static String transferOut(final CommandDecoder d)
    {
        String f = strings(d, REQUIRED, ABSENT, ABSENT, REQUIRED, REQUIRED, REQUIRED, REQUIRED);
        f = f != null ? f : zero(d, N_ALL & ~N_QUANTITY);
        f = f != null ? f : in(d.quantity(), 1, QUANTITY_MAX, "quantity");
        return f != null ? f : sameBytes(d.buffer(), d.stringOffset(LOCATION), d.stringLength(LOCATION),
            d.stringOffset(LOCATION2), d.stringLength(LOCATION2)) ? "to" : null;
    }

    private static String transferIn(final CommandDecoder d)
    {
        String f = strings(d, REQUIRED, ABSENT, ABSENT, ABSENT, ABSENT, ABSENT, REQUIRED);
        f = f != null ? f : zero(d, N_ALL & ~N_QUANTITY & ~N_FLAG);
        return f != null ? f : in(d.quantity(), 0, QUANTITY_MAX, "quantity");
    }

    private static String safetyStock(final CommandDecoder d)
    {
        String f = strings(d, OPTIONAL, ABSENT, ABSENT, REQUIRED, REQUIRED, ABSENT, ABSENT);
        f = f != null ? f : zero(d, N_ALL & ~N_QUANTITY);
        return f != null ? f : in(d.quantity(), 0, QUANTITY_MAX, "quantity");
    }

    /** Lines [0, quantity2) are the sourcing locations (location only), the rest allocations. */
    private static String channel(final CommandDecoder d)
    {
        String f = strings(d, OPTIONAL, ABSENT, REQUIRED, ABSENT, ABSENT, ABSENT, ABSENT);
        f = f != null ? f : zero(d, N_ALL & ~N_QUANTITY & ~N_QUANTITY2 & ~N_LINES);
        f = f != null ? f : in(d.quantity(), 0, QUANTITY_MAX, "buffer");
        final int lines = d.lineCount();
        f = f != null ? f : lines > LINES_MAX ? "allocations" : in(d.quantity2(), 0, lines, "locations");
        if (f != null)
        {
            return f;
        }
        final ByteBuf buffer = d.buffer();
        final int type = d.type();
        final int locations = (int)d.quantity2();
        // Seen locations and fenced SKU x locations, as text: comparing each line with every earlier one was
        // 500,000 comparisons for 1,000 lines on an IO thread (a reviewer). Policy commands are rare, so the
        // strings a configuration allocates here cost nothing that matters.
        final java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < lines; i++)
        {
            final boolean isLocation = i < locations;
            if (isLocation ? d.lineSkuLength(i) != 0 :
                !isId(buffer, d.lineSkuOffset(i), d.lineSkuLength(i), SKU_MAX))
            {
                return FieldNames.lineField(type, locations, i, FieldNames.PART_SKU);
            }
            if (!isId(buffer, d.lineLocationOffset(i), d.lineLocationLength(i), LOCATION_MAX))
            {
                return FieldNames.lineField(type, locations, i, FieldNames.PART_LOCATION);
            }
            if (d.lineQuantity(i) < 0 || d.lineQuantity(i) > (isLocation ? 0 : QUANTITY_MAX))
            {
                return FieldNames.lineField(type, locations, i, FieldNames.PART_QUANTITY);
            }
            // A location listed twice, or one SKU x location fenced twice (the engine would keep the last and
            // answer both). Ids hold no spaces, so a space cannot join two of them ambiguously.
            final String location = buffer.toString(d.lineLocationOffset(i), d.lineLocationLength(i),
                StandardCharsets.ISO_8859_1);
            if (!seen.add(isLocation ? location : buffer.toString(d.lineSkuOffset(i), d.lineSkuLength(i),
                StandardCharsets.ISO_8859_1) + " " + location))
            {
                return FieldNames.channelLine(locations, i);
            }
        }
        return null;
    }

    private static String kit(final CommandDecoder d)
    {
        String f = strings(d, OPTIONAL, ABSENT, ABSENT, REQUIRED, ABSENT, ABSENT, ABSENT);
        f = f != null ? f : zero(d, N_ALL & ~N_LINES);
        return f != null ? f : lines(d, 1, KIT_COMPONENTS_MAX, ABSENT, 1, QUANTITY_MAX);
    }

    private static String availability(final CommandDecoder d)
    {
        String f = strings(d, ABSENT, ABSENT, REQUIRED, ABSENT, ABSENT, ABSENT, ABSENT);
        f = f != null ? f : zero(d, N_ALL & ~N_TIME & ~N_FLAG & ~N_LINES);
        f = f != null ? f : in(d.time(), 0, d.flag() ? TIME_MAX : 0, "at");
        return f != null ? f : lines(d, 1, LINES_MAX, ABSENT, 0, 0);
    }

    private static String query(final CommandDecoder d, final int orderId, final int channel, final int sku,
        final int location, final int reference)
    {
        final String f = strings(d, ABSENT, orderId, channel, sku, location, ABSENT, reference);
        return f != null ? f : zero(d, N_ALL);
    }

    private static String strings(final CommandDecoder d, final int key, final int orderId, final int channel,
        final int sku, final int location, final int location2, final int reference)
    {
        String f = string(d, KEY, key);
        f = f != null ? f : string(d, ORDER_ID, orderId);
        f = f != null ? f : string(d, CHANNEL, channel);
        f = f != null ? f : string(d, SKU, sku);
        f = f != null ? f : string(d, LOCATION, location);
        f = f != null ? f : string(d, LOCATION2, location2);
        return f != null ? f : string(d, REFERENCE, reference);
    }

    private static String string(final CommandDecoder d, final int slot, final int rule)
    {
        final int length = d.stringLength(slot);
        if (length == 0 ? rule == REQUIRED :
            rule == ABSENT || !isId(d.buffer(), d.stringOffset(slot), length, MAX_BYTES[slot]))
        {
            return FieldNames.stringField(d.type(), slot);
        }
        return null;
    }

    /** The fixed fields named in {@code mask} must be zero: the type does not read them. */
    private static String zero(final CommandDecoder d, final int mask)
    {
        if ((mask & N_QUANTITY) != 0 && d.quantity() != 0)
        {
            return "quantity";
        }
        if ((mask & N_QUANTITY2) != 0 && d.quantity2() != 0)
        {
            return "quantity2";
        }
        if ((mask & N_AMOUNT) != 0 && d.amount() != 0)
        {
            return "amount";
        }
        if ((mask & N_TIME) != 0 && d.time() != 0)
        {
            return "time";
        }
        if ((mask & N_BUCKET) != 0 && d.bucket() != 0)
        {
            return "bucket";
        }
        if ((mask & N_BUCKET2) != 0 && d.bucket2() != 0)
        {
            return "bucket2";
        }
        if ((mask & N_REASON) != 0 && d.reason() != 0)
        {
            return "reason";
        }
        if ((mask & N_FLAG) != 0 && d.flag())
        {
            return FieldNames.flagField(d.type());
        }
        if ((mask & N_LINES) != 0 && d.lineCount() != 0)
        {
            return FieldNames.countField(d.type());
        }
        return null;
    }

    /** Lines with a required SKU, a location as {@code location} says, and a quantity in [min, max]. */
    private static String lines(final CommandDecoder d, final int minLines, final int maxLines, final int location,
        final long min, final long max)
    {
        final int type = d.type();
        final int lines = d.lineCount();
        if (lines < minLines || lines > maxLines)
        {
            return FieldNames.countField(type);
        }
        final ByteBuf buffer = d.buffer();
        for (int i = 0; i < lines; i++)
        {
            if (!isId(buffer, d.lineSkuOffset(i), d.lineSkuLength(i), SKU_MAX))
            {
                return FieldNames.lineField(type, 0, i, FieldNames.PART_SKU);
            }
            final int locationLength = d.lineLocationLength(i);
            if (locationLength == 0 ? location == REQUIRED :
                location == ABSENT || !isId(buffer, d.lineLocationOffset(i), locationLength, LOCATION_MAX))
            {
                return FieldNames.lineField(type, 0, i, FieldNames.PART_LOCATION);
            }
            final long quantity = d.lineQuantity(i);
            if (quantity < min || quantity > max)
            {
                return FieldNames.lineField(type, 0, i, FieldNames.PART_QUANTITY);
            }
        }
        return null;
    }

    private static String in(final long value, final long min, final long max, final String field)
    {
        return value < min || value > max ? field : null;
    }

    /** 1..max bytes of [A-Za-z0-9._:-], never "." or "..". */
    static boolean isId(final ByteBuf buffer, final int offset, final int length, final int max)
    {
        if (length < 1 || length > max || buffer.forEachByte(offset, length, ID_BYTE) >= 0)
        {
            return false;
        }
        return !(length <= 2 && buffer.getByte(offset) == '.' && buffer.getByte(offset + length - 1) == '.');
    }

    private static boolean sameBytes(final ByteBuf buffer, final int offsetA, final int lengthA, final int offsetB,
        final int lengthB)
    {
        return lengthA == lengthB && ByteBufUtil.equals(buffer, offsetA, buffer, offsetB, lengthA);
    }
}
