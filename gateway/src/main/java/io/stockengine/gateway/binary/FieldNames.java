package io.stockengine.gateway.binary;

import static io.stockengine.gateway.binary.CommandDescriptor.CHANNEL;
import static io.stockengine.gateway.binary.CommandDescriptor.KEY;
import static io.stockengine.gateway.binary.CommandDescriptor.LOCATION;
import static io.stockengine.gateway.binary.CommandDescriptor.LOCATION2;
import static io.stockengine.gateway.binary.CommandDescriptor.ORDER_ID;
import static io.stockengine.gateway.binary.CommandDescriptor.SKU;

import io.stockengine.engine.CommandType;

/**
 * The names an INVALID_REQUEST answer gives to the inputs of a command message: the HTTP API's names, so a client
 * sees the same {@code field} from either protocol ({@code docs/binary-protocol.md} lists them). Names inside lines
 * are built, so only on the error path.
 */
public final class FieldNames
{
    public static final int PART_SKU = 0;
    public static final int PART_LOCATION = 1;
    public static final int PART_QUANTITY = 2;
    private static final String[] PART_NAMES = { "sku", "location", "quantity" };

    private FieldNames()
    {
    }

    /** The API name of string {@code slot} for a command of {@code type}. */
    public static String stringField(final int type, final int slot)
    {
        switch (slot)
        {
            case KEY:
                return "Idempotency-Key";
            case ORDER_ID:
                return "order_id";
            case CHANNEL:
                return "channel";
            case SKU:
                return "sku";
            case LOCATION:
                return type == CommandType.TRANSFER_OUT ? "from" : "location";
            case LOCATION2:
                return type == CommandType.TRANSFER_OUT ? "to" : "location2";
            default:
                return type == CommandType.RECEIVE || type == CommandType.ANNOUNCE_INCOMING ? "purchase_order" :
                    type == CommandType.TRANSFER_OUT || type == CommandType.TRANSFER_IN ||
                    type == CommandType.QUERY_TRANSFER ? "transfer_id" : "reference";
        }
    }

    /**
     * The API name of a part of line {@code line}: {@code lines[3].quantity}, {@code components[0].sku},
     * {@code locations[1]} / {@code allocations[0].sku} (a channel's lines before {@code locations} are its
     * sourcing locations), or {@code sku} for the SKUs of an availability query.
     */
    public static String lineField(final int type, final long locations, final int line, final int part)
    {
        switch (type)
        {
            case CommandType.QUERY_AVAILABILITY:
                return "sku";
            case CommandType.DEFINE_KIT:
                return "components[" + line + "]." + PART_NAMES[part];
            case CommandType.CONFIGURE_CHANNEL:
                return line < Math.max(0, locations) ? channelLine(locations, line) :
                    channelLine(locations, line) + "." + PART_NAMES[part];
            default:
                return "lines[" + line + "]." + PART_NAMES[part];
        }
    }

    /**
     * The API name of a whole line of a channel's configuration, {@code locations[1]} or {@code allocations[0]}: what
     * HTTP names for a line that repeats an earlier one.
     */
    public static String channelLine(final long locations, final int line)
    {
        return line < Math.max(0, locations) ? "locations[" + line + "]" :
            "allocations[" + (line - Math.max(0, locations)) + "]";
    }

    /**
     * The API name of a whole line, as HTTP names an element of the array: {@code lines[2]}, {@code components[0]},
     * {@code locations[1]} or {@code allocations[0]}, and {@code sku} for an availability query's SKUs.
     */
    public static String wholeLine(final int type, final long locations, final int line)
    {
        switch (type)
        {
            case CommandType.QUERY_AVAILABILITY:
                return "sku";
            case CommandType.DEFINE_KIT:
                return "components[" + line + "]";
            case CommandType.CONFIGURE_CHANNEL:
                return channelLine(locations, line);
            default:
                return "lines[" + line + "]";
        }
    }

    /** The API name of a command's lines as a whole (too many of them). */
    public static String countField(final int type)
    {
        switch (type)
        {
            case CommandType.QUERY_AVAILABILITY:
                return "sku";
            case CommandType.DEFINE_KIT:
                return "components";
            case CommandType.CONFIGURE_CHANNEL:
                return "allocations";
            default:
                return "lines";
        }
    }

    static String flagField(final int type)
    {
        switch (type)
        {
            case CommandType.RETURN:
            case CommandType.RECEIVE:
            case CommandType.TRANSFER_IN:
                return "inspect";
            case CommandType.COUNT:
                return "expected";
            case CommandType.QUERY_AVAILABILITY:
                return "at";
            default:
                return "flag";
        }
    }
}
