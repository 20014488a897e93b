package io.stockengine.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Orders and their lines in primitive arrays with free lists, the expiry queue and the finished-order FIFO that
 * bounds how long a finished order is remembered. Records are recycled, so a steady stream of orders allocates
 * nothing.
 * <p>
 * An order's lines sit in one contiguous block of the line pool (blocks in power-of-two size classes), so line
 * {@code n} of an order is {@code firstLine + n}. Line counters are in the order's units (kits for a kit line).
 * Reserved = quantity - picked - shipped - cancelled.
 * <p>
 * Threading: owned by the logic thread.
 */
public final class OrderBook
{
    public static final int L_KEY = 0;
    public static final int L_QUANTITY = 1;
    public static final int L_PICKED = 2;
    public static final int L_SHIPPED = 3;
    public static final int L_RETURNED = 4;
    public static final int L_CANCELLED = 5;
    /** Units of this line taken from the channel's ring-fence and not given back. */
    public static final int L_FENCED = 6;
    /** Units per kit for a component line, 1 for a plain line, 0 for a kit line (which moves no stock itself). */
    public static final int L_FACTOR = 7;
    /** The kit line a component belongs to, or -1. */
    public static final int L_PARENT = 8;
    /**
     * The balance the line holds stock at (-1 for a kit line): derived from {@link #L_KEY}, kept so a ship, pick or
     * release does not look the balance up again in an index of millions. Not in snapshots or the state hash; a
     * snapshot load derives it again ({@link #linkBalances}).
     */
    public static final int L_BALANCE = 9;
    /** The fields a snapshot holds and the state hash covers. */
    private static final int L_PERSISTED = 9;
    private static final int L_STRIDE = 10;
    private static final int PAGE_SHIFT = 13;
    private static final int PAGE_LINES = 1 << PAGE_SHIFT;
    private static final int PAGE_MASK = PAGE_LINES - 1;
    private static final int SIZE_CLASSES = 20;

    private final CharSequenceIntMap orderIds;
    private String[] id;
    private int[] status;
    private int[] channel;
    private int[] firstLine;
    private int[] lineCount;
    private int[] generation;
    private long[] expiresAt;
    private long[] fingerprint;
    private long[] reserveSeq;
    private long[] lastSeq;
    private int orderHigh;
    private int freeOrder = -1;
    private int liveOrders;

    private long[][] linePages = new long[16][];
    private int lineHigh;
    private final int[] freeBlock = new int[SIZE_CLASSES];

    private long[] heapTime = new long[1024];
    private long[] heapSeq = new long[1024];
    private int[] heapOrder = new int[1024];
    private int[] heapGeneration = new int[1024];
    private int heapSize;

    private int[] finishedOrder = new int[1024];
    private int[] finishedGeneration = new int[1024];
    private long[] finishedAt = new long[1024];
    private int finishedHead;
    private int finishedCount;

    public OrderBook(final int expectedOrders)
    {
        final int capacity = Math.max(16, expectedOrders);
        orderIds = new CharSequenceIntMap(capacity, -1);
        id = new String[capacity];
        status = new int[capacity];
        channel = new int[capacity];
        firstLine = new int[capacity];
        lineCount = new int[capacity];
        generation = new int[capacity];
        expiresAt = new long[capacity];
        fingerprint = new long[capacity];
        reserveSeq = new long[capacity];
        lastSeq = new long[capacity];
        Arrays.fill(freeBlock, -1);
    }

    // ---- orders ----

    /** @return the order's handle, or -1. */
    /**
     * The events of one command name the same order one after another (reserved, its lines, its status), and the
     * decision looked it up just before them: remembering the last one found spares those lookups' cache misses.
     */
    public int find(final CharSequence orderId)
    {
        final int last = lastFound;
        if (last >= 0 && id[last] != null && CharSequenceIntMap.contentEquals(id[last], orderId))
        {
            return last;
        }
        final int order = orderIds.get(orderId);
        lastFound = order;
        return order;
    }

    /** After a snapshot load: derives every live line's balance from its key. */
    void linkBalances(final Balances balances)
    {
        for (int o = 0; o < orderHigh; o++)
        {
            if (status[o] == OrderStatus.NONE)
            {
                continue;
            }
            for (int n = 0; n < lineCount[o]; n++)
            {
                final int line = firstLine[o] + n;
                lineValue(line, L_BALANCE, lineValue(line, L_FACTOR) == 0 ? -1 :
                    balances.find(lineSku(line), lineLocation(line)));
            }
        }
    }

    public int lineBalance(final int line)
    {
        return (int)lineValue(line, L_BALANCE);
    }

    private int lastFound = -1;

