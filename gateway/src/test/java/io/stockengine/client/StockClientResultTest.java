package io.stockengine.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.OrderStatus;
import io.stockengine.engine.ResultCode;
import io.stockengine.gateway.binary.AsciiStringCache;
import io.stockengine.gateway.binary.ResultDecoder;
import io.stockengine.gateway.binary.ResultEncoder;
import io.stockengine.gateway.binary.RowKind;

/**
 * The accessors of a {@link CommandResult} decoded from the bytes the server writes: rows and fields are checked
 * against the result's own shape (its values are stored flat, so an unchecked field reads the next row), and the
 * status is named as an order status only where it is one.
 */
class StockClientResultTest
{
    /** An answered slot encoded by the server's encoder, decoded as the client decodes it. */
    private static CommandResult decoded(final Command c)
    {
        final ByteBuf buffer = Unpooled.buffer();
        try
        {
            ResultEncoder.encode(buffer, c);
            final ResultDecoder decoder = new ResultDecoder().wrap(buffer, 0, buffer.readableBytes());
            assertTrue(decoder.parse(), "the encoder's output parses");
            return CommandResult.decode(decoder, new AsciiStringCache(16));
        }
        finally
        {
            buffer.release();
        }
    }

    private static Command answered(final int type, final int code)
    {
        final Command c = new Command().reset();
        c.type = type;
        c.correlationId = 7;
        c.result = code;
        return c;
    }

    /** QUERY_STOCK of A-1 at WH1 and WH2: every value of row r is 100 * (r + 1) + its field index. */
    private static CommandResult twoStockRows()
    {
        final Command c = answered(CommandType.QUERY_STOCK, ResultCode.OK);
        c.ensureRows(2, Command.STOCK_FIELDS);
        for (int row = 0; row < 2; row++)
        {
            c.rowSku[row] = "A-1";
            c.rowLocation[row] = "WH" + (row + 1);
            for (int field = 0; field < Command.STOCK_FIELDS; field++)
            {
                c.rowValues[row * Command.STOCK_FIELDS + field] = 100 * (row + 1) + field;
            }
        }
        c.rowCount = 2;
        return decoded(c);
    }

    @Test
    void shouldReadEveryFieldOfEveryRow()
    {
        final CommandResult stock = twoStockRows();
        assertEquals(RowKind.STOCK, stock.rowKind());
        assertEquals(2, stock.rowCount());
        assertEquals("WH2", stock.rowLocation(1));
        assertEquals(100 + Command.STOCK_IN_TRANSIT, stock.value(0, Command.STOCK_IN_TRANSIT));
        assertEquals(200 + Command.STOCK_ON_HAND, stock.value(1, Command.STOCK_ON_HAND));
        assertEquals(100 + 200 + 2 * Command.STOCK_SELLABLE, stock.stockTotal(Command.STOCK_SELLABLE));
    }

    @Test
    void shouldRefuseAFieldPastTheRowsWidthInsteadOfReadingTheNextRow()
    {
        final CommandResult stock = twoStockRows();
        final IndexOutOfBoundsException past = assertThrows(IndexOutOfBoundsException.class,
            () -> stock.value(0, Command.STOCK_FIELDS));
        assertEquals("value(0, 11): the answer has 2 stock rows of 11 values", past.getMessage());
        final IndexOutOfBoundsException before = assertThrows(IndexOutOfBoundsException.class,
            () -> stock.value(1, -1));
        assertEquals("value(1, -1): the answer has 2 stock rows of 11 values", before.getMessage());
        final IndexOutOfBoundsException row = assertThrows(IndexOutOfBoundsException.class, () -> stock.value(2, 0));
        assertEquals("value(2, 0): the answer has 2 stock rows of 11 values", row.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> stock.value(-1, 0));
    }

    @Test
    void shouldRefuseARowOfNamesOutOfRangeNamingTheShape()
    {
        final CommandResult stock = twoStockRows();
        final IndexOutOfBoundsException sku = assertThrows(IndexOutOfBoundsException.class, () -> stock.rowSku(2));
        assertEquals("row 2: the answer has 2 stock rows of 11 values", sku.getMessage());
        final IndexOutOfBoundsException location = assertThrows(IndexOutOfBoundsException.class,
            () -> stock.rowLocation(-1));
        assertEquals("row -1: the answer has 2 stock rows of 11 values", location.getMessage());
        final CommandResult none = decoded(answered(CommandType.RECEIVE, ResultCode.OK));
        assertEquals("row 0: the answer has 0 none rows of 0 values",
            assertThrows(IndexOutOfBoundsException.class, () -> none.rowSku(0)).getMessage());
    }

