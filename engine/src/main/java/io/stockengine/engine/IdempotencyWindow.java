package io.stockengine.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Idempotency keys bound by successes, in binding order, for a bounded window of engine time and a bounded count.
 * Because engine time never goes back, the bindings that fell out of the window are always the oldest, so eviction
 * only ever looks at the head of the FIFO.
 * <p>
 * Threading: owned by the logic thread.
 */
public final class IdempotencyWindow
{
    private final long window;
    private final int capacity;
    private final CharSequenceIntMap slots;
    private String[] keys;
    private long[] fingerprints;
    private long[] seqs;
    private long[] boundAt;
    private int head;
    private int count;

    public IdempotencyWindow(final long windowMillis, final int capacity)
    {
        this.window = windowMillis;
        this.capacity = capacity;
        final int initial = Math.min(capacity, 1024);
        slots = new CharSequenceIntMap(initial, -1);
        keys = new String[initial];
        fingerprints = new long[initial];
        seqs = new long[initial];
        boundAt = new long[initial];
    }

    /** @return the slot of the key if it is bound and still inside the window at {@code now}, else -1. */
    public int find(final CharSequence key, final long now)
    {
        final int slot = slots.get(key);
        return slot >= 0 && now - boundAt[slot] < window ? slot : -1;
    }

    public long fingerprint(final int slot)
    {
        return fingerprints[slot];
    }

    public long seq(final int slot)
    {
        return seqs[slot];
    }

    public int size()
    {
        return count;
    }

    public void bind(final CharSequence key, final long fingerprint, final long seq, final long now)
    {
        while (count > 0 && (now - boundAt[head] >= window || count >= capacity))
        {
            if (slots.get(keys[head]) == head)
            {
                slots.remove(keys[head]);
            }
            keys[head] = null;
            head = (head + 1) % keys.length;
            count--;
        }
        if (count == keys.length)
        {
            grow();
        }
        final int slot = (head + count) % keys.length;
        final String stored = key.toString();
        keys[slot] = stored;
        fingerprints[slot] = fingerprint;
        seqs[slot] = seq;
        boundAt[slot] = now;
        slots.put(stored, slot);
        count++;
    }

    private void grow()
    {
        final int newCapacity = (int)Math.min(capacity, keys.length * 2L);
        final String[] newKeys = new String[newCapacity];
        final long[] newFingerprints = new long[newCapacity];
        final long[] newSeqs = new long[newCapacity];
        final long[] newBoundAt = new long[newCapacity];
        for (int i = 0; i < count; i++)
        {
            final int from = (head + i) % keys.length;
            newKeys[i] = keys[from];
            newFingerprints[i] = fingerprints[from];
            newSeqs[i] = seqs[from];
            newBoundAt[i] = boundAt[from];
            slots.put(newKeys[i], i);
        }
        keys = newKeys;
        fingerprints = newFingerprints;
        seqs = newSeqs;
        boundAt = newBoundAt;
        head = 0;
    }

    public long hash(final long seed)
    {
        long h = StateHash.mix(seed, count);
        for (int i = 0; i < count; i++)
        {
            final int slot = (head + i) % keys.length;
            h = StateHash.mix(h, keys[slot]);
            h = StateHash.mix(h, fingerprints[slot]);
            h = StateHash.mix(h, seqs[slot]);
            h = StateHash.mix(h, boundAt[slot]);
        }
        return h;
    }

    void write(final DataOutput out) throws IOException
    {
        out.writeInt(count);
        for (int i = 0; i < count; i++)
        {
            final int slot = (head + i) % keys.length;
            out.writeUTF(keys[slot]);
            out.writeLong(fingerprints[slot]);
            out.writeLong(seqs[slot]);
            out.writeLong(boundAt[slot]);
        }
    }

    void read(final DataInput in) throws IOException
    {
        final int n = in.readInt();
        for (int i = 0; i < n; i++)
        {
            final String key = in.readUTF();
            final long fingerprint = in.readLong();
            final long seq = in.readLong();
            final long at = in.readLong();
            if (count == keys.length)
            {
                grow();
            }
            final int slot = (head + count) % keys.length;
            keys[slot] = key;
            fingerprints[slot] = fingerprint;
            seqs[slot] = seq;
            boundAt[slot] = at;
            slots.put(key, slot);
            count++;
        }
    }
}