    public int liveOrders()
    {
        return liveOrders;
    }

    public String id(final int order)
    {
        return id[order];
    }

    public int status(final int order)
    {
        return status[order];
    }

    public void status(final int order, final int newStatus)
    {
        status[order] = newStatus;
    }

    public int channel(final int order)
    {
        return channel[order];
    }

    public long expiresAt(final int order)
    {
        return expiresAt[order];
    }

    public long fingerprint(final int order)
    {
        return fingerprint[order];
    }

    public long reserveSeq(final int order)
    {
        return reserveSeq[order];
    }

    public void reserveSeq(final int order, final long seq)
    {
        reserveSeq[order] = seq;
    }

    public long lastSeq(final int order)
    {
        return lastSeq[order];
    }

    public void lastSeq(final int order, final long seq)
    {
        lastSeq[order] = seq;
    }

    public int lineCount(final int order)
    {
        return lineCount[order];
    }

    public int line(final int order, final int lineNo)
    {
        return firstLine[order] + lineNo;
    }

    public int generation(final int order)
    {
        return generation[order];
    }

    /** Creates an order with {@code lines} zeroed lines; expiry is queued when {@code expires > 0}. */
    public int create(final CharSequence orderId, final int channelId, final long expires, final long payloadHash,
        final long seq, final int lines)
    {
        final int order;
        if (freeOrder >= 0)
        {
            order = freeOrder;
            freeOrder = firstLine[order];
        }
        else
        {
            if (orderHigh == id.length)
            {
                growOrders(orderHigh * 2);
            }
            order = orderHigh++;
        }
        final String stored = orderId.toString();
        orderIds.put(stored, order);
        id[order] = stored;
        status[order] = OrderStatus.RESERVED;
        channel[order] = channelId;
        expiresAt[order] = expires;
        fingerprint[order] = payloadHash;
        reserveSeq[order] = seq;
        lastSeq[order] = seq;
        lineCount[order] = lines;
        firstLine[order] = allocateLines(lines);
        liveOrders++;
        if (expires > 0)
        {
            pushExpiry(expires, seq, order, generation[order]);
        }
        return order;
    }

    private void growOrders(final int capacity)
    {
        id = Arrays.copyOf(id, capacity);
        status = Arrays.copyOf(status, capacity);
        channel = Arrays.copyOf(channel, capacity);
        firstLine = Arrays.copyOf(firstLine, capacity);
        lineCount = Arrays.copyOf(lineCount, capacity);
        generation = Arrays.copyOf(generation, capacity);
        expiresAt = Arrays.copyOf(expiresAt, capacity);
        fingerprint = Arrays.copyOf(fingerprint, capacity);
        reserveSeq = Arrays.copyOf(reserveSeq, capacity);
        lastSeq = Arrays.copyOf(lastSeq, capacity);
    }

    private void remove(final int order)
    {
        orderIds.remove(id[order]);
        freeLines(firstLine[order], lineCount[order]);
        id[order] = null;
        status[order] = OrderStatus.NONE;
        generation[order]++;
        firstLine[order] = freeOrder;
        freeOrder = order;
        liveOrders--;
    }

    // ---- lines ----

    public long lineValue(final int line, final int field)
    {
        return linePages[line >>> PAGE_SHIFT][(line & PAGE_MASK) * L_STRIDE + field];
    }

    public void lineValue(final int line, final int field, final long value)
    {
        linePages[line >>> PAGE_SHIFT][(line & PAGE_MASK) * L_STRIDE + field] = value;
    }

    public void lineAdd(final int line, final int field, final long delta)
    {
        linePages[line >>> PAGE_SHIFT][(line & PAGE_MASK) * L_STRIDE + field] += delta;
    }

    public int lineSku(final int line)
    {
        return (int)(lineValue(line, L_KEY) >>> 32);
    }

    public int lineLocation(final int line)
    {
        return (int)lineValue(line, L_KEY);
    }

    public long lineReserved(final int line)
    {
        final long[] page = linePages[line >>> PAGE_SHIFT];
        final int base = (line & PAGE_MASK) * L_STRIDE;
        return page[base + L_QUANTITY] - page[base + L_PICKED] - page[base + L_SHIPPED] - page[base + L_CANCELLED];
    }

    private static int sizeClass(final int lines)
    {
        return 32 - Integer.numberOfLeadingZeros(Math.max(1, lines) - 1);
    }

