package io.stockengine.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

    /**
     * An order is one record of {@link #O_STRIDE} longs in a page: its fields in the first eight, its id's bytes in
     * the last eight. A command that touches an order then reads two adjacent cache lines instead of one line per
     * field array, and the id index compares a key against the record it lands on anyway: no String per order for
     * the collector to trace, copy and card-mark.
     */
    private static final int O_STATUS_CHANNEL = 0;
    /** A bit of the status word: the order has left RESERVED once, so its TTL no longer applies. */
    private static final int TTL_DISARMED = 1 << 30;
    /**
     * A bit of the status word: a cancel, not a ship, made the order SHIPPED (it released what a partial shipment
     * left). A whole-order cancel then finds it done; cancelling an order that shipped whole is refused.
     */
    private static final int CLOSED_BY_CANCEL = 1 << 29;
    private static final int STATUS_FLAGS = TTL_DISARMED | CLOSED_BY_CANCEL;
    /** First line (or the next free order while free) in the low half, line count in the high half. */
    private static final int O_LINES = 1;
    private static final int O_GENERATION_LENGTH = 2;
    private static final int O_EXPIRES_AT = 3;
    private static final int O_FINGERPRINT = 4;
    private static final int O_RESERVE_SEQ = 5;
    private static final int O_LAST_SEQ = 6;
    /** The id's hash as the index holds it, so a removal finds its slot without reading the id again. */
    private static final int O_HASH = 7;
    private static final int O_ID = 8;
    private static final int O_STRIDE = 16;
    /** Ids are 1 to 64 characters of [A-Za-z0-9._:-] (API.md): one byte each, eight longs. */
    public static final int MAX_ID_LENGTH = (O_STRIDE - O_ID) * Long.BYTES;
    private static final int ORDER_PAGE_SHIFT = 13;
    private static final int ORDER_PAGE_ORDERS = 1 << ORDER_PAGE_SHIFT;
    private static final int ORDER_PAGE_MASK = ORDER_PAGE_ORDERS - 1;
    /** Longs in one page of order records and in one page of lines: the sizes a {@link PageReserve} keeps. */
    public static final int ORDER_PAGE_LONGS = ORDER_PAGE_ORDERS * O_STRIDE;
    public static final int LINE_PAGE_LONGS = PAGE_LINES * L_STRIDE;

    private long[][] orderPages = new long[16][];
    private int orderHigh;
    private int freeOrder = -1;
    private int liveOrders;

    /**
     * Open addressing, linear probing, the layout of {@link CharSequenceIntMap}'s slots: the id's hash (never 0) in
     * the high half, the order in the low half.
     */
    private long[] index;
    private int indexMask;
    private int indexSize;
    private int indexThreshold;

    private final OrderId idView = new OrderId();

    private long[][] linePages = new long[16][];
    private int lineHigh;
    private final int[] freeBlock = new int[SIZE_CLASSES];

    private final ExpiryQueue expiries = new ExpiryQueue();

    private int[] finishedOrder = new int[1024];
    private int[] finishedGeneration = new int[1024];
    private long[] finishedAt = new long[1024];
    private int finishedHead;
    private int finishedCount;

    private int lastFound = -1;

    /** Where new pages of orders and lines come from. */
    private final PageReserve reserve;

    public OrderBook(final int expectedOrders)
    {
        this(expectedOrders, PageReserve.NONE);
    }

    public OrderBook(final int expectedOrders, final PageReserve reserve)
    {
        this.reserve = reserve;
        allocateIndex(CharSequenceIntMap.capacityFor(Math.max(16, expectedOrders)));
        Arrays.fill(freeBlock, -1);
    }

    /** True when the engine can hold the id: 1 to {@link #MAX_ID_LENGTH} characters, each one byte. */
    public static boolean storable(final CharSequence orderId)
    {
        final int length = orderId.length();
        if (length == 0 || length > MAX_ID_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (orderId.charAt(i) > 0x7F)
            {
                return false;
            }
        }
        return true;
    }

    // ---- order records ----

    private long[] page(final int order)
    {
        return orderPages[order >>> ORDER_PAGE_SHIFT];
    }

    private static int base(final int order)
    {
        return (order & ORDER_PAGE_MASK) * O_STRIDE;
    }

    private long field(final int order, final int field)
    {
        return orderPages[order >>> ORDER_PAGE_SHIFT][(order & ORDER_PAGE_MASK) * O_STRIDE + field];
    }

    private void field(final int order, final int field, final long value)
    {
        orderPages[order >>> ORDER_PAGE_SHIFT][(order & ORDER_PAGE_MASK) * O_STRIDE + field] = value;
    }

    private static long pair(final int low, final int high)
    {
        return ((long)high << 32) | (low & 0xFFFF_FFFFL);
    }

    private int firstLine(final int order)
    {
        return (int)field(order, O_LINES);
    }

    private int idLength(final int order)
    {
        return (int)(field(order, O_GENERATION_LENGTH) >>> 32);
    }

    private boolean idEquals(final int order, final CharSequence key)
    {
        final long[] page = page(order);
        final int base = base(order);
        final int length = (int)(page[base + O_GENERATION_LENGTH] >>> 32);
        if (key.length() != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            final int stored = idByte(page, base, i);
            if (stored != key.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    private static void packId(final long[] page, final int base, final CharSequence key)
    {
        final int length = key.length();
        for (int w = 0; w < O_STRIDE - O_ID; w++)
        {
            long word = 0;
            for (int b = 0; b < Long.BYTES; b++)
            {
                final int i = (w << 3) + b;
                if (i < length)
                {
                    word |= (long)(key.charAt(i) & 0xFF) << (b << 3);
                }
            }
            page[base + O_ID + w] = word;
        }
    }

    // ---- the id index ----

    private void allocateIndex(final int capacity)
    {
        index = new long[capacity];
        indexMask = capacity - 1;
        indexThreshold = (int)(capacity * 2L / 3);
    }

    private int lookup(final CharSequence key)
    {
        final int h = CharSequenceIntMap.hash(key);
        int i = h & indexMask;
        long slot;
        while ((slot = index[i]) != 0)
        {
            if ((int)(slot >>> 32) == h && idEquals((int)slot, key))
            {
                return (int)slot;
            }
            i = (i + 1) & indexMask;
        }
        return -1;
    }

    private void insert(final int h, final int order)
    {
        int i = h & indexMask;
        while (index[i] != 0)
        {
            i = (i + 1) & indexMask;
        }
        index[i] = pair(order, h);
        if (++indexSize > indexThreshold)
        {
            final long[] old = index;
            allocateIndex(old.length * 2);
            for (final long slot : old)
            {
                if (slot != 0)
                {
                    int j = (int)(slot >>> 32) & indexMask;
                    while (index[j] != 0)
                    {
                        j = (j + 1) & indexMask;
                    }
                    index[j] = slot;
                }
            }
        }
    }

    /** Removes the order's slot, found by its stored hash and handle, with backward-shift deletion. */
    private void unindex(final int order)
    {
        final int h = (int)field(order, O_HASH);
        int hole = h & indexMask;
        while ((int)index[hole] != order || (int)(index[hole] >>> 32) != h)
        {
            hole = (hole + 1) & indexMask;
        }
        index[hole] = 0;
        indexSize--;
        int i = (hole + 1) & indexMask;
        long slot;
        while ((slot = index[i]) != 0)
        {
            final int home = (int)(slot >>> 32) & indexMask;
            if (CharSequenceIntMap.shiftsBack(i, hole, home))
            {
                index[hole] = slot;
                index[i] = 0;
                hole = i;
            }
            i = (i + 1) & indexMask;
        }
    }

    // ---- orders ----

    /**
     * @return the order's handle, or -1. The events of one command name the same order one after another (reserved,
     * its lines, its status), and the decision looked it up just before them: remembering the last one found spares
     * those lookups' cache misses.
     */
    public int find(final CharSequence orderId)
    {
        final int last = lastFound;
        if (last >= 0 && status(last) != OrderStatus.NONE && idEquals(last, orderId))
        {
            return last;
        }
        final int order = lookup(orderId);
        lastFound = order;
        return order;
    }

    // ---- cache warming for Prefetcher: reads only, and any handle they return is a hint, never acted upon ----

    /** The order in the first slot of the hash's probe run that carries the hash (ids not compared), or -1. */
    int candidate(final int h)
    {
        int i = h & indexMask;
        long slot;
        while ((slot = index[i]) != 0)
        {
            if ((int)(slot >>> 32) == h)
            {
                return (int)slot;
            }
            i = (i + 1) & indexMask;
        }
        return -1;
    }

    /** Reads the index slot a lookup or insert of the hash starts at. */
    long touchSlot(final int h)
    {
        return index[h & indexMask];
    }

    /** Reads the record's id lines: a record (128 bytes behind a 16-byte array header) can straddle three lines. */
    long touchRecord(final int order)
    {
        final long[] page = page(order);
        final int base = base(order);
        return page[base + O_ID] + page[base + O_STRIDE - 1];
    }

    /** The order's first line, from the record's first cache line, or -1 when the record holds no lines. */
    int firstLineHint(final int order)
    {
        final long lines = field(order, O_LINES);
        return (int)(lines >>> 32) == 0 ? -1 : (int)lines;
    }

    /** Reads the line's first field; its record is 80 bytes, so {@link #lineBalanceHint} reads the other line. */
    long touchLine(final int line)
    {
        return lineHint(line, L_KEY, 0);
    }

    /** The balance a line holds stock at, or -1. */
    int lineBalanceHint(final int line)
    {
        return (int)lineHint(line, L_BALANCE, -1);
    }

    /**
     * The order the {@code k}-th next eviction of a finished order would forget (its record, then its index slot,
     * are what {@link #evictFinished} reads), or -1.
     */
    int evictionCandidate(final int k)
    {
        return k < finishedCount ? finishedOrder[(finishedHead + k) % finishedOrder.length] : -1;
    }

    /** The order of the {@code k}-th next entry of the expiry queue (its record is read when it comes due), or -1. */
    int expiryCandidate(final int k)
    {
        return expiries.upcomingOrder(k);
    }

    /** The line's SKU (a hint), or -1. */
    int lineSkuHint(final int line)
    {
        final long key = lineHint(line, L_KEY, -1);
        return key < 0 ? -1 : (int)(key >>> 32);
    }

    /** A field of a line handle that came from a hint: {@code missing} when its page was never allocated. */
    private long lineHint(final int line, final int field, final long missing)
    {
        final int page = line >>> PAGE_SHIFT;
        return page < linePages.length && linePages[page] != null ?
            linePages[page][(line & PAGE_MASK) * L_STRIDE + field] : missing;
    }

    /** Reads the index slot an eviction of the order clears. */
    long touchUnindex(final int order)
    {
        return index[(int)field(order, O_HASH) & indexMask];
    }

    /** After a snapshot load: derives every live line's balance from its key. */
    void linkBalances(final Balances balances)
    {
        for (int o = 0; o < orderHigh; o++)
        {
            if (status(o) == OrderStatus.NONE)
            {
                continue;
            }
            for (int n = 0; n < lineCount(o); n++)
            {
                final int line = firstLine(o) + n;
                lineValue(line, L_BALANCE, lineValue(line, L_FACTOR) == 0 ? -1 :
                    balances.find(lineSku(line), lineLocation(line)));
            }
        }
    }

    public int lineBalance(final int line)
    {
        return (int)lineValue(line, L_BALANCE);
    }

    public int liveOrders()
    {
        return liveOrders;
    }

    /**
     * The order's id, copied into a view this book reuses: valid until the next call, and unaffected by the order
     * being forgotten meanwhile (an event sink may finish and recycle the order while the id is in use).
     */
    public CharSequence id(final int order)
    {
        return idView.copyOf(page(order), base(order), idLength(order));
    }

    public int status(final int order)
    {
        return (int)field(order, O_STATUS_CHANNEL) & ~STATUS_FLAGS;
    }

    /** True when a cancel closed the order as SHIPPED ({@link #CLOSED_BY_CANCEL}). */
    public boolean closedByCancel(final int order)
    {
        return ((int)field(order, O_STATUS_CHANNEL) & CLOSED_BY_CANCEL) != 0;
    }

    public void markClosedByCancel(final int order)
    {
        field(order, O_STATUS_CHANNEL, pair((int)field(order, O_STATUS_CHANNEL) | CLOSED_BY_CANCEL, channel(order)));
    }

    /**
     * Sets the status. The first status other than RESERVED disarms the order's TTL for good: a TTL applies while
     * nothing has happened to the order yet, and one that comes back to RESERVED (its only picked line cancelled)
     * must not expire what it still holds.
     */
    public void status(final int order, final int newStatus)
    {
        final int disarmed = ((int)field(order, O_STATUS_CHANNEL) & STATUS_FLAGS) |
            (newStatus == OrderStatus.RESERVED ? 0 : TTL_DISARMED);
        field(order, O_STATUS_CHANNEL, pair(newStatus | disarmed, channel(order)));
    }

    /** True while the order's TTL may still expire it: RESERVED, and never anything else since it was placed. */
    private boolean ttlArmed(final int order)
    {
        return (int)field(order, O_STATUS_CHANNEL) == OrderStatus.RESERVED;
    }

    public int channel(final int order)
    {
        return (int)(field(order, O_STATUS_CHANNEL) >>> 32);
    }

    public long expiresAt(final int order)
    {
        return field(order, O_EXPIRES_AT);
    }

    /**
     * The expiry an answer shows: when the TTL will expire the order, or did (an EXPIRED order keeps the time it
     * expired, so a client can tell when); 0 when none was given or the order left RESERVED otherwise and the TTL
     * no longer applies.
     */
    public long shownExpiry(final int order)
    {
        return ttlArmed(order) || status(order) == OrderStatus.EXPIRED ? field(order, O_EXPIRES_AT) : 0;
    }

    public long fingerprint(final int order)
    {
        return field(order, O_FINGERPRINT);
    }

    public long reserveSeq(final int order)
    {
        return field(order, O_RESERVE_SEQ);
    }

    public void reserveSeq(final int order, final long seq)
    {
        field(order, O_RESERVE_SEQ, seq);
    }

    public long lastSeq(final int order)
    {
        return field(order, O_LAST_SEQ);
    }

    public void lastSeq(final int order, final long seq)
    {
        field(order, O_LAST_SEQ, seq);
    }

    public int lineCount(final int order)
    {
        return (int)(field(order, O_LINES) >>> 32);
    }

    public int line(final int order, final int lineNo)
    {
        return firstLine(order) + lineNo;
    }

    public int generation(final int order)
    {
        return (int)field(order, O_GENERATION_LENGTH);
    }

    /**
     * Creates an order with {@code lines} zeroed lines; expiry is queued when {@code expires > 0}. The caller has
     * checked the id with {@link #storable}.
     */
    public int create(final CharSequence orderId, final int channelId, final long expires, final long payloadHash,
        final long seq, final int lines)
    {
        final int order;
        if (freeOrder >= 0)
        {
            order = freeOrder;
            freeOrder = firstLine(order);
        }
        else
        {
            order = orderHigh++;
            ensurePage(order);
        }
        final long[] page = page(order);
        final int base = base(order);
        final int h = CharSequenceIntMap.hash(orderId);
        page[base + O_STATUS_CHANNEL] = pair(OrderStatus.RESERVED, channelId);
        page[base + O_LINES] = pair(allocateLines(lines), lines);
        page[base + O_GENERATION_LENGTH] = pair((int)page[base + O_GENERATION_LENGTH], orderId.length());
        page[base + O_EXPIRES_AT] = expires;
        page[base + O_FINGERPRINT] = payloadHash;
        page[base + O_RESERVE_SEQ] = seq;
        page[base + O_LAST_SEQ] = seq;
        page[base + O_HASH] = h;
        packId(page, base, orderId);
        insert(h, order);
        liveOrders++;
        if (expires > 0)
        {
            expiries.push(expires, seq, order, generation(order));
        }
        return order;
    }

    private void ensurePage(final int order)
    {
        final int p = order >>> ORDER_PAGE_SHIFT;
        if (p >= orderPages.length)
        {
            orderPages = Arrays.copyOf(orderPages, Math.max(p + 1, orderPages.length * 2));
        }
        if (orderPages[p] == null)
        {
            orderPages[p] = reserve.take(ORDER_PAGE_LONGS);
        }
    }

    /** Frees the record; its id bytes stay until reuse, so an id view taken before is not disturbed. */
    private void remove(final int order)
    {
        unindex(order);
        freeLines(firstLine(order), lineCount(order));
        final long[] page = page(order);
        final int base = base(order);
        page[base + O_STATUS_CHANNEL] = pair(OrderStatus.NONE, 0);
        page[base + O_GENERATION_LENGTH] = pair((int)page[base + O_GENERATION_LENGTH] + 1, idLength(order));
        page[base + O_LINES] = pair(freeOrder, 0);
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

    /** Units the line still holds at its balance: reserved or picked, not yet shipped or released. */
    public long lineHolding(final int line)
    {
        return lineReserved(line) + lineValue(line, L_PICKED);
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
                    linePages[p] = reserve.take(LINE_PAGE_LONGS);
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

    /**
     * The next order due to expire at or before {@code now}, still reserved, or -1. Entries for orders that moved
     * on (picked, cancelled, recycled) are dropped on the way: expiry applies only while nothing is picked.
     */
    public int nextExpired(final long now)
    {
        while (expiries.due(now))
        {
            final int order = expiries.headOrder();
            final boolean live = headAwaited(order);
            expiries.pop();
            if (live)
            {
                return order;
            }
        }
        return -1;
    }

    /**
     * Drops the due entries at the head of the expiry queue that no order waits for any more, stopping at the first
     * that one still does. The live engine drops them as it expires ({@link #nextExpired}); a state folded from the
     * journal (the snapshot writer's, a replay's) never asks for expiries, and without this its queue kept an entry
     * for every TTL ever set, in memory and in every snapshot it wrote.
     */
    void dropDeadExpiries(final long now)
    {
        while (expiries.due(now) && !headAwaited(expiries.headOrder()))
        {
            expiries.pop();
        }
    }

    /** The queue's head is the expiry {@code order} (its head's order) still waits for: same record, TTL armed. */
    private boolean headAwaited(final int order)
    {
        return generation(order) == expiries.headGeneration() && ttlArmed(order) &&
            expiresAt(order) == expiries.headTime();
    }

    /** Entries in the expiry queue, awaited or not. */
    int expiryEntries()
    {
        return expiries.size();
    }

    /**
     * Sets the fenced units of every line of the channel's orders to zero: a walk of the whole book, on a channel's
     * reconfiguration only (an administrative command, not traffic).
     */
    void forgetFences(final int channel)
    {
        for (int o = 0; o < orderHigh; o++)
        {
            if (status(o) != OrderStatus.NONE && channel(o) == channel)
            {
                final int first = firstLine(o);
                for (int n = 0, count = lineCount(o); n < count; n++)
                {
                    lineValue(first + n, L_FENCED, 0);
                }
            }
        }
    }

    /**
     * Rebuilds what each channel's orders hold from its fences ({@link Channels#held}) after a snapshot load, with
     * every line's fenced units at most what it still holds (snapshots of older builds kept more: the fenced units of
     * units since shipped). A walk of the whole book, once per load.
     */
    void rebuildHeld(final Channels channels)
    {
        channels.clearHeld();
        for (int o = 0; o < orderHigh; o++)
        {
            if (status(o) == OrderStatus.NONE)
            {
                continue;
            }
            final int first = firstLine(o);
            for (int n = 0, count = lineCount(o); n < count; n++)
            {
                final int line = first + n;
                final long fenced = lineValue(line, L_FENCED);
                if (fenced > 0 && lineValue(line, L_FACTOR) != 0)
                {
                    final long holds = Math.min(fenced, lineHolding(line));
                    lineValue(line, L_FENCED, holds);
                    if (holds > 0)
                    {
                        channels.addHeld(channel(o), lineBalance(line), holds);
                    }
                }
            }
        }
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
        finishedGeneration[tail] = generation(order);
        finishedAt[tail] = now;
        finishedCount++;
    }

    private long forgottenEarly;
    private long forgottenEarlyAge;

    /** Forgets finished orders older than the window, and the oldest beyond the capacity. */
    public void evictFinished(final long now, final long window, final int capacity)
    {
        while (finishedCount > 0)
        {
            final int order = finishedOrder[finishedHead];
            final boolean current = generation(order) == finishedGeneration[finishedHead];
            if (current && now - finishedAt[finishedHead] < window && finishedCount <= capacity)
            {
                return;
            }
            if (current)
            {
                if (now - finishedAt[finishedHead] < window)
                {
                    forgottenEarly++;
                    forgottenEarlyAge = now - finishedAt[finishedHead];
                }
                remove(order);
            }
            finishedHead = (finishedHead + 1) % finishedOrder.length;
            finishedCount--;
        }
    }

    /**
     * Finished orders forgotten inside the window because the capacity was reached: a return or a GET of one, or a
     * retried reservation of its id, answers as if it had never been. Not part of the state (a replica counts its
     * own); the snapshot follower reports it.
     */
    public long forgottenEarly()
    {
        return forgottenEarly;
    }

    /** How long after finishing the last order forgotten early had been kept (engine time, ms). */
    public long forgottenEarlyAge()
    {
        return forgottenEarlyAge;
    }

    public long hash(final long seed)
    {
        long h = StateHash.mix(seed, liveOrders);
        for (int o = 0; o < orderHigh; o++)
        {
            if (status(o) == OrderStatus.NONE)
            {
                continue;
            }
            h = StateHash.mix(h, id(o));
            h = StateHash.mix(h, (int)field(o, O_STATUS_CHANNEL));
            h = StateHash.mix(h, channel(o));
            h = StateHash.mix(h, expiresAt(o));
            h = StateHash.mix(h, fingerprint(o));
            h = StateHash.mix(h, reserveSeq(o));
            h = StateHash.mix(h, lastSeq(o));
            for (int n = 0; n < lineCount(o); n++)
            {
                final int line = firstLine(o) + n;
                for (int f = 0; f < L_PERSISTED; f++)
                {
                    h = StateHash.mix(h, lineValue(line, f));
                }
            }
        }
        // The expiry queue is left out: the live engine and a fold drop the entries no order awaits at moments of
        // their own; the awaited ones follow from the orders' expiry and status, hashed above.
        h = StateHash.mix(h, finishedCount);
        // Which finished orders are kept, in the order they go, and since when: what decides when an id is free
        // again (a restart that forgot them differently once failed to recover). Entries of records reused since
        // are skipped by eviction, so they are left out here too.
        for (int k = 0; k < finishedCount; k++)
        {
            final int slot = (finishedHead + k) % finishedOrder.length;
            final int order = finishedOrder[slot];
            if (generation(order) == finishedGeneration[slot])
            {
                h = StateHash.mix(h, id(order));
                h = StateHash.mix(h, finishedAt[slot]);
            }
        }
        return h;
    }

    /**
     * Field by field over all order records, as the arrays of earlier versions were written: the snapshot format is
     * unchanged by the record layout.
     */
    void write(final DataOutput out) throws IOException
    {
        out.writeInt(orderHigh);
        out.writeInt(freeOrder);
        out.writeInt(liveOrders);
        final SnapshotIO.Block ids = new SnapshotIO.Block(out).putInt(orderHigh);
        for (int o = 0; o < orderHigh; o++)
        {
            writeId(ids, o);
        }
        ids.flush();
        writeOrderInts(out, O_STATUS_CHANNEL, false);
        writeOrderInts(out, O_STATUS_CHANNEL, true);
        writeOrderInts(out, O_LINES, false);
        writeOrderInts(out, O_LINES, true);
        writeOrderInts(out, O_GENERATION_LENGTH, false);
        writeOrderLongs(out, O_EXPIRES_AT);
        writeOrderLongs(out, O_FINGERPRINT);
        writeOrderLongs(out, O_RESERVE_SEQ);
        writeOrderLongs(out, O_LAST_SEQ);
        final SnapshotIO.Block lines = new SnapshotIO.Block(out).putInt(lineHigh);
        for (int line = 0; line < lineHigh; line++)
        {
            for (int f = 0; f < L_PERSISTED; f++)
            {
                lines.putLong(lineValue(line, f));
            }
        }
        lines.flush();
        SnapshotIO.writeInts(out, freeBlock, SIZE_CLASSES);
        expiries.write(out);
        out.writeInt(finishedCount);
        for (int i = 0; i < finishedCount; i++)
        {
            final int at = (finishedHead + i) % finishedOrder.length;
            out.writeInt(finishedOrder[at]);
            out.writeInt(finishedGeneration[at]);
            out.writeLong(finishedAt[at]);
        }
    }

    /**
     * An order's id as {@link SnapshotIO#writeString} writes it (a presence flag, then DataOutput's modified UTF-8:
     * a length and, for the one-byte characters an id holds, each byte as it is, except NUL as two), straight from
     * the record's bytes: no String per order.
     */
    private void writeId(final SnapshotIO.Block ids, final int order) throws IOException
    {
        if (status(order) == OrderStatus.NONE)
        {
            ids.putByte(0);
            return;
        }
        final long[] page = page(order);
        final int base = base(order);
        final int length = idLength(order);
        int encoded = length;
        for (int i = 0; i < length; i++)
        {
            encoded += idByte(page, base, i) == 0 ? 1 : 0;
        }
        ids.putByte(1).putShort(encoded);
        for (int i = 0; i < length; i++)
        {
            final int b = idByte(page, base, i);
            if (b == 0)
            {
                ids.putByte(0xC0).putByte(0x80);
            }
            else
            {
                ids.putByte(b);
            }
        }
    }

    private static int idByte(final long[] page, final int base, final int i)
    {
        return (int)(page[base + O_ID + (i >>> 3)] >>> ((i & 7) << 3)) & 0xFF;
    }

    private void writeOrderInts(final DataOutput out, final int field, final boolean high) throws IOException
    {
        final SnapshotIO.Block block = new SnapshotIO.Block(out).putInt(orderHigh);
        for (int o = 0; o < orderHigh; o++)
        {
            final long value = field(o, field);
            block.putInt(high ? (int)(value >>> 32) : (int)value);
        }
        block.flush();
    }

    private void writeOrderLongs(final DataOutput out, final int field) throws IOException
    {
        final SnapshotIO.Block block = new SnapshotIO.Block(out).putInt(orderHigh);
        for (int o = 0; o < orderHigh; o++)
        {
            block.putLong(field(o, field));
        }
        block.flush();
    }

    void read(final DataInput in) throws IOException
    {
        SnapshotIO.check(orderHigh == 0, "orders must load into an empty book");
        final int high = in.readInt();
        final int free = in.readInt();
        final int live = in.readInt();
        final String[] ids = SnapshotIO.readStrings(in, high);
        final int[] statuses = SnapshotIO.readInts(in, high);
        final int[] channels = SnapshotIO.readInts(in, high);
        final int[] firstLines = SnapshotIO.readInts(in, high);
        final int[] lineCounts = SnapshotIO.readInts(in, high);
        final int[] generations = SnapshotIO.readInts(in, high);
        final long[] expires = SnapshotIO.readLongs(in, high);
        final long[] fingerprints = SnapshotIO.readLongs(in, high);
        final long[] reserveSeqs = SnapshotIO.readLongs(in, high);
        final long[] lastSeqs = SnapshotIO.readLongs(in, high);
        SnapshotIO.check(high >= 0 && live >= 0 && live <= high, "order counts");
        allocateIndex(CharSequenceIntMap.capacityFor(Math.max(16, live)));
        for (int o = 0; o < high; o++)
        {
            ensurePage(o);
            final long[] page = page(o);
            final int base = base(o);
            final boolean inUse = (statuses[o] & ~STATUS_FLAGS) != OrderStatus.NONE;
            SnapshotIO.check(!inUse || (ids[o] != null && storable(ids[o])), "order id of order " + o);
            page[base + O_STATUS_CHANNEL] = pair(statuses[o], channels[o]);
            page[base + O_LINES] = pair(firstLines[o], lineCounts[o]);
            page[base + O_GENERATION_LENGTH] = pair(generations[o], inUse ? ids[o].length() : 0);
            page[base + O_EXPIRES_AT] = expires[o];
            page[base + O_FINGERPRINT] = fingerprints[o];
            page[base + O_RESERVE_SEQ] = reserveSeqs[o];
            page[base + O_LAST_SEQ] = lastSeqs[o];
            if (inUse)
            {
                final int h = CharSequenceIntMap.hash(ids[o]);
                page[base + O_HASH] = h;
                packId(page, base, ids[o]);
                insert(h, o);
            }
        }
        orderHigh = high;
        freeOrder = free;
        liveOrders = live;
        lineHigh = in.readInt();
        final int pages = Math.max(16, ((lineHigh - 1) >>> PAGE_SHIFT) + 1);
        linePages = new long[pages][];
        for (int p = 0; p <= (lineHigh - 1) >>> PAGE_SHIFT && lineHigh > 0; p++)
        {
            linePages[p] = reserve.take(LINE_PAGE_LONGS);
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
        expiries.read(in);
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

    /** A reusable copy of one order's id (ASCII bytes) as a CharSequence. */
    private static final class OrderId implements CharSequence
    {
        private final byte[] bytes = new byte[MAX_ID_LENGTH];
        private int length;

        OrderId copyOf(final long[] page, final int base, final int idLength)
        {
            for (int i = 0; i < idLength; i++)
            {
                bytes[i] = (byte)idByte(page, base, i);
            }
            length = idLength;
            return this;
        }

        @Override
        public int length()
        {
            return length;
        }

        @Override
        public char charAt(final int i)
        {
            if (i < 0 || i >= length)
            {
                throw new IndexOutOfBoundsException(i);
            }
            return (char)bytes[i];
        }

        @Override
        public CharSequence subSequence(final int start, final int end)
        {
            return toString().subSequence(start, end);
        }

        @Override
        public String toString()
        {
            return new String(bytes, 0, length, StandardCharsets.US_ASCII);
        }
    }
}
