package io.stockengine.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Idempotency keys bound by successes, in binding order, for a bounded window of engine time and a bounded count.
 * Because engine time never goes back, the bindings that fell out of the window are always the oldest, so eviction
 * only ever looks at the head of the FIFO.
 * <p>
 * A binding may keep the answer its command gave (API.md: a retry gets the original body), as ints in a ring of its
 * own: an order action's answer is the order as the action left it, which later actions change, so it cannot be
 * computed again at the retry. Answers are appended in binding order, so they leave the ring in the same order as
 * their bindings leave the window; the ring is bounded by a budget of ints, and when it is full the oldest answers go
 * first (their bindings stay: a retry that old is still recognised, and answers the state as it is then).
 * A record in the ring is {@code [slot, length, length ints]}. The ring is made of pages allocated as it first
 * reaches them and kept after, so it never copies itself: growing it costs the logic thread one page at a time.
 * <p>
 * Threading: owned by the logic thread.
 */
public final class IdempotencyWindow
{
    private static final long NO_ANSWER = -1;

    private long window;
    private int capacity;
    private final CharSequenceIntMap slots;
    private String[] keys;
    private long[] fingerprints;
    private long[] seqs;
    private long[] boundAt;
    /** Per slot: the ring position of its answer's record, or {@link #NO_ANSWER}. */
    private long[] answerAt;
    private int head;
    private int count;
    private long forgottenEarly;
    private long forgottenEarlyAge;

    private static final int PAGE_SHIFT = 16;
    private static final int PAGE = 1 << PAGE_SHIFT;

    private final int answerBudget;
    /** Pages of the ring, whose length in ints is the budget: a position's place is the position modulo it. */
    private final int[][] answerPages;
    private long answerHead;
    private long answerTail;
    private long openAnswer = NO_ANSWER;

    public IdempotencyWindow(final long windowMillis, final int capacity)
    {
        this(windowMillis, capacity, 0);
    }

