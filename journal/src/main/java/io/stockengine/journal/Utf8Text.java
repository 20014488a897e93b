package io.stockengine.journal;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A reusable {@link CharSequence} decoded from UTF-8 bytes in a buffer, and the matching encoder: strings cross the
 * journal without a String per record. {@link #toString()} allocates; lookups by content do not.
 */
public final class Utf8Text implements CharSequence
{
    private char[] chars = new char[64];
    private int length;
    private boolean isNull;

    /** Encodes {@code text} (or null) at {@code offset}; @return bytes written. */
    public static int encode(final MutableDirectBuffer buffer, final int offset, final CharSequence text)
    {
        if (text == null)
        {
            buffer.putShort(offset, (short)-1);
            return 2;
        }
        int position = offset + 2;
        for (int i = 0, n = text.length(); i < n; i++)
        {
            final char c = text.charAt(i);
            if (c < 0x80)
            {
                buffer.putByte(position++, (byte)c);
            }
            else if (c < 0x800)
            {
                buffer.putByte(position++, (byte)(0xC0 | (c >> 6)));
                buffer.putByte(position++, (byte)(0x80 | (c & 0x3F)));
            }
            else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1)))
            {
                final int cp = Character.toCodePoint(c, text.charAt(++i));
                buffer.putByte(position++, (byte)(0xF0 | (cp >> 18)));
                buffer.putByte(position++, (byte)(0x80 | ((cp >> 12) & 0x3F)));
                buffer.putByte(position++, (byte)(0x80 | ((cp >> 6) & 0x3F)));
                buffer.putByte(position++, (byte)(0x80 | (cp & 0x3F)));
            }
            else
            {
                buffer.putByte(position++, (byte)(0xE0 | (c >> 12)));
                buffer.putByte(position++, (byte)(0x80 | ((c >> 6) & 0x3F)));
                buffer.putByte(position++, (byte)(0x80 | (c & 0x3F)));
            }
        }
        final int bytes = position - offset - 2;
        if (bytes > Short.MAX_VALUE)
        {
            throw new IllegalArgumentException("text longer than 32767 bytes cannot be journaled");
        }
        buffer.putShort(offset, (short)bytes);
        return position - offset;
    }

    /** The most bytes {@link #encode} can write for a text of this many chars. */
    public static int maxEncodedLength(final CharSequence text)
    {
        return 2 + (text == null ? 0 : text.length() * 3);
    }

    /**
     * Decodes the string at {@code offset}.
     *
     * @return bytes consumed, or -1 when the bytes run past {@code limit} or are not valid.
     */
    public int decode(final DirectBuffer buffer, final int offset, final int limit)
    {
        if (offset + 2 > limit)
        {
            return -1;
        }
        final int bytes = buffer.getShort(offset);
        if (bytes == -1)
        {
            isNull = true;
            length = 0;
            return 2;
        }
        if (bytes < 0 || offset + 2 + bytes > limit)
        {
            return -1;
        }
        isNull = false;
        if (chars.length < bytes)
        {
            chars = Arrays.copyOf(chars, Math.max(bytes, chars.length * 2));
        }
        int n = 0;
        int i = offset + 2;
        final int end = i + bytes;
        while (i < end)
        {
            final int b = buffer.getByte(i++) & 0xFF;
            if (b < 0x80)
            {
                chars[n++] = (char)b;
            }
            else if ((b >> 5) == 0x6 && i < end)
            {
                chars[n++] = (char)(((b & 0x1F) << 6) | (buffer.getByte(i++) & 0x3F));
            }
            else if ((b >> 4) == 0xE && i + 1 < end)
            {
                chars[n++] = (char)(((b & 0x0F) << 12) | ((buffer.getByte(i) & 0x3F) << 6) |
                    (buffer.getByte(i + 1) & 0x3F));
                i += 2;
            }
            else if ((b >> 3) == 0x1E && i + 2 < end)
            {
                final int cp = ((b & 0x07) << 18) | ((buffer.getByte(i) & 0x3F) << 12) |
                    ((buffer.getByte(i + 1) & 0x3F) << 6) | (buffer.getByte(i + 2) & 0x3F);
                i += 3;
                chars[n++] = Character.highSurrogate(cp);
                chars[n++] = Character.lowSurrogate(cp);
            }
            else
            {
                return -1;
            }
        }
        length = n;
        return 2 + bytes;
    }

    /** True when the decoded string was null; the sink then receives null instead of this sequence. */
    public boolean isNull()
    {
        return isNull;
    }

    /** This sequence, or null when the decoded value was null. */
    public CharSequence orNull()
    {
        return isNull ? null : this;
    }

    @Override
    public int length()
    {
        return length;
    }

    @Override
    public char charAt(final int index)
    {
        if (index < 0 || index >= length)
        {
            throw new IndexOutOfBoundsException(index);
        }
        return chars[index];
    }

    @Override
    public CharSequence subSequence(final int start, final int end)
    {
        return toString().subSequence(start, end);
    }

    @Override
    public String toString()
    {
        return new String(chars, 0, length);
    }
}
