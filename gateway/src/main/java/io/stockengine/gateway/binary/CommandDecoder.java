package io.stockengine.gateway.binary;

import static io.stockengine.gateway.binary.CommandDescriptor.AMOUNT_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.BUCKET2_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.BUCKET_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.CHANNEL;
import static io.stockengine.gateway.binary.CommandDescriptor.CORRELATION_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.FLAG_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.KEY;
import static io.stockengine.gateway.binary.CommandDescriptor.LINE_COUNT_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.LOCATION;
import static io.stockengine.gateway.binary.CommandDescriptor.LOCATION2;
import static io.stockengine.gateway.binary.CommandDescriptor.MIN_LENGTH;
import static io.stockengine.gateway.binary.CommandDescriptor.ORDER_ID;
import static io.stockengine.gateway.binary.CommandDescriptor.QUANTITY2_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.QUANTITY_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.REASON_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.REFERENCE;
import static io.stockengine.gateway.binary.CommandDescriptor.RESERVED_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.SKU;
import static io.stockengine.gateway.binary.CommandDescriptor.STRINGS_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.STRING_COUNT;
import static io.stockengine.gateway.binary.CommandDescriptor.TIME_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.TYPE_OFFSET;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;

/**
 * A view over one command message in a frame (see {@link CommandDescriptor}). {@link #parse} walks the
 * variable-length part once and remembers where each string and line is, so the validator and
 * {@link #decodeInto} read them in place.
 * <p>
 * Threading: one thread (a connection's event loop); reused for every message of the connection.
 */
public final class CommandDecoder
{
    private final int[] stringOffsets = new int[STRING_COUNT];
    private final int[] stringLengths = new int[STRING_COUNT];
    /** Per line, as {@link #parse} found them, so reading a line touches the buffer only for its bytes. */
    private int[] lineSkuOffsets = new int[16];
    private int[] lineLocationOffsets = new int[16];
    private int[] lineLengths = new int[16];
    private ByteBuf buffer;
    private int offset;
    private int length;

    /** Views {@code length} bytes at {@code offset}, a message whose header the frame check has already seen. */
    public CommandDecoder wrap(final ByteBuf buffer, final int offset, final int length)
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

    /** The raw flag byte; only 0 and 1 are valid. */
    public int flagByte()
    {
        return buffer.getUnsignedByte(offset + FLAG_OFFSET);
    }

    public boolean flag()
    {
        return flagByte() != 0;
    }

    public int lineCount()
    {
        return buffer.getUnsignedShortLE(offset + LINE_COUNT_OFFSET);
    }

    public long correlationId()
    {
        return buffer.getLongLE(offset + CORRELATION_OFFSET);
    }

    public long quantity()
    {
        return buffer.getLongLE(offset + QUANTITY_OFFSET);
    }

    public long quantity2()
    {
        return buffer.getLongLE(offset + QUANTITY2_OFFSET);
    }

    public long amount()
    {
        return buffer.getLongLE(offset + AMOUNT_OFFSET);
    }

    public long time()
    {
        return buffer.getLongLE(offset + TIME_OFFSET);
    }

    public int bucket()
    {
        return buffer.getUnsignedByte(offset + BUCKET_OFFSET);
    }

    public int bucket2()
    {
        return buffer.getUnsignedByte(offset + BUCKET2_OFFSET);
    }

    public int reason()
    {
        return buffer.getUnsignedByte(offset + REASON_OFFSET);
    }

    public int reserved()
    {
        return buffer.getUnsignedByte(offset + RESERVED_OFFSET);
    }