    /** @param answerBudget the most ints the kept answers may take together (each answer takes 2 more). */
    public IdempotencyWindow(final long windowMillis, final int capacity, final int answerBudget)
    {
        this.window = windowMillis;
        this.capacity = capacity;
        this.answerBudget = answerBudget;
        answerPages = new int[Math.max(1, (answerBudget + PAGE - 1) >>> PAGE_SHIFT)][];
        final int initial = Math.min(capacity, 1024);
        slots = new CharSequenceIntMap(initial, -1);
        keys = new String[initial];
        fingerprints = new long[initial];
        seqs = new long[initial];
        boundAt = new long[initial];
        answerAt = new long[initial];
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

    public int capacity()
    {
        return capacity;
    }

    public long windowMillis()
    {
        return window;
    }

    /**
     * Keeps bindings for {@code windowMillis} and at most {@code newCapacity} of them from now on: the oldest beyond
     * the capacity go at once (those out of the window go at the next binding, as always). Those that go inside the
     * window are counted as forgotten early, as at a binding; the newest binding's time stands for now, which the
     * retention event does not carry (a restart with a lower --dedup-capacity evicted them uncounted).
     */
    void retain(final long windowMillis, final int newCapacity)
    {
        window = windowMillis;
        capacity = newCapacity;
        final long newest = count == 0 ? 0 : boundAt[(head + count - 1) % keys.length];
        while (count > capacity)
        {
            if (newest - boundAt[head] < window)
            {
                forgottenEarly++;
                forgottenEarlyAge = newest - boundAt[head];
            }
            evictHead();
        }
    }

    private void evictHead()
    {
        if (slots.get(keys[head]) == head)
        {
            slots.remove(keys[head]);
        }
        if (answerAt[head] != NO_ANSWER)
        {
            dropAnswersThrough(answerAt[head]);
        }
        keys[head] = null;
        head = (head + 1) % keys.length;
        count--;
    }

    /**
     * Keys forgotten inside the window because the capacity was reached: a retry of one is applied again. Not part
     * of the state (a replica counts its own); the snapshot follower reports it.
     */
    public long forgottenEarly()
    {
        return forgottenEarly;
    }

    /** How long the last key forgotten early had been kept (engine time, ms). */
    public long forgottenEarlyAge()
    {
        return forgottenEarlyAge;
    }

    /** @return the slot of the new binding, for {@link #openAnswer}. */
    public int bind(final CharSequence key, final long fingerprint, final long seq, final long now)
    {
        openAnswer = NO_ANSWER;
        while (count > 0 && (now - boundAt[head] >= window || count >= capacity))
        {
            if (now - boundAt[head] < window)
            {
                forgottenEarly++;
                forgottenEarlyAge = now - boundAt[head];
            }
            evictHead();
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
        answerAt[slot] = NO_ANSWER;
        slots.put(stored, slot);
        count++;
        return slot;
    }

    /**
     * Makes room for the answer of the binding at {@code slot} (the newest), to be filled by {@link #answerPut}.
     * Drops the oldest answers when the budget is short.
     *
     * @return false when an answer of this length can never be kept (over the budget): the binding keeps none.
     */
    public boolean openAnswer(final int slot, final int length)
    {
        final int need = length + 2;
        openAnswer = NO_ANSWER;
        if (length < 0 || need > answerBudget)
        {
            return false;
        }
        while (answerTail - answerHead + need > answerBudget)
        {
            dropOldestAnswer();
        }
        for (long p = answerTail; p < answerTail + need; )
        {
            final int place = (int)(p % answerBudget);
            final int page = place >>> PAGE_SHIFT;
            if (answerPages[page] == null)
            {
                answerPages[page] = new int[Math.min(PAGE, answerBudget - (page << PAGE_SHIFT))];
            }
            p += answerPages[page].length - (place & (PAGE - 1));
        }
        put(answerTail, slot);
        put(answerTail + 1, length);
        answerAt[slot] = answerTail;
        openAnswer = answerTail;
        answerTail += need;
        return true;
    }

    /** Writes int {@code index} of the answer {@link #openAnswer} made room for. */
    public void answerPut(final int index, final int value)
    {
        put(openAnswer + 2 + index, value);
    }

    /** @return the length of the answer kept for the binding at {@code slot}, or -1 when it has none. */
    public int answerLength(final int slot)
    {
        final long at = answerAt[slot];
        return at == NO_ANSWER ? -1 : get(at + 1);
    }

    /** @return int {@code index} of the answer kept for the binding at {@code slot}. */
    public int answerGet(final int slot, final int index)
    {
        return get(answerAt[slot] + 2 + index);
    }

    private int get(final long position)
    {
        final int place = (int)(position % answerBudget);
        return answerPages[place >>> PAGE_SHIFT][place & (PAGE - 1)];
    }

    private void put(final long position, final int value)
    {
        final int place = (int)(position % answerBudget);
        answerPages[place >>> PAGE_SHIFT][place & (PAGE - 1)] = value;
    }

    /** @return ints the kept answers take, their records' two each included. */
    public long answerInts()
    {
        return answerTail - answerHead;
    }

    private void dropAnswersThrough(final long position)
    {
        while (answerHead <= position && answerHead < answerTail)
        {
            dropOldestAnswer();
        }
    }

    private void dropOldestAnswer()
    {
        final int slot = get(answerHead);
        final int length = get(answerHead + 1);
        if (answerAt[slot] == answerHead)
        {
            answerAt[slot] = NO_ANSWER;
        }
        answerHead += length + 2;
    }

    private void grow()
    {
        final int newCapacity = (int)Math.min(capacity, keys.length * 2L);
        final String[] newKeys = new String[newCapacity];
        final long[] newFingerprints = new long[newCapacity];
        final long[] newSeqs = new long[newCapacity];
        final long[] newBoundAt = new long[newCapacity];
        final long[] newAnswerAt = new long[newCapacity];
        for (int i = 0; i < count; i++)
        {
            final int from = (head + i) % keys.length;
            newKeys[i] = keys[from];
            newFingerprints[i] = fingerprints[from];
            newSeqs[i] = seqs[from];
            newBoundAt[i] = boundAt[from];
            newAnswerAt[i] = answerAt[from];
            if (answerAt[from] != NO_ANSWER)
            {
                put(answerAt[from], i);
            }
            slots.put(newKeys[i], i);
        }
        keys = newKeys;
        fingerprints = newFingerprints;
        seqs = newSeqs;
        boundAt = newBoundAt;
        answerAt = newAnswerAt;
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
            final int length = answerLength(slot);
            h = StateHash.mix(h, length);
            for (int a = 0; a < length; a++)
            {
                h = StateHash.mix(h, answerGet(slot, a));
            }
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
            final int length = answerLength(slot);
            out.writeInt(length);
            for (int a = 0; a < length; a++)
            {
                out.writeInt(answerGet(slot, a));
            }
        }
    }

    /** @param withAnswers false for a snapshot of version 1, written before bindings kept their answers. */
    void read(final DataInput in, final boolean withAnswers) throws IOException
    {
        final int n = in.readInt();
        for (int i = 0; i < n; i++)
        {
            final String key = in.readUTF();
            final long fingerprint = in.readLong();
            final long seq = in.readLong();
            final long at = in.readLong();
            while (count >= capacity)
            {
                // Kept under a larger capacity than this state's: the oldest go, as a bind would let them.
                evictHead();
            }
            if (count == keys.length)
            {
                grow();
            }
            final int slot = (head + count) % keys.length;
            keys[slot] = key;
            fingerprints[slot] = fingerprint;
            seqs[slot] = seq;
            boundAt[slot] = at;
            answerAt[slot] = NO_ANSWER;
            slots.put(key, slot);
            count++;
            final int length = withAnswers ? in.readInt() : -1;
            final boolean kept = length >= 0 && openAnswer(slot, length);
            for (int a = 0; a < length; a++)
            {
                final int value = in.readInt();
                if (kept)
                {
                    answerPut(a, value);
                }
            }
        }
    }
}