    private int allocateLines(final int lines)
    {
        final int sizeClass = sizeClass(lines);
        final int size = 1 << sizeClass;
        int start = freeBlock[sizeClass];
        if (start >= 0)
        {
            freeBlock[sizeClass] = (int)lineValue(start, L_QUANTITY);
        }
        else
        {
            start = lineHigh;
            lineHigh += size;
            final int lastPage = (lineHigh - 1) >>> PAGE_SHIFT;
            if (lastPage >= linePages.length)
            {
                linePages = Arrays.copyOf(linePages, Math.max(lastPage + 1, linePages.length * 2));
            }
            for (int p = start >>> PAGE_SHIFT; p <= lastPage; p++)
            {
                if (linePages[p] == null)
                {
                    linePages[p] = new long[PAGE_LINES * L_STRIDE];
                }
            }
        }
        for (int l = start; l < start + lines; l++)
        {
            final long[] page = linePages[l >>> PAGE_SHIFT];
            Arrays.fill(page, (l & PAGE_MASK) * L_STRIDE, (l & PAGE_MASK) * L_STRIDE + L_STRIDE, 0L);
        }
        return start;
    }

    private void freeLines(final int start, final int lines)
    {
        final int sizeClass = sizeClass(lines);
        lineValue(start, L_QUANTITY, freeBlock[sizeClass]);
        freeBlock[sizeClass] = start;
    }

    // ---- expiry ----

