package io.stockengine.client;

import io.stockengine.engine.CommandType;
import io.stockengine.engine.OrderStatus;
import io.stockengine.engine.ResultCode;
import io.stockengine.gateway.binary.AsciiStringCache;
import io.stockengine.gateway.binary.ResultDecoder;
import io.stockengine.gateway.binary.ResultDescriptor;
import io.stockengine.gateway.binary.RowKind;

/**
 * The answer to one command: its {@link ResultCode}, whether it replays an earlier success, the journal seq, the
 * offending field of an INVALID_REQUEST, and the rows of its view. Rows are flat: {@link #value(int, int)} takes
 * the field constants of the row kind: the engine's ({@code Command.STOCK_*}, {@code LINE_*},
 * {@code AVAILABILITY_*}, {@code SHORTFALL_*}), or this class's for the kinds the engine has none for
 * ({@link #TRANSFER_QUANTITY}, {@link #CHANNEL_UNUSED}, {@link #KIT_UNITS}). A count's answer has no rows: the
 * sellable units it found before counting are {@link #outTime()} (binary-protocol.md). A row or field outside the
 * result is an {@link IndexOutOfBoundsException}, never another row's value. Immutable.
 */
public final class CommandResult
{
    /** Transfer row ({@link RowKind#TRANSFER}): the units sent. */
    public static final int TRANSFER_QUANTITY = 0;
    /** Transfer row: the units still in transit. */
    public static final int TRANSFER_IN_TRANSIT = 1;
    /** Transfer row: the units received so far. */
    public static final int TRANSFER_RECEIVED = 2;
    /** Channel row ({@link RowKind#CHANNEL}): a fence's units not yet used by orders; 0 in a sourcing location row. */
    public static final int CHANNEL_UNUSED = 0;
    /** Kit row ({@link RowKind#KIT}): units of the component in one kit. */
    public static final int KIT_UNITS = 0;

    private static final String[] NO_NAMES = new String[0];
    private static final long[] NO_VALUES = new long[0];

    private final int type;
    private final int code;
    private final int rawCode;
    private final boolean replayed;
    private final long seq;
    private final String field;
    private final int status;
    private final long outTime;
    private final String name;
    private final String name2;
    private final String name3;
    private final int rowKind;
    private final int rowCount;
    private final String[] rowSku;
    private final String[] rowLocation;
    private final long[] values;
    private final long[] itemTotals;

    private CommandResult(final int type, final int code, final boolean replayed, final long seq, final String field,
        final int status, final long outTime, final String name, final String name2, final String name3,
        final int rowKind, final int rowCount, final String[] rowSku, final String[] rowLocation, final long[] values,
        final long[] itemTotals)
    {
        this.type = type;
        // binary-protocol.md: a code the client does not know (a newer server's) is taken as INTERNAL_ERROR, its
        // effects unknown; a caller testing for OK or a refusal must not read it as either.
        this.code = code >= 0 && code < ResultCode.COUNT_OF_CODES ? code : ResultCode.INTERNAL_ERROR;
        this.rawCode = code;
        this.replayed = replayed;
        this.seq = seq;
        this.field = field;
        this.status = status;
        this.outTime = outTime;
        this.name = name;
        this.name2 = name2;
        this.name3 = name3;
        this.rowKind = rowKind;
        this.rowCount = rowCount;
        this.rowSku = rowSku;
        this.rowLocation = rowLocation;
        this.values = values;
        this.itemTotals = itemTotals;
    }

    /** Copies a parsed result message out of its frame; names that repeat come from {@code strings}. */
    static CommandResult decode(final ResultDecoder d, final AsciiStringCache strings)
    {
        final int kind = d.rowKind();
        final int rows = d.rowCount();
        final int stride = RowKind.stride(kind);
        final String[] skus = rows == 0 ? NO_NAMES : new String[rows];
        final String[] locations = rows == 0 ? NO_NAMES : new String[rows];
        final long[] values = rows == 0 ? NO_VALUES : new long[rows * stride];
        for (int row = 0; row < rows; row++)
        {
            skus[row] = strings.get(d.buffer(), d.rowSkuOffset(row), d.rowSkuLength(row));
            locations[row] = strings.get(d.buffer(), d.rowLocationOffset(row), d.rowLocationLength(row));
            for (int v = 0; v < stride; v++)
            {
                values[row * stride + v] = d.value(row, v);
            }
        }
        final int items = d.itemCount();
        final long[] totals = items == 0 ? NO_VALUES : new long[items];
        for (int i = 0; i < items; i++)
        {
            totals[i] = d.itemTotal(i);
        }
        return new CommandResult(d.type(), d.code(), d.replayed(), d.seq(), string(d, strings, ResultDescriptor.FIELD),
            d.status(), d.outTime(), string(d, strings, ResultDescriptor.NAME), string(d, strings, ResultDescriptor.NAME2),
            string(d, strings, ResultDescriptor.NAME3), kind, rows, skus, locations, values, totals);
    }

