package io.stockengine.gateway.binary;

import static io.stockengine.gateway.binary.ResultDescriptor.CODE_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.CORRELATION_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.FLAGS_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.FLAG_REPLAYED;
import static io.stockengine.gateway.binary.ResultDescriptor.ITEM_COUNT_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.MIN_LENGTH;
import static io.stockengine.gateway.binary.ResultDescriptor.OUT_TIME_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.ROW_COUNT_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.ROW_KIND_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.SEQ_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.STATUS_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.STRINGS_OFFSET;
import static io.stockengine.gateway.binary.ResultDescriptor.STRING_COUNT;
import static io.stockengine.gateway.binary.ResultDescriptor.TYPE_OFFSET;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;

/**
 * A view over one result message in a frame (see {@link ResultDescriptor}). {@link #parse} checks that the strings,
 * rows and items lie inside the message and remembers where each row starts.
 * <p>
 * Threading: one thread (the client's event loop).
 */
public final class ResultDecoder
{
    private final int[] stringOffsets = new int[STRING_COUNT];
    private final int[] stringLengths = new int[STRING_COUNT];
    /** Per row, as {@link #parse} found them. */
    private int[] rowSkuOffsets = new int[16];
    private int[] rowLocationOffsets = new int[16];
    private int[] rowLengths = new int[16];
    private ByteBuf buffer;
    private int offset;
    private int length;
    private int itemsOffset;

    public ResultDecoder wrap(final ByteBuf buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    public ByteBuf buffer()
    {
        return buffer;
    }

    public int type()
    {
        return buffer.getUnsignedByte(offset + TYPE_OFFSET);
    }

    public int code()
    {
        return buffer.getUnsignedByte(offset + CODE_OFFSET);
    }

    public boolean replayed()
    {
        return (buffer.getUnsignedByte(offset + FLAGS_OFFSET) & FLAG_REPLAYED) != 0;
    }

    public int rowKind()
    {
        return buffer.getUnsignedByte(offset + ROW_KIND_OFFSET);
    }

    public long correlationId()
    {
        return buffer.getLongLE(offset + CORRELATION_OFFSET);
    }

    public long seq()
    {
        return buffer.getLongLE(offset + SEQ_OFFSET);
    }

    public long outTime()
    {
        return buffer.getLongLE(offset + OUT_TIME_OFFSET);
    }

    public int status()
    {
        return buffer.getIntLE(offset + STATUS_OFFSET);
    }

    public int rowCount()
    {
        return buffer.getIntLE(offset + ROW_COUNT_OFFSET);
    }

    public int itemCount()
    {
        return buffer.getIntLE(offset + ITEM_COUNT_OFFSET);
    }

    /**
     * Checks the variable part against the message length.
     *
     * @return false when the message is malformed (unknown row kind, negative counts, data past its end or bytes
     * left over): a server defect, which the client treats as a protocol error.
     */
    public boolean parse()
    {
        if (length < MIN_LENGTH)
        {
            return false;
        }
        final int stride = RowKind.stride(rowKind());
        final int rows = rowCount();
        final int items = itemCount();
        if (stride < 0 || rows < 0 || items < 0 || (stride == 0 && rows != 0))
        {
            return false;
        }
        final int end = offset + length;
        int position = offset + STRINGS_OFFSET;
        for (int slot = 0; slot < STRING_COUNT; slot++)
        {
            if (position >= end)
            {
                return false;
            }
            final int bytes = buffer.getUnsignedByte(position);
            stringOffsets[slot] = position + 1;
            stringLengths[slot] = bytes;
            position += 1 + bytes;
        }
        if (position > end || rows > (end - position) / (2 + stride * 8))
        {
            return false;
        }
        if (rowSkuOffsets.length < rows)
        {
            final int capacity = Math.max(rows, rowSkuOffsets.length * 2);
            rowSkuOffsets = Arrays.copyOf(rowSkuOffsets, capacity);
            rowLocationOffsets = Arrays.copyOf(rowLocationOffsets, capacity);
            rowLengths = Arrays.copyOf(rowLengths, capacity);
        }
        for (int row = 0; row < rows; row++)
        {
            if (position >= end)
            {
                return false;
            }
            final int skuBytes = buffer.getUnsignedByte(position);
            rowSkuOffsets[row] = position + 1;
            position += 1 + skuBytes;
            if (position >= end)
            {
                return false;
            }
            final int locationBytes = buffer.getUnsignedByte(position);
            rowLocationOffsets[row] = position + 1;
            rowLengths[row] = skuBytes | locationBytes << 8;
            position += 1 + locationBytes + stride * 8;
            if (position > end)
            {
                return false;
            }
        }
        itemsOffset = position;
        return (long)items * 8 == end - position;
    }

    public int stringOffset(final int slot)
    {
        return stringOffsets[slot];
    }

    public int stringLength(final int slot)
    {
        return stringLengths[slot];
    }

    public int rowSkuOffset(final int row)
    {
        return rowSkuOffsets[row];
    }

    public int rowSkuLength(final int row)
    {
        return rowLengths[row] & 0xFF;
    }

    public int rowLocationOffset(final int row)
    {
        return rowLocationOffsets[row];
    }

    public int rowLocationLength(final int row)
    {
        return rowLengths[row] >>> 8;
    }

    /** Value {@code field} of row {@code row}; fields as {@link RowKind#stride} counts them. */
    public long value(final int row, final int field)
    {
        return buffer.getLongLE(rowLocationOffsets[row] + (rowLengths[row] >>> 8) + field * 8);
    }

    public long itemTotal(final int item)
    {
        return buffer.getLongLE(itemsOffset + item * 8);
    }
}
