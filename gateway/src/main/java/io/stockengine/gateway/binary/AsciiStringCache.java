package io.stockengine.gateway.binary;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;

/**
 * Turns short wire strings into {@link String}s, reusing the instance last made from the same bytes. SKUs,
 * locations and channels repeat from command to command (a flash sale hits a handful of SKUs), so most lookups
 * allocate nothing, and the engine's logic thread, which interns names through their hash, gets an instance whose
 * hash code is already cached.
 * <p>
 * Direct-mapped: a slot holds the last string hashed to it, so a miss costs one allocation and nothing else.
 * Threading: one thread (a connection's event loop).
 */
public final class AsciiStringCache
{
    private final String[] entries;
    private final int mask;
    private final byte[] scratch = new byte[CommandDescriptor.MAX_STRING_BYTES];

    /** @param capacity slots, a power of two. */
    public AsciiStringCache(final int capacity)
    {
        if (capacity < 1 || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        entries = new String[capacity];
        mask = capacity - 1;
    }

    /** The string of {@code length} (at most 255) bytes at {@code offset}; null when length is 0. */
    public String get(final ByteBuf buffer, final int offset, final int length)
    {
        if (length == 0)
        {
            return null;
        }
        buffer.getBytes(offset, scratch, 0, length);
        int hash = length;
        boolean ascii = true;
        for (int i = 0; i < length; i++)
        {
            final byte b = scratch[i];
            ascii &= b >= 0;
            hash = 31 * hash + b;
        }
        if (!ascii)
        {
            // Not a valid identifier anyway (the validator refuses it); decode it faithfully, never cache it.
            return new String(scratch, 0, length, StandardCharsets.UTF_8);
        }
        final int slot = (hash ^ (hash >>> 16)) & mask;
        final String cached = entries[slot];
        if (cached != null && matches(cached, length))
        {
            return cached;
        }
        final String made = new String(scratch, 0, length, StandardCharsets.ISO_8859_1);
        entries[slot] = made;
        return made;
    }

    /** A new string of the bytes, not cached: ids and keys are seldom repeated. */
    public String fresh(final ByteBuf buffer, final int offset, final int length)
    {
        return WireStrings.read(buffer, offset, length);
    }

    private boolean matches(final String cached, final int length)
    {
        if (cached.length() != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (cached.charAt(i) != scratch[i])
            {
                return false;
            }
        }
        return true;
    }
}
