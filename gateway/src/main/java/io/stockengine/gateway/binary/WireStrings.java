package io.stockengine.gateway.binary;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Strings on the wire: a u8 byte count, 0 meaning absent (an empty string is absent too), then UTF-8 bytes.
 */
public final class WireStrings
{
    private WireStrings()
    {
    }

    /**
     * Appends {@code text} (or an absent string for null) at the writer index.
     *
     * @return false when its UTF-8 form is longer than {@link CommandDescriptor#MAX_STRING_BYTES}; the writer index
     * is then where it was.
     */
    public static boolean write(final ByteBuf buffer, final CharSequence text)
    {
        final int countAt = buffer.writerIndex();
        if (text == null)
        {
            buffer.writeByte(0);
            return true;
        }
        if (text.length() > CommandDescriptor.MAX_STRING_BYTES)
        {
            return false;
        }
        buffer.writeByte(0);
        final int bytes = ByteBufUtil.writeUtf8(buffer, text);
        if (bytes > CommandDescriptor.MAX_STRING_BYTES)
        {
            buffer.writerIndex(countAt);
            return false;
        }
        buffer.setByte(countAt, bytes);
        return true;
    }

    /** Decodes {@code length} UTF-8 bytes at {@code offset}; null for length 0. Allocates. */
    public static String read(final ByteBuf buffer, final int offset, final int length)
    {
        return length == 0 ? null : buffer.toString(offset, length, StandardCharsets.UTF_8);
    }
}