    private static String string(final ResultDecoder d, final AsciiStringCache strings, final int slot)
    {
        return strings.get(d.buffer(), d.stringOffset(slot), d.stringLength(slot));
    }

    /** An answer the client gives itself without asking the server (a command it cannot encode, a full queue). */
    static CommandResult local(final int type, final int code, final String field)
    {
        return new CommandResult(type, code, false, 0, field, 0, 0, null, null, null, RowKind.NONE, 0, NO_NAMES,
            NO_NAMES, NO_VALUES, NO_VALUES);
    }

    /** The command's type ({@link CommandType}). */
    public int type()
    {
        return type;
    }

    /**
     * The {@link ResultCode}. A code this client does not know (from a newer server) reads as
     * {@link ResultCode#INTERNAL_ERROR}, as the protocol tells clients to take it: the command's effects are unknown.
     * {@link #rawCode()} has the number the server sent.
     */
    public int code()
    {
        return code;
    }

    /** The result code as the server sent it, known to this client or not. */
    public int rawCode()
    {
        return rawCode;
    }

    public String codeName()
    {
        return ResultCode.name(code);
    }

    public boolean isOk()
    {
        return code == ResultCode.OK;
    }

    /** True when this answer repeats an earlier success with the same idempotency key or order id. */
    public boolean replayed()
    {
        return replayed;
    }

    /** Journal sequence number of the command's last event (of the original, for a replay); 0 for a refusal. */
    public long seq()
    {
        return seq;
    }

    /**
     * The offending input of an INVALID_REQUEST, named as in the HTTP API; of an IDEMPOTENCY_CONFLICT,
     * {@code Idempotency-Key} or (a reservation) {@code order_id}; null otherwise.
     */
    public String field()
    {
        return field;
    }

    /**
     * The status field as sent: an order's {@link OrderStatus} when {@link #hasOrderStatus()}; for QUERY_CHANNEL, how
     * many of the rows are sourcing locations; 0 otherwise.
     */
    public int status()
    {
        return status;
    }

    /**
     * True when {@link #status()} is an {@link OrderStatus}: the answer to an order command (reserve, pick, ship,
     * cancel, return, query order) that succeeded (a replay included), or an order action refused with
     * INVALID_TRANSITION, which carries the status that refused it. Other answers use the field for something else
     * (a channel's location count) or leave it 0.
     */
    public boolean hasOrderStatus()
    {
        return isOrderType(type) && (code == ResultCode.OK || code == ResultCode.INVALID_TRANSITION);
    }

    /**
     * The name of the order status ({@code "SHIPPED"}), or null when {@link #status()} is no order status (see
     * {@link #hasOrderStatus()}): a channel's location count read as an order status would name one by accident.
     */
    public String statusName()
    {
        return hasOrderStatus() ? OrderStatus.name(status) : null;
    }

    private static boolean isOrderType(final int type)
    {
        return type == CommandType.RESERVE || type == CommandType.PICK || type == CommandType.SHIP ||
            type == CommandType.CANCEL || type == CommandType.RETURN || type == CommandType.QUERY_ORDER;
    }

    /** An order's expiry in epoch ms (0 = none); a channel's buffer. */
    public long outTime()
    {
        return outTime;
    }

    /** An order's channel; a transfer's SKU. */
    public String name()
    {
        return name;
    }

    /** A transfer's source location. */
    public String name2()
    {
        return name2;
    }

    /** A transfer's destination location. */
    public String name3()
    {
        return name3;
    }

    /** What the rows hold ({@link RowKind}). */
    public int rowKind()
    {
        return rowKind;
    }

    public int rowCount()
    {
        return rowCount;
    }

