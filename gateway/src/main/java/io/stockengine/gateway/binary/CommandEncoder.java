package io.stockengine.gateway.binary;

import static io.stockengine.gateway.binary.CommandDescriptor.AMOUNT_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.BUCKET2_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.BUCKET_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.CORRELATION_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.FLAG_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.LENGTH_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.LINE_COUNT_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.MAX_LINE_COUNT;
import static io.stockengine.gateway.binary.CommandDescriptor.QUANTITY2_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.QUANTITY_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.REASON_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.STRINGS_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.TIME_OFFSET;
import static io.stockengine.gateway.binary.CommandDescriptor.TYPE_OFFSET;

import io.netty.buffer.ByteBuf;

/**
 * Appends one command message to a buffer (see {@link CommandDescriptor}). Fixed fields may be set in any order
 * after {@link #begin}; then {@link #strings} once, {@link #line} per line, and {@link #end}. Encodes what it is
 * given without judging it (the server does), except what the layout cannot carry: a string over 255 UTF-8 bytes or
 * more than 65,535 lines.
 * <p>
 * Threading: one thread at a time; reusable.
 */
public final class CommandEncoder
{
    private ByteBuf buffer;
    private int start;
    private int lines;

    /** Starts a command at the buffer's writer index, every fixed field zero. */
    public CommandEncoder begin(final ByteBuf buffer, final int type, final long correlationId)
    {
        this.buffer = buffer;
        this.start = buffer.writerIndex();
        this.lines = 0;
        buffer.ensureWritable(STRINGS_OFFSET);
        buffer.setZero(start, STRINGS_OFFSET);
        buffer.setByte(start + TYPE_OFFSET, type);
        buffer.setLongLE(start + CORRELATION_OFFSET, correlationId);
        buffer.writerIndex(start + STRINGS_OFFSET);
        return this;
    }

    /** Where the message being encoded starts; reset the writer index here to drop it. */
    public int start()
    {
        return start;
    }

    public CommandEncoder flag(final boolean flag)
    {
        buffer.setByte(start + FLAG_OFFSET, flag ? 1 : 0);
        return this;
    }

    /** The raw flag byte: tests use it to send values other than 0 and 1. */
    public CommandEncoder flagByte(final int value)
    {
        buffer.setByte(start + FLAG_OFFSET, value);
        return this;
    }

    public CommandEncoder quantity(final long quantity)
    {
        buffer.setLongLE(start + QUANTITY_OFFSET, quantity);
        return this;
    }

    public CommandEncoder quantity2(final long quantity2)
    {
        buffer.setLongLE(start + QUANTITY2_OFFSET, quantity2);
        return this;
    }

    /** Money in millionths of the currency unit. */
    public CommandEncoder amount(final long amount)
    {
        buffer.setLongLE(start + AMOUNT_OFFSET, amount);
        return this;
    }

    /** A TTL in seconds (reserve) or a time in epoch ms (incoming, availability). */
    public CommandEncoder time(final long time)
    {
        buffer.setLongLE(start + TIME_OFFSET, time);
        return this;
    }

    public CommandEncoder bucket(final int bucket)
    {
        buffer.setByte(start + BUCKET_OFFSET, bucket);
        return this;
    }

    public CommandEncoder bucket2(final int bucket2)
    {
        buffer.setByte(start + BUCKET2_OFFSET, bucket2);
        return this;
    }

    public CommandEncoder reason(final int reason)
    {
        buffer.setByte(start + REASON_OFFSET, reason);
        return this;
    }

    /**
     * Appends the seven strings, null for absent ones.
     *
     * @return -1, or the slot ({@link CommandDescriptor#KEY}...) of a string too long for the layout.
     */
    public int strings(final CharSequence key, final CharSequence orderId, final CharSequence channel,
        final CharSequence sku, final CharSequence location, final CharSequence location2,
        final CharSequence reference)
    {
        if (!WireStrings.write(buffer, key))
        {
            return CommandDescriptor.KEY;
        }
        if (!WireStrings.write(buffer, orderId))
        {
            return CommandDescriptor.ORDER_ID;
        }
        if (!WireStrings.write(buffer, channel))
        {
            return CommandDescriptor.CHANNEL;
        }
        if (!WireStrings.write(buffer, sku))
        {
            return CommandDescriptor.SKU;
        }
        if (!WireStrings.write(buffer, location))
        {
            return CommandDescriptor.LOCATION;
        }
        if (!WireStrings.write(buffer, location2))
        {
            return CommandDescriptor.LOCATION2;
        }
        if (!WireStrings.write(buffer, reference))
        {
            return CommandDescriptor.REFERENCE;
        }
        return -1;
    }

    /**
     * Appends a line.
     *
     * @return false when a string is too long for the layout or the message already has 65,535 lines.
     */
    public boolean line(final CharSequence sku, final CharSequence location, final long quantity)
    {
        if (lines == MAX_LINE_COUNT || !WireStrings.write(buffer, sku) || !WireStrings.write(buffer, location))
        {
            return false;
        }
        buffer.writeLongLE(quantity);
        lines++;
        return true;
    }

    /** Finishes the message: line count and length. @return the message's length in bytes. */
    public int end()
    {
        final int length = buffer.writerIndex() - start;
        buffer.setShortLE(start + LINE_COUNT_OFFSET, lines);
        buffer.setIntLE(start + LENGTH_OFFSET, length);
        return length;
    }
}
