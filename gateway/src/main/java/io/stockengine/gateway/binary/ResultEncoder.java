package io.stockengine.gateway.binary;

import static io.stockengine.gateway.binary.ResultDescriptor.CODE_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.CORRELATION_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.FLAGS_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.FLAG_REPLAYED;
import static io.stockengine.gateway.binary.ResultDescriptor.ITEM_COUNT_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.LENGTH_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.OUT_TIME_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.ROW_COUNT_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.ROW_KIND_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.SEQ_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.STATUS_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.STRINGS_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.TYPE_OFFSET;

import io.netty.buffer.ByteBuf;
import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;

/**
 * Appends result messages (see {@link ResultDescriptor}): the outputs of an answered ring slot, or an answer the
 * gateway gives itself (invalid input, overloaded). Stateless: the reply thread and IO threads share it.
 */
public final class ResultEncoder
{
    private ResultEncoder()
    {
    }

    /**
     * Appends the result held by an answered slot at the writer index. The slot is only read.
     *
     * @throws IllegalStateException when a name in the slot is too long for the layout (inputs are validated, so
     * this is a defect); the writer index is then where it was.
     */
    public static void encode(final ByteBuf buffer, final Command c)
    {
        final int start = buffer.writerIndex();
        final int kind = RowKind.of(c.type, c.result);
        final int rows = kind == RowKind.NONE ? 0 : c.rowCount;
        final int items = kind == RowKind.AVAILABILITY ? c.lineCount : kind == RowKind.CHANNEL ? rows : 0;
        header(buffer, start, c.type, c.correlationId, c.result, c.replayed, kind);
        buffer.setLongLE(start + SEQ_OFFSET, c.seq);
        buffer.setLongLE(start + OUT_TIME_OFFSET, c.outTime);
        buffer.setIntLE(start + STATUS_OFFSET, c.status);
        buffer.setIntLE(start + ROW_COUNT_OFFSET, rows);
        buffer.setIntLE(start + ITEM_COUNT_OFFSET, items);
        final boolean names = string(buffer, c.field) && string(buffer, c.outName) && string(buffer, c.outName2) &&
            string(buffer, c.outName3);
        if (!names)
        {
            buffer.writerIndex(start);
            throw new IllegalStateException("a result name is longer than " + CommandDescriptor.MAX_STRING_BYTES +
                " bytes: " + CommandType.name(c.type));
        }
        final int stride = RowKind.stride(kind);
        final boolean named = kind != RowKind.TRANSFER;
        final long[] values = c.rowValues;
        for (int row = 0; row < rows; row++)
        {
            if (!string(buffer, named ? c.rowSku[row] : null) || !string(buffer, named ? c.rowLocation[row] : null))
            {
                buffer.writerIndex(start);
                throw new IllegalStateException("a row name is longer than " + CommandDescriptor.MAX_STRING_BYTES +
                    " bytes: " + CommandType.name(c.type));
            }
            buffer.ensureWritable(stride * 8);
            for (int v = 0, base = row * stride; v < stride; v++)
            {
                buffer.writeLongLE(values[base + v]);
            }
        }
        buffer.ensureWritable(items * 8);
        for (int i = 0; i < items; i++)
        {
            buffer.writeLongLE(c.itemTotals[i]);
        }
        buffer.setIntLE(start + LENGTH_OFFSET, buffer.writerIndex() - start);
    }

    /**
     * Appends an answer with no outputs but a code and, for INVALID_REQUEST, the field; {@code type} is echoed as
     * received (it may be a type the server does not know).
     */
    public static void encodeRefusal(final ByteBuf buffer, final int type, final long correlationId, final int code,
        final String field)
    {
        final int start = buffer.writerIndex();
        header(buffer, start, type, correlationId, code, false, RowKind.NONE);
        WireStrings.write(buffer, field);
        buffer.writeByte(0);
        buffer.writeByte(0);
        buffer.writeByte(0);
        buffer.setIntLE(start + LENGTH_OFFSET, buffer.writerIndex() - start);
    }

    private static void header(final ByteBuf buffer, final int start, final int type, final long correlationId,
        final int code, final boolean replayed, final int kind)
    {
        buffer.ensureWritable(STRINGS_OFFSET);
        buffer.setZero(start, STRINGS_OFFSET);
        buffer.setByte(start + TYPE_OFFSET, type);
        buffer.setByte(start + CODE_OFFSET, code);
        buffer.setByte(start + FLAGS_OFFSET, replayed ? FLAG_REPLAYED : 0);
        buffer.setByte(start + ROW_KIND_OFFSET, kind);
        buffer.setLongLE(start + CORRELATION_OFFSET, correlationId);
        buffer.writerIndex(start + STRINGS_OFFSET);
    }

    private static boolean string(final ByteBuf buffer, final String text)
    {
        return WireStrings.write(buffer, text);
    }
}