    /**
     * The row's SKU; null where the row kind has none (a transfer, a channel's sourcing location).
     *
     * @throws IndexOutOfBoundsException when {@code row} is not 0..{@link #rowCount()} - 1.
     */
    public String rowSku(final int row)
    {
        checkRow(row);
        return rowSku[row];
    }

    /**
     * The row's location; null in a shortfall row when the engine could not source the line anywhere.
     *
     * @throws IndexOutOfBoundsException when {@code row} is not 0..{@link #rowCount()} - 1.
     */
    public String rowLocation(final int row)
    {
        checkRow(row);
        return rowLocation[row];
    }

    /**
     * Value {@code field} of row {@code row}, {@code field} being one of the constants for the row kind (see the
     * class comment).
     *
     * @throws IndexOutOfBoundsException when {@code row} is not 0..{@link #rowCount()} - 1 or {@code field} is not
     *                                   0..{@code RowKind.stride(rowKind())} - 1: the values are stored flat, so an
     *                                   unchecked field past a row's width would read the next row.
     */
    public long value(final int row, final int field)
    {
        final int stride = RowKind.stride(rowKind);
        if (row < 0 || row >= rowCount || field < 0 || field >= stride)
        {
            throw new IndexOutOfBoundsException("value(" + row + ", " + field + "): " + shape(stride));
        }
        return values[row * stride + field];
    }

    /**
     * The sum of a stock field over every location: the {@code totals} of the HTTP API.
     *
     * @param field one of {@code Command.STOCK_*}.
     * @throws IllegalStateException     when the rows are not stock rows (the answer is not to a stock query, or a
     *                                   refusal): their values mean something else.
     * @throws IndexOutOfBoundsException when {@code field} is not a stock field.
     */
    public long stockTotal(final int field)
    {
        if (rowKind != RowKind.STOCK)
        {
            throw new IllegalStateException("stockTotal needs stock rows; this " + CommandType.name(type) + " " +
                ResultCode.name(code) + " answer has row kind " + RowKind.name(rowKind));
        }
        final int stride = RowKind.stride(rowKind);
        if (field < 0 || field >= stride)
        {
            throw new IndexOutOfBoundsException("stockTotal(" + field + "): " + shape(stride));
        }
        long total = 0;
        for (int row = 0; row < rowCount; row++)
        {
            total += values[row * stride + field];
        }
        return total;
    }

    /** For availability: how many SKUs were asked, in the order asked. */
    public int itemCount()
    {
        return itemTotals.length;
    }

    /**
     * For availability: what the channel may sell of the {@code item}-th asked SKU over all its locations.
     *
     * @throws IndexOutOfBoundsException when {@code item} is not 0..{@link #itemCount()} - 1.
     */
    public long itemTotal(final int item)
    {
        if (item < 0 || item >= itemTotals.length)
        {
            throw new IndexOutOfBoundsException("itemTotal(" + item + "): the answer has " + itemTotals.length +
                " item totals");
        }
        return itemTotals[item];
    }

    private void checkRow(final int row)
    {
        if (row < 0 || row >= rowCount)
        {
            throw new IndexOutOfBoundsException("row " + row + ": " + shape(RowKind.stride(rowKind)));
        }
    }

    /** What an out-of-bounds message says the result holds: {@code 2 stock rows of 11 values}. */
    private String shape(final int stride)
    {
        return "the answer has " + rowCount + " " + RowKind.name(rowKind) + " rows of " + stride + " values";
    }

    @Override
    public String toString()
    {
        final StringBuilder out = new StringBuilder(64).append(CommandType.name(type)).append(' ')
            .append(ResultCode.name(code));
        if (replayed)
        {
            out.append(" replayed");
        }
        if (seq != 0)
        {
            out.append(" seq=").append(seq);
        }
        if (field != null)
        {
            out.append(" field=").append(field);
        }
        if (hasOrderStatus())
        {
            out.append(" status=").append(OrderStatus.name(status));
        }
        else if (type == CommandType.QUERY_CHANNEL && code == ResultCode.OK)
        {
            out.append(" sourcing_locations=").append(status);
        }
        if (rowCount > 0)
        {
            out.append(' ').append(RowKind.name(rowKind)).append(" rows=").append(rowCount);
        }
        return out.toString();
    }
}
