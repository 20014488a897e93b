package io.stockengine.engine;

import java.util.Arrays;

import org.agrona.DirectBuffer;

/**
 * Open-addressing map from the content of a {@link CharSequence} to an int, so a String from a decoder and a
 * flyweight over journal bytes find the same entry. Lookups never allocate; an insert stores the key as a String
 * (converting only when it is not one already). Linear probing with backward-shift deletion.
 * <p>
 * Each slot's hash and value share one {@code long}, so a probe reads one array: the key String (two more cache
 * misses, its header and its bytes) is only read when the hashes match. On a map of a million ids each of those
 * misses costs about as much as the rest of a command.
 * <p>
 * Not thread-safe: owned by the logic thread.
 */
public final class CharSequenceIntMap
{
    /** Set in every stored hash, so an occupied slot is never 0 and the home index is unchanged. */
    private static final int OCCUPIED = 0x8000_0000;

    private final int missingValue;
    private String[] keys;
    /** hash (with {@link #OCCUPIED}) in the high half, value in the low half; 0 = empty. */
    private long[] slots;
    private int mask;
    private int size;
    private int resizeThreshold;

    public CharSequenceIntMap(final int initialCapacity, final int missingValue)
    {
        this.missingValue = missingValue;
        allocate(capacityFor(initialCapacity));
    }

    /** A power of two that holds {@code expected} entries under the 2/3 load factor. */
    static int capacityFor(final int expected)
    {
        int capacity = 16;
        while (capacity * 2L / 3 < expected)
        {
            capacity <<= 1;
        }
        return capacity;
    }

    private void allocate(final int capacity)
    {
        keys = new String[capacity];
        slots = new long[capacity];
        mask = capacity - 1;
        resizeThreshold = (int)(capacity * 2L / 3);
    }

    /** The same value as {@link String#hashCode()} for equal content, spread so linear probing clusters less. */
    static int hash(final CharSequence key)
    {
        int h;
        if (key instanceof String)
        {
            h = key.hashCode();
        }
        else
        {
            h = 0;
            for (int i = 0, n = key.length(); i < n; i++)
            {
                h = 31 * h + key.charAt(i);
            }
        }
        return finish(h);
    }

    /**
     * {@link #hash} of a text given as its UTF-8 bytes, for cache warming: exact when every byte is ASCII (ids
     * almost always are); for other text it is merely some hash, and the read it steers is wasted.
     */
    static int hashAscii(final DirectBuffer buffer, final int offset, final int length)
    {
        int h = 0;
        for (int i = 0; i < length; i++)
        {
            h = 31 * h + (buffer.getByte(offset + i) & 0xFF);
        }
        return finish(h);
    }

    private static int finish(final int h)
    {
        return (h ^ (h >>> 16) ^ (h * 0x9E3779B9)) | OCCUPIED;
    }

    static boolean contentEquals(final String stored, final CharSequence key)
    {
        if (stored == key)
        {
            return true;
        }
        final int length = stored.length();
        if (length != key.length())
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (stored.charAt(i) != key.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    private static int hashOf(final long slot)
    {
        return (int)(slot >>> 32);
    }

    private static long slot(final int hash, final int value)
    {
        return ((long)hash << 32) | (value & 0xFFFF_FFFFL);
    }

    public int size()
    {
        return size;
    }

    public int missingValue()
    {
        return missingValue;
    }

    /** The slot holding the key, or -1. */
    private int indexOf(final CharSequence key, final int h)
    {
        int index = h & mask;
        long slot;
        while ((slot = slots[index]) != 0)
        {
            if (hashOf(slot) == h && contentEquals(keys[index], key))
            {
                return index;
            }
            index = (index + 1) & mask;
        }
        return -1;
    }

    /**
     * Cache warming, first step: reads the home slot of the hash and its key reference, where a lookup starts.
     */
    long touchHome(final int h)
    {
        final int index = h & mask;
        final String key = keys[index];
        return slots[index] + (key == null ? 0 : 1);
    }

    /**
     * Cache warming, second step: finds the first slot of the hash's probe run that carries the hash and reads the
     * stored key's length, which brings in its header and the array that holds its characters (the content
     * comparison of a lookup reads those next).
     *
     * @return the value of that slot (a hint: the key itself was not compared), or the missing value.
     */
    int touchKey(final int h)
    {
        int index = h & mask;
        long slot;
        while ((slot = slots[index]) != 0)
        {
            if (hashOf(slot) == h)
            {
                return keys[index].length() < 0 ? missingValue : (int)slot;
            }
            index = (index + 1) & mask;
        }
        return missingValue;
    }

    public int get(final CharSequence key)
    {
        final int index = indexOf(key, hash(key));
        return index < 0 ? missingValue : (int)slots[index];
    }

    /** The key as stored (a String equal in content), or null. Lets callers reuse one String per id. */
    public String storedKey(final CharSequence key)
    {
        final int index = indexOf(key, hash(key));
        return index < 0 ? null : keys[index];
    }

    /** @return the previous value or the missing value. */
    public int put(final CharSequence key, final int value)
    {
        final int h = hash(key);
        int index = h & mask;
        long slot;
        while ((slot = slots[index]) != 0)
        {
            if (hashOf(slot) == h && contentEquals(keys[index], key))
            {
                slots[index] = slot(h, value);
                return (int)slot;
            }
            index = (index + 1) & mask;
        }
        keys[index] = key.toString();
        slots[index] = slot(h, value);
        if (++size > resizeThreshold)
        {
            rehash(keys.length * 2);
        }
        return missingValue;
    }

    /** @return the removed value or the missing value. */
    public int remove(final CharSequence key)
    {
        final int index = indexOf(key, hash(key));
        if (index < 0)
        {
            return missingValue;
        }
        final int previous = (int)slots[index];
        deleteAt(index);
        return previous;
    }

    private void deleteAt(final int deleted)
    {
        int hole = deleted;
        keys[hole] = null;
        slots[hole] = 0;
        size--;
        int index = (hole + 1) & mask;
        long slot;
        while ((slot = slots[index]) != 0)
        {
            final int home = hashOf(slot) & mask;
            if (shiftsBack(index, hole, home))
            {
                keys[hole] = keys[index];
                slots[hole] = slot;
                keys[index] = null;
                slots[index] = 0;
                hole = index;
            }
            index = (index + 1) & mask;
        }
    }

    /**
     * Backward-shift deletion: whether the entry at {@code index}, whose home slot is {@code home}, must move into
     * the {@code hole} because its probe path crosses it (lookups would otherwise stop at the hole).
     */
    static boolean shiftsBack(final int index, final int hole, final int home)
    {
        return (index > hole && (home <= hole || home > index)) || (index < hole && (home <= hole && home > index));
    }

    private void rehash(final int capacity)
    {
        final String[] oldKeys = keys;
        final long[] oldSlots = slots;
        allocate(capacity);
        for (int i = 0; i < oldKeys.length; i++)
        {
            if (oldSlots[i] != 0)
            {
                int index = hashOf(oldSlots[i]) & mask;
                while (slots[index] != 0)
                {
                    index = (index + 1) & mask;
                }
                keys[index] = oldKeys[i];
                slots[index] = oldSlots[i];
            }
        }
    }

    public void clear()
    {
        Arrays.fill(keys, null);
        Arrays.fill(slots, 0);
        size = 0;
    }
}