    private void pushExpiry(final long time, final long seq, final int order, final int gen)
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
        heapGeneration[i] = gen;
    }

    private static boolean before(final long timeA, final long seqA, final long timeB, final long seqB)
    {
        return timeA < timeB || (timeA == timeB && seqA < seqB);
    }

    private void moveHeap(final int from, final int to)
    {
        heapTime[to] = heapTime[from];
        heapSeq[to] = heapSeq[from];
        heapOrder[to] = heapOrder[from];
        heapGeneration[to] = heapGeneration[from];
    }

    /**
     * The next order due to expire at or before {@code now}, still reserved, or -1. Entries for orders that moved
     * on (picked, cancelled, recycled) are dropped on the way: expiry applies only while nothing is picked.
     */
    public int nextExpired(final long now)
    {
        while (heapSize > 0 && heapTime[0] <= now)
        {
            final int order = heapOrder[0];
            final boolean live = generation[order] == heapGeneration[0] && status[order] == OrderStatus.RESERVED &&
                expiresAt[order] == heapTime[0];
            popHeap();
            if (live)
            {
                return order;
            }
        }
        return -1;
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

    // ---- finished orders ----

    /** Remembers when an order finished, so it can be forgotten once the dedup window has passed. */
    public void finished(final int order, final long now)
    {
        if (finishedCount == finishedOrder.length)
        {
            final int capacity = finishedCount * 2;
            final int[] orders = new int[capacity];
            final int[] gens = new int[capacity];
            final long[] times = new long[capacity];
            for (int i = 0; i < finishedCount; i++)
            {
                final int from = (finishedHead + i) % finishedOrder.length;
                orders[i] = finishedOrder[from];
                gens[i] = finishedGeneration[from];
                times[i] = finishedAt[from];
            }
            finishedOrder = orders;
            finishedGeneration = gens;
            finishedAt = times;
            finishedHead = 0;
        }
        final int tail = (finishedHead + finishedCount) % finishedOrder.length;
        finishedOrder[tail] = order;
        finishedGeneration[tail] = generation[order];
        finishedAt[tail] = now;
        finishedCount++;
    }

    /** Forgets finished orders older than the window, and the oldest beyond the capacity. */
    public void evictFinished(final long now, final long window, final int capacity)
    {
        while (finishedCount > 0)
        {
            final int order = finishedOrder[finishedHead];
            final boolean current = generation[order] == finishedGeneration[finishedHead];
            if (current && now - finishedAt[finishedHead] < window && finishedCount <= capacity)
            {
                return;
            }
            if (current)
            {
                remove(order);
            }
            finishedHead = (finishedHead + 1) % finishedOrder.length;
            finishedCount--;
        }
    }

    public long hash(final long seed)
    {
        long h = StateHash.mix(seed, liveOrders);
        for (int o = 0; o < orderHigh; o++)
        {
            if (status[o] == OrderStatus.NONE)
            {
                continue;
            }
            h = StateHash.mix(h, id[o]);
            h = StateHash.mix(h, status[o]);
            h = StateHash.mix(h, channel[o]);
            h = StateHash.mix(h, expiresAt[o]);
            h = StateHash.mix(h, fingerprint[o]);
            h = StateHash.mix(h, reserveSeq[o]);
            h = StateHash.mix(h, lastSeq[o]);
            for (int n = 0; n < lineCount[o]; n++)
            {
                final int line = firstLine[o] + n;
                for (int f = 0; f < L_PERSISTED; f++)
                {
                    h = StateHash.mix(h, lineValue(line, f));
                }
            }
        }
        // The expiry heap is left out: the live engine drops stale entries as it pops them, a replay later.
        return StateHash.mix(h, finishedCount);
    }

    void write(final DataOutput out) throws IOException
    {
        out.writeInt(orderHigh);
        out.writeInt(freeOrder);
        out.writeInt(liveOrders);
        SnapshotIO.writeStrings(out, id, orderHigh);
        SnapshotIO.writeInts(out, status, orderHigh);
        SnapshotIO.writeInts(out, channel, orderHigh);
        SnapshotIO.writeInts(out, firstLine, orderHigh);
        SnapshotIO.writeInts(out, lineCount, orderHigh);
        SnapshotIO.writeInts(out, generation, orderHigh);
        SnapshotIO.writeLongs(out, expiresAt, orderHigh);
        SnapshotIO.writeLongs(out, fingerprint, orderHigh);
        SnapshotIO.writeLongs(out, reserveSeq, orderHigh);
        SnapshotIO.writeLongs(out, lastSeq, orderHigh);
        out.writeInt(lineHigh);
        for (int line = 0; line < lineHigh; line++)
        {
            for (int f = 0; f < L_PERSISTED; f++)
            {
                out.writeLong(lineValue(line, f));
            }
        }
        SnapshotIO.writeInts(out, freeBlock, SIZE_CLASSES);
        out.writeInt(heapSize);
        SnapshotIO.writeLongs(out, heapTime, heapSize);
        SnapshotIO.writeLongs(out, heapSeq, heapSize);
        SnapshotIO.writeInts(out, heapOrder, heapSize);
        SnapshotIO.writeInts(out, heapGeneration, heapSize);
        out.writeInt(finishedCount);
        for (int i = 0; i < finishedCount; i++)
        {
            final int at = (finishedHead + i) % finishedOrder.length;
            out.writeInt(finishedOrder[at]);
            out.writeInt(finishedGeneration[at]);
            out.writeLong(finishedAt[at]);
        }
    }

    void read(final DataInput in) throws IOException
    {
        SnapshotIO.check(orderHigh == 0, "orders must load into an empty book");
        orderHigh = in.readInt();
        freeOrder = in.readInt();
        liveOrders = in.readInt();
        final int capacity = Math.max(16, orderHigh);
        id = SnapshotIO.readStrings(in, capacity);
        status = SnapshotIO.readInts(in, capacity);
        channel = SnapshotIO.readInts(in, capacity);
        firstLine = SnapshotIO.readInts(in, capacity);
        lineCount = SnapshotIO.readInts(in, capacity);
        generation = SnapshotIO.readInts(in, capacity);
        expiresAt = SnapshotIO.readLongs(in, capacity);
        fingerprint = SnapshotIO.readLongs(in, capacity);
        reserveSeq = SnapshotIO.readLongs(in, capacity);
        lastSeq = SnapshotIO.readLongs(in, capacity);
        for (int o = 0; o < orderHigh; o++)
        {
            if (status[o] != OrderStatus.NONE)
            {
                orderIds.put(id[o], o);
            }
        }
        lineHigh = in.readInt();
        final int pages = Math.max(16, ((lineHigh - 1) >>> PAGE_SHIFT) + 1);
        linePages = new long[pages][];
        for (int p = 0; p <= (lineHigh - 1) >>> PAGE_SHIFT && lineHigh > 0; p++)
        {
            linePages[p] = new long[PAGE_LINES * L_STRIDE];
        }
        for (int line = 0; line < lineHigh; line++)
        {
            for (int f = 0; f < L_PERSISTED; f++)
            {
                lineValue(line, f, in.readLong());
            }
        }
        final int[] blocks = SnapshotIO.readInts(in, SIZE_CLASSES);
        System.arraycopy(blocks, 0, freeBlock, 0, SIZE_CLASSES);
        final int heapEntries = in.readInt();
        heapTime = SnapshotIO.readLongs(in, 1024);
        heapSeq = SnapshotIO.readLongs(in, heapTime.length);
        heapOrder = SnapshotIO.readInts(in, heapTime.length);
        heapGeneration = SnapshotIO.readInts(in, heapTime.length);
        heapSize = heapEntries;
        final int finished = in.readInt();
        final int ring = Math.max(1024, Integer.highestOneBit(Math.max(1, finished)) * 2);
        finishedOrder = new int[ring];
        finishedGeneration = new int[ring];
        finishedAt = new long[ring];
        finishedHead = 0;
        finishedCount = finished;
        for (int i = 0; i < finished; i++)
        {
            finishedOrder[i] = in.readInt();
            finishedGeneration[i] = in.readInt();
            finishedAt[i] = in.readLong();
        }
    }
}
