package io.stockengine.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reservation expiries in (time, seq) order: a few FIFO lanes in front of a binary heap.
 * <p>
 * Reservations mostly carry one TTL per channel, so their expiry times arrive in order: an entry not earlier than
 * the tail of a lane is appended to that lane (O(1), and the lane's head is the only entry read at pop). Only an
 * entry earlier than every lane's tail goes to the heap, whose sift over a million entries is a cache miss per
 * level. The order of pops is the total (time, seq) order whatever the structure, so a replay or a snapshot load
 * that distributes entries differently expires the same orders in the same sequence.
 * <p>
 * Entries are never removed early: the owner checks, at pop, whether the order is still the one that was queued.
 * <p>
 * Threading: owned by the logic thread.
 */
final class ExpiryQueue
{
    /** Four lanes take up to four interleaved TTLs (e.g. channels with different holds) in order. */
    private static final int LANES = 4;
    private static final int INITIAL = 1024;

    private final long[][] laneTime = new long[LANES][];
    private final long[][] laneSeq = new long[LANES][];
    private final int[][] laneOrder = new int[LANES][];
    private final int[][] laneGeneration = new int[LANES][];
    private final int[] laneHead = new int[LANES];
    private final int[] laneSize = new int[LANES];

    private long[] heapTime = new long[INITIAL];
    private long[] heapSeq = new long[INITIAL];
    private int[] heapOrder = new int[INITIAL];
    private int[] heapGeneration = new int[INITIAL];
    private int heapSize;

    /** Where the minimum is: a lane number, {@link #HEAP}, or {@link #EMPTY}; valid until the next change. */
    private int minSource = EMPTY;
    private int minIndex;
    private static final int HEAP = LANES;
    private static final int EMPTY = -1;

    ExpiryQueue()
    {
        for (int l = 0; l < LANES; l++)
        {
            laneTime[l] = new long[INITIAL];
            laneSeq[l] = new long[INITIAL];
            laneOrder[l] = new int[INITIAL];
            laneGeneration[l] = new int[INITIAL];
        }
    }

    static boolean before(final long timeA, final long seqA, final long timeB, final long seqB)
    {
        return timeA < timeB || (timeA == timeB && seqA < seqB);
    }

    int size()
    {
        int size = heapSize;
        for (int l = 0; l < LANES; l++)
        {
            size += laneSize[l];
        }
        return size;
    }

    void push(final long time, final long seq, final int order, final int generation)
    {
        // The lane whose tail is latest but not after the entry: the tightest fit keeps the other lanes free for
        // TTLs that run behind this one.
        int best = -1;
        long bestTime = Long.MIN_VALUE;
        long bestSeq = Long.MIN_VALUE;
        for (int l = 0; l < LANES; l++)
        {
            final int size = laneSize[l];
            if (size == 0)
            {
                if (best < 0)
                {
                    best = l;
                }
                continue;
            }
            final int tail = (laneHead[l] + size - 1) & (laneTime[l].length - 1);
            final long tailTime = laneTime[l][tail];
            final long tailSeq = laneSeq[l][tail];
            if (!before(time, seq, tailTime, tailSeq) &&
                (best < 0 || laneSize[best] == 0 || before(bestTime, bestSeq, tailTime, tailSeq)))
            {
                best = l;
                bestTime = tailTime;
                bestSeq = tailSeq;
            }
        }
        if (best >= 0)
        {
            append(best, time, seq, order, generation);
        }
        else
        {
            pushHeap(time, seq, order, generation);
        }
        minSource = EMPTY;
    }

    private void append(final int lane, final long time, final long seq, final int order, final int generation)
    {
        if (laneSize[lane] == laneTime[lane].length)
        {
            growLane(lane);
        }
        final int at = (laneHead[lane] + laneSize[lane]) & (laneTime[lane].length - 1);
        laneTime[lane][at] = time;
        laneSeq[lane][at] = seq;
        laneOrder[lane][at] = order;
        laneGeneration[lane][at] = generation;
        laneSize[lane]++;
    }

    private void growLane(final int lane)
    {
        final int size = laneSize[lane];
        final int capacity = size * 2;
        final long[] times = new long[capacity];
        final long[] seqs = new long[capacity];
        final int[] orders = new int[capacity];
        final int[] generations = new int[capacity];
        final int mask = laneTime[lane].length - 1;
        for (int i = 0; i < size; i++)
        {
            final int from = (laneHead[lane] + i) & mask;
            times[i] = laneTime[lane][from];
            seqs[i] = laneSeq[lane][from];
            orders[i] = laneOrder[lane][from];
            generations[i] = laneGeneration[lane][from];
        }
        laneTime[lane] = times;
        laneSeq[lane] = seqs;
        laneOrder[lane] = orders;
        laneGeneration[lane] = generations;
        laneHead[lane] = 0;
    }

    /** Finds the earliest entry; false when the queue is empty. */
    private boolean locateMin()
    {
        if (minSource != EMPTY)
        {
            return true;
        }
        int source = EMPTY;
        int index = 0;
        long time = 0;
        long seq = 0;
        if (heapSize > 0)
        {
            source = HEAP;
            time = heapTime[0];
            seq = heapSeq[0];
        }
        for (int l = 0; l < LANES; l++)
        {
            if (laneSize[l] > 0)
            {
                final int head = laneHead[l];
                if (source == EMPTY || before(laneTime[l][head], laneSeq[l][head], time, seq))
                {
                    source = l;
                    index = head;
                    time = laneTime[l][head];
                    seq = laneSeq[l][head];
                }
            }
        }
        minSource = source;
        minIndex = index;
        return source != EMPTY;
    }

    /** True when an entry is due at or before {@code now}. */
    boolean due(final long now)
    {
        return locateMin() && headTime() <= now;
    }

    /** The earliest entry's time; only after {@link #due} or another check found the queue not empty. */
    long headTime()
    {
        return minSource == HEAP ? heapTime[0] : laneTime[minSource][minIndex];
    }

    int headOrder()
    {
        return minSource == HEAP ? heapOrder[0] : laneOrder[minSource][minIndex];
    }

    int headGeneration()
    {
        return minSource == HEAP ? heapGeneration[0] : laneGeneration[minSource][minIndex];
    }

    /**
     * For cache warming: the order of the {@code k}-th entry of the lane that holds the minimum, or -1. With one
     * TTL in use the entries due next are that lane's first ones; on the heap only the minimum is cheap to name.
     */
    int upcomingOrder(final int k)
    {
        if (!locateMin())
        {
            return -1;
        }
        if (minSource == HEAP)
        {
            return k == 0 ? heapOrder[0] : -1;
        }
        final int lane = minSource;
        return k < laneSize[lane] ? laneOrder[lane][(laneHead[lane] + k) & (laneOrder[lane].length - 1)] : -1;
    }

    void pop()
    {
        if (minSource == HEAP)
        {
            popHeap();
        }
        else
        {
            final int lane = minSource;
            laneHead[lane] = (laneHead[lane] + 1) & (laneTime[lane].length - 1);
            laneSize[lane]--;
        }
        minSource = EMPTY;
    }

    private void pushHeap(final long time, final long seq, final int order, final int generation)
    {
        if (heapSize == heapTime.length)
        {
            final int capacity = heapSize * 2;
            heapTime = Arrays.copyOf(heapTime, capacity);
            heapSeq = Arrays.copyOf(heapSeq, capacity);
            heapOrder = Arrays.copyOf(heapOrder, capacity);
            heapGeneration = Arrays.copyOf(heapGeneration, capacity);
        }
        int i = heapSize++;
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            if (!before(time, seq, heapTime[parent], heapSeq[parent]))
            {
                break;
            }
            moveHeap(parent, i);
            i = parent;
        }
        heapTime[i] = time;
        heapSeq[i] = seq;
        heapOrder[i] = order;
        heapGeneration[i] = generation;
    }

    private void moveHeap(final int from, final int to)
    {
        heapTime[to] = heapTime[from];
        heapSeq[to] = heapSeq[from];
        heapOrder[to] = heapOrder[from];
        heapGeneration[to] = heapGeneration[from];
    }

    private void popHeap()
    {
        final int last = --heapSize;
        if (last == 0)
        {
            return;
        }
        final long time = heapTime[last];
        final long seq = heapSeq[last];
        int i = 0;
        while (true)
        {
            final int left = 2 * i + 1;
            if (left >= last)
            {
                break;
            }
            int child = left;
            if (left + 1 < last && before(heapTime[left + 1], heapSeq[left + 1], heapTime[left], heapSeq[left]))
            {
                child = left + 1;
            }
            if (!before(heapTime[child], heapSeq[child], time, seq))
            {
                break;
            }
            moveHeap(child, i);
            i = child;
        }
        moveHeap(last, i);
    }

    /**
     * Every entry as four arrays (times, seqs, orders, generations), lanes first, then the heap. The layout is the
     * one the binary heap alone wrote, so snapshots from before the lanes still load.
     */
    void write(final DataOutput out) throws IOException
    {
        final int size = size();
        final long[] times = new long[size];
        final long[] seqs = new long[size];
        final int[] orders = new int[size];
        final int[] generations = new int[size];
        int n = 0;
        for (int l = 0; l < LANES; l++)
        {
            final int mask = laneTime[l].length - 1;
            for (int i = 0; i < laneSize[l]; i++, n++)
            {
                final int at = (laneHead[l] + i) & mask;
                times[n] = laneTime[l][at];
                seqs[n] = laneSeq[l][at];
                orders[n] = laneOrder[l][at];
                generations[n] = laneGeneration[l][at];
            }
        }
        System.arraycopy(heapTime, 0, times, n, heapSize);
        System.arraycopy(heapSeq, 0, seqs, n, heapSize);
        System.arraycopy(heapOrder, 0, orders, n, heapSize);
        System.arraycopy(heapGeneration, 0, generations, n, heapSize);
        out.writeInt(size);
        SnapshotIO.writeLongs(out, times, size);
        SnapshotIO.writeLongs(out, seqs, size);
        SnapshotIO.writeInts(out, orders, size);
        SnapshotIO.writeInts(out, generations, size);
    }

    /**
     * Loads {@link #write}'s entries into this empty queue. Each lane was written in order, so it refills a lane;
     * where entries come out of order (the heap's, or a snapshot written by the heap alone) they go to the heap.
     */
    void read(final DataInput in) throws IOException
    {
        SnapshotIO.check(size() == 0, "expiries must load into an empty queue");
        final int size = in.readInt();
        final long[] times = SnapshotIO.readLongs(in, size);
        final long[] seqs = SnapshotIO.readLongs(in, size);
        final int[] orders = SnapshotIO.readInts(in, size);
        final int[] generations = SnapshotIO.readInts(in, size);
        SnapshotIO.check(size >= 0 && times.length == size && seqs.length == size && orders.length == size &&
            generations.length == size, "expiry entries");
        for (int i = 0; i < size; i++)
        {
            push(times[i], seqs[i], orders[i], generations[i]);
        }
    }
}