    @Test
    void shouldTotalOnlyStockRowsAndOnlyStockFields()
    {
        final CommandResult stock = twoStockRows();
        final IndexOutOfBoundsException field = assertThrows(IndexOutOfBoundsException.class,
            () -> stock.stockTotal(Command.STOCK_FIELDS));
        assertEquals("stockTotal(11): the answer has 2 stock rows of 11 values", field.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> stock.stockTotal(-1));

        final Command order = answered(CommandType.RESERVE, ResultCode.OK);
        order.status = OrderStatus.RESERVED;
        order.ensureRows(2, Command.LINE_FIELDS);
        order.rowSku[0] = "A-1";
        order.rowSku[1] = "B-2";
        order.rowLocation[0] = "WH1";
        order.rowLocation[1] = "WH1";
        order.rowValues[Command.LINE_QUANTITY] = 3;
        order.rowValues[Command.LINE_FIELDS + Command.LINE_QUANTITY] = 4;
        order.rowCount = 2;
        final CommandResult lines = decoded(order);
        final IllegalStateException notStock = assertThrows(IllegalStateException.class,
            () -> lines.stockTotal(Command.STOCK_ON_HAND));
        assertEquals("stockTotal needs stock rows; this reserve OK answer has row kind order_lines",
            notStock.getMessage());
        assertEquals(4, lines.value(1, Command.LINE_QUANTITY), "the rows themselves are readable");

        final CommandResult refused = decoded(answered(CommandType.QUERY_STOCK, ResultCode.OVERLOADED));
        assertThrows(IllegalStateException.class, () -> refused.stockTotal(Command.STOCK_ON_HAND),
            "a refused stock query has no stock rows to total");
        final CommandResult empty = decoded(answered(CommandType.QUERY_STOCK, ResultCode.OK));
        assertEquals(0, empty.stockTotal(Command.STOCK_ON_HAND), "a SKU nowhere in stock totals 0");
    }

    @Test
    void shouldRefuseAnItemTotalOutOfRange()
    {
        final Command c = answered(CommandType.QUERY_AVAILABILITY, ResultCode.OK);
        c.line("A-1", null, 0);
        c.line("B-2", null, 0);
        c.itemTotals[0] = 5;
        c.itemTotals[1] = 6;
        final CommandResult availability = decoded(c);
        assertEquals(6, availability.itemTotal(1));
        final IndexOutOfBoundsException past = assertThrows(IndexOutOfBoundsException.class,
            () -> availability.itemTotal(2));
        assertEquals("itemTotal(2): the answer has 2 item totals", past.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> availability.itemTotal(-1));
    }

    @Test
    void shouldNameTheTransferChannelAndKitFields()
    {
        final Command transfer = answered(CommandType.QUERY_TRANSFER, ResultCode.OK);
        transfer.ensureRows(1, Command.TRANSFER_FIELDS);
        transfer.rowValues[0] = 10;
        transfer.rowValues[1] = 4;
        transfer.rowValues[2] = 6;
        transfer.rowCount = 1;
        final CommandResult t = decoded(transfer);
        assertEquals(10, t.value(0, CommandResult.TRANSFER_QUANTITY));
        assertEquals(4, t.value(0, CommandResult.TRANSFER_IN_TRANSIT));
        assertEquals(6, t.value(0, CommandResult.TRANSFER_RECEIVED));
        assertEquals(Command.TRANSFER_FIELDS, CommandResult.TRANSFER_RECEIVED + 1, "the last field of the row");
        assertEquals(RowKind.stride(RowKind.CHANNEL), CommandResult.CHANNEL_UNUSED + 1);
        assertEquals(RowKind.stride(RowKind.KIT), CommandResult.KIT_UNITS + 1);
    }

    @Test
    void shouldNameTheStatusOnlyWhereItIsAnOrderStatus()
    {
        final Command channel = answered(CommandType.QUERY_CHANNEL, ResultCode.OK);
        channel.status = 2;
        channel.outTime = 1;
        channel.ensureRows(2, 1);
        channel.rowLocation[0] = "WH1";
        channel.rowLocation[1] = "WH2";
        channel.rowCount = 2;
        final CommandResult policy = decoded(channel);
        assertEquals(2, policy.status(), "the raw field: two sourcing locations");
        assertFalse(policy.hasOrderStatus());
        assertNull(policy.statusName(), "2 is PARTIALLY_PICKED as an order status, which a channel has none of");
        assertEquals("query_channel OK sourcing_locations=2 channel rows=2", policy.toString());

        final Command shipped = answered(CommandType.SHIP, ResultCode.OK);
        shipped.status = OrderStatus.SHIPPED;
        shipped.seq = 12;
        final CommandResult ship = decoded(shipped);
        assertTrue(ship.hasOrderStatus());
        assertEquals("SHIPPED", ship.statusName());
        assertEquals("ship OK seq=12 status=SHIPPED", ship.toString());

        final Command late = answered(CommandType.PICK, ResultCode.INVALID_TRANSITION);
        late.status = OrderStatus.EXPIRED;
        final CommandResult refused = decoded(late);
        assertEquals("EXPIRED", refused.statusName(), "the status that refused the action");
        assertEquals("pick INVALID_TRANSITION status=EXPIRED", refused.toString());

        assertNull(decoded(answered(CommandType.QUERY_ORDER, ResultCode.NOT_FOUND)).statusName(),
            "no order, no status (0 would read as NONE)");
        assertNull(decoded(answered(CommandType.RESERVE, ResultCode.INSUFFICIENT_STOCK)).statusName());
        assertNull(decoded(answered(CommandType.TRANSFER_IN, ResultCode.INVALID_TRANSITION)).statusName(),
            "a transfer's refusal is no order's");
        assertNull(decoded(answered(CommandType.QUERY_STOCK, ResultCode.OK)).statusName());
        assertEquals("query_stock OK", decoded(answered(CommandType.QUERY_STOCK, ResultCode.OK)).toString());
    }
}