    /**
     * Finds the strings and lines, checking that each lies inside the message and that the message ends after the
     * last line. Needs {@code length} at least the message header; reads nothing outside the message.
     *
     * @return null, or the name of the field that runs out of the message ("length" when the fixed part is short
     * or bytes are left over).
     */
    public String parse()
    {
        if (length < MIN_LENGTH)
        {
            return "length";
        }
        final int type = type();
        final int end = offset + length;
        int position = offset + STRINGS_OFFSET;
        for (int slot = 0; slot < STRING_COUNT; slot++)
        {
            if (position >= end)
            {
                return FieldNames.stringField(type, slot);
            }
            final int bytes = buffer.getUnsignedByte(position);
            if (bytes > end - position - 1)
            {
                return FieldNames.stringField(type, slot);
            }
            stringOffsets[slot] = position + 1;
            stringLengths[slot] = bytes;
            position += 1 + bytes;
        }
        final int lines = lineCount();
        for (int i = 0; i < lines; i++)
        {
            if (position >= end)
            {
                return FieldNames.lineField(type, quantity2(), i, FieldNames.PART_SKU);
            }
            if (i == lineSkuOffsets.length)
            {
                lineSkuOffsets = Arrays.copyOf(lineSkuOffsets, i * 2);
                lineLocationOffsets = Arrays.copyOf(lineLocationOffsets, i * 2);
                lineLengths = Arrays.copyOf(lineLengths, i * 2);
            }
            final int skuBytes = buffer.getUnsignedByte(position);
            lineSkuOffsets[i] = position + 1;
            position += 1 + skuBytes;
            if (position >= end)
            {
                return FieldNames.lineField(type, quantity2(), i, FieldNames.PART_SKU);
            }
            final int locationBytes = buffer.getUnsignedByte(position);
            lineLocationOffsets[i] = position + 1;
            lineLengths[i] = skuBytes | locationBytes << 8;
            position += 1 + locationBytes;
            if (position > end)
            {
                return FieldNames.lineField(type, quantity2(), i, FieldNames.PART_LOCATION);
            }
            position += 8;
            if (position > end)
            {
                return FieldNames.lineField(type, quantity2(), i, FieldNames.PART_QUANTITY);
            }
        }
        return position == end ? null : "length";
    }

    /** Byte offset of string {@code slot}'s bytes (after {@link #parse}). */
    public int stringOffset(final int slot)
    {
        return stringOffsets[slot];
    }

    /** Byte count of string {@code slot}, 0 when absent (after {@link #parse}). */
    public int stringLength(final int slot)
    {
        return stringLengths[slot];
    }

    public int lineSkuOffset(final int line)
    {
        return lineSkuOffsets[line];
    }

    public int lineSkuLength(final int line)
    {
        return lineLengths[line] & 0xFF;
    }

    public int lineLocationOffset(final int line)
    {
        return lineLocationOffsets[line];
    }

    public int lineLocationLength(final int line)
    {
        return lineLengths[line] >>> 8;
    }

    public long lineQuantity(final int line)
    {
        return buffer.getLongLE(lineLocationOffsets[line] + (lineLengths[line] >>> 8));
    }

    /**
     * Fills the inputs of a reset ring slot from a parsed, validated message. The wire's TTL in seconds becomes the
     * engine's milliseconds; names that repeat (channel, SKU, locations) come from {@code strings}.
     */
    public void decodeInto(final Command command, final AsciiStringCache strings)
    {
        final int type = type();
        command.type = type;
        command.correlationId = correlationId();
        command.flag = flag();
        command.quantity = quantity();
        command.quantity2 = quantity2();
        command.amount = amount();
        command.time = type == CommandType.RESERVE ? time() * 1000 : time();
        command.bucket = bucket();
        command.bucket2 = bucket2();
        command.reason = reason();
        command.key = strings.fresh(buffer, stringOffsets[KEY], stringLengths[KEY]);
        command.orderId = strings.fresh(buffer, stringOffsets[ORDER_ID], stringLengths[ORDER_ID]);
        command.reference = strings.fresh(buffer, stringOffsets[REFERENCE], stringLengths[REFERENCE]);
        command.channel = strings.get(buffer, stringOffsets[CHANNEL], stringLengths[CHANNEL]);
        command.sku = strings.get(buffer, stringOffsets[SKU], stringLengths[SKU]);
        command.location = strings.get(buffer, stringOffsets[LOCATION], stringLengths[LOCATION]);
        command.location2 = strings.get(buffer, stringOffsets[LOCATION2], stringLengths[LOCATION2]);
        for (int i = 0, lines = lineCount(); i < lines; i++)
        {
            command.line(strings.get(buffer, lineSkuOffset(i), lineSkuLength(i)),
                strings.get(buffer, lineLocationOffset(i), lineLocationLength(i)), lineQuantity(i));
        }
    }
}
