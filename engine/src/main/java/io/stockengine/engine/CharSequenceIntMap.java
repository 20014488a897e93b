package io.stockengine.engine;

import java.util.Arrays;

/**
 * Open-addressing map from the content of a {@link CharSequence} to an int, so a String from a decoder and a
 * flyweight over journal bytes find the same entry. Lookups never allocate; an insert stores the key as a String
 * (converting only when it is not one already). Linear probing with backward-shift deletion.
 * <p>
 * Not thread-safe: owned by the logic thread.
 */
public final class CharSequenceIntMap
{
    private final int missingValue;
    private String[] keys;
    private int[] hashes;
    private int[] values;
    private int mask;
    private int size;
    private int resizeThreshold;

    public CharSequenceIntMap(final int initialCapacity, final int missingValue)
    {
        this.missingValue = missingValue;
        allocate(capacityFor(initialCapacity));
    }

    private static int capacityFor(final int expected)
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
        hashes = new int[capacity];
        values = new int[capacity];
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
        return h ^ (h >>> 16) ^ (h * 0x9E3779B9);
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

    public int size()
    {
        return size;
    }

    public int missingValue()
    {
        return missingValue;
    }

    public int get(final CharSequence key)
    {
        final int h = hash(key);
        int index = h & mask;
        String candidate;
        while ((candidate = keys[index]) != null)
        {
            if (hashes[index] == h && contentEquals(candidate, key))
            {
                return values[index];
            }
            index = (index + 1) & mask;
        }
        return missingValue;
    }

    /** The key as stored (a String equal in content), or null. Lets callers reuse one String per id. */
    public String storedKey(final CharSequence key)
    {
        final int h = hash(key);
        int index = h & mask;
        String candidate;
        while ((candidate = keys[index]) != null)
        {
            if (hashes[index] == h && contentEquals(candidate, key))
            {
                return candidate;
            }
            index = (index + 1) & mask;
        }
        return null;
    }

    /** @return the previous value or the missing value. */
    public int put(final CharSequence key, final int value)
    {
        final int h = hash(key);
        int index = h & mask;
        String candidate;
        while ((candidate = keys[index]) != null)
        {
            if (hashes[index] == h && contentEquals(candidate, key))
            {
                final int previous = values[index];
                values[index] = value;
                return previous;
            }
            index = (index + 1) & mask;
        }
        keys[index] = key.toString();
        hashes[index] = h;
        values[index] = value;
        if (++size > resizeThreshold)
        {
            rehash(keys.length * 2);
        }
        return missingValue;
    }

    /** @return the removed value or the missing value. */
    public int remove(final CharSequence key)
    {
        final int h = hash(key);
        int index = h & mask;
        String candidate;
        while ((candidate = keys[index]) != null)
        {
            if (hashes[index] == h && contentEquals(candidate, key))
            {
                final int previous = values[index];
                deleteAt(index);
                return previous;
            }
            index = (index + 1) & mask;
        }
        return missingValue;
    }

    private void deleteAt(final int deleted)
    {
        int hole = deleted;
        keys[hole] = null;
        size--;
        int index = (hole + 1) & mask;
        while (keys[index] != null)
        {
            final int home = hashes[index] & mask;
            // Shift back an entry whose probe path crosses the hole, so lookups still reach it.
            if ((index > hole && (home <= hole || home > index)) || (index < hole && (home <= hole && home > index)))
            {
                keys[hole] = keys[index];
                hashes[hole] = hashes[index];
                values[hole] = values[index];
                keys[index] = null;
                hole = index;
            }
            index = (index + 1) & mask;
        }
    }

    private void rehash(final int capacity)
    {
        final String[] oldKeys = keys;
        final int[] oldHashes = hashes;
        final int[] oldValues = values;
        allocate(capacity);
        for (int i = 0; i < oldKeys.length; i++)
        {
            if (oldKeys[i] != null)
            {
                int index = oldHashes[i] & mask;
                while (keys[index] != null)
                {
                    index = (index + 1) & mask;
                }
                keys[index] = oldKeys[i];
                hashes[index] = oldHashes[i];
                values[index] = oldValues[i];
            }
        }
    }

    public void clear()
    {
        Arrays.fill(keys, null);
        size = 0;
    }
}
