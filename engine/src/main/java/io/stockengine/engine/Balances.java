package io.stockengine.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Every SKU x location balance, struct-of-arrays in paged {@code long[]} blocks (no object per balance, no copy of
 * the whole table when it grows). A balance is created on first use and never removed, so its index is stable and
 * deterministic for a given event stream.
 * <p>
 * Threading: owned by the logic thread.
 */
public final class Balances
{
    public static final int SELLABLE = Bucket.SELLABLE;
    public static final int RESERVED = Bucket.RESERVED;
    public static final int PICKED = Bucket.PICKED;
    public static final int QUALITY_CONTROL = Bucket.QUALITY_CONTROL;
    public static final int DAMAGED = Bucket.DAMAGED;
    public static final int SAFETY_STOCK = 5;
    public static final int INCOMING = 6;
    public static final int IN_TRANSIT = 7;
    /** Units ring-fenced at this balance over all channels and not yet used. */
    public static final int FENCED = 8;
    /** sku << 32 | location. */
    public static final int KEY = 9;
    static final int STRIDE = 10;

    private static final int PAGE_SHIFT = 14;
    private static final int PAGE_RECORDS = 1 << PAGE_SHIFT;
    private static final int PAGE_MASK = PAGE_RECORDS - 1;
    /** Longs in one page of records: what a {@link PageReserve} keeps ready for this table. */
    public static final int PAGE_LONGS = PAGE_RECORDS * STRIDE;
    private static final int READ_BLOCK_RECORDS = 1024;

    /** The index is kept at most this full (of 16ths), so a probe run stays short. */
    private static final int MAX_FILL_SIXTEENTHS = 10;
    private static final long TAG_MASK = 0xFFFF_FFFF_0000_0000L;

    private long[][] pages = new long[16][];
    private int count;
    /**
     * Key to balance, open addressing with linear probing. A slot packs the upper half of the scrambled key (a tag)
     * with the balance's index + 1 in the lower half; 0 is empty. A lookup reads the record only when the tag
     * matches, and the record is what the caller reads next anyway. One long per slot instead of a key and a value:
     * half the memory of a general map, and the slot a key starts at is one plain read, which the read-ahead can
     * issue without waiting for any comparison.
     */
    private long[] index;
    private int indexMask;
    /** Next balance of the same SKU, in location-id order; -1 ends the list. */
    private int[] nextOfSku;
    /** First purchase-order line of the balance, or -1. */
    private int[] firstIncoming;
    /** First balance of each SKU id, or -1. */
    private int[] skuHead = new int[1024];
    /** Set on the live engine only: records SKUs whose availability fields change. */
    private TouchedSkus touched;
    /**
     * The balances of one SKU by location id, filled by {@link #gather} and emptied by {@link #release}: a query over
     * a channel's ten locations then walks the SKU's list once (adjacent records) instead of paying ten random
     * probes into the index, each a cache miss on a catalogue of millions.
     */
    private int[] gathered = new int[16];
    private int gatheredSku = -1;
    /**
     * The last balance found: a command's decision and the fold of its events look up the same balance one after
     * the other. Balances are never removed, so the pair stays true.
     */
    private long lastKey = -1;
    private int lastFound = -1;
    /** Values read only to warm the cache land here, so the compiler cannot drop the reads. */
    private long sink;

    /** Where new pages come from. */
    private final PageReserve reserve;

    public Balances(final int expectedBalances)
    {
        this(expectedBalances, PageReserve.NONE);
    }

    public Balances(final int expectedBalances, final PageReserve reserve)
    {
        this.reserve = reserve;
        index = new long[capacityFor(Math.max(16, expectedBalances))];
        indexMask = index.length - 1;
        nextOfSku = new int[Math.max(16, Math.min(expectedBalances, 1 << 26))];
        firstIncoming = new int[nextOfSku.length];
        Arrays.fill(skuHead, -1);
        Arrays.fill(gathered, -1);
    }

    /**
     * Makes {@link #find} of this SKU a lookup in a small array until {@link #release}. Only for read-only passes:
     * a balance created in between would not be seen.
     */
    public void gather(final int sku)
    {
        release();
        for (int b = firstOfSku(sku); b >= 0; b = nextOfSku[b])
        {
            final int location = location(b);
            if (location >= gathered.length)
            {
                final int old = gathered.length;
                gathered = Arrays.copyOf(gathered, Math.max(location + 1, old * 2));
                Arrays.fill(gathered, old, gathered.length, -1);
            }
            gathered[location] = b;
        }
        gatheredSku = sku;
    }

    public void release()
    {
        if (gatheredSku >= 0)
        {
            for (int b = firstOfSku(gatheredSku); b >= 0; b = nextOfSku[b])
            {
                gathered[location(b)] = -1;
            }
            gatheredSku = -1;
        }
    }

    /**
     * Spreads a key over the index with a bijective mixer (MurmurHash3's finaliser): its lower bits pick the home
     * slot and its upper half is the slot's tag. Our keys put the SKU id in one half and a small location id in the
     * other; hashed with little mixing (as Agrona's map did when it was the index), the locations of neighbouring
     * SKUs landed in overlapping runs of slots, and linear probing walked long clusters on every lookup (a quarter of
     * a replay's time at ten million balances).
     */
    static long scramble(final long key)
    {
        long k = key;
        k ^= k >>> 33;
        k *= 0xFF51AFD7ED558CCDL;
        k ^= k >>> 33;
        k *= 0xC4CEB9FE1A85EC53L;
        k ^= k >>> 33;
        return k;
    }

    /** Slots for this many balances within the fill limit: a power of two. */
    private static int capacityFor(final int balances)
    {
        final long wanted = (long)balances * 16 / MAX_FILL_SIXTEENTHS + 1;
        if (wanted > 1 << 30)
        {
            throw new IllegalStateException("too many balances for one table: " + balances);
        }
        return Integer.highestOneBit((int)wanted - 1) << 1;
    }

    /** The balance stored under the key, or -1. */
    private int lookup(final long key)
    {
        final long h = scramble(key);
        final long tag = h & TAG_MASK;
        int i = (int)h & indexMask;
        long slot;
        while ((slot = index[i]) != 0)
        {
            if ((slot & TAG_MASK) == tag)
            {
                final int b = (int)slot - 1;
                if (get(b, KEY) == key)
                {
                    return b;
                }
            }
            i = (i + 1) & indexMask;
        }
        return -1;
    }

    /** Indexes a new balance: its record already holds the key, and it is counted, but the index has not seen it. */
    private void insert(final long key, final int b)
    {
        if ((long)count * 16 > (long)index.length * MAX_FILL_SIXTEENTHS)
        {
            rehash(index.length * 2);
        }
        else
        {
            place(key, b);
        }
    }

    private void place(final long key, final int b)
    {
        final long h = scramble(key);
        int i = (int)h & indexMask;
        while (index[i] != 0)
        {
            i = (i + 1) & indexMask;
        }
        index[i] = (h & TAG_MASK) | (b + 1L);
    }

    /** Places every balance anew in a table of this size: the new one included, which is why it is counted first. */
    private void rehash(final int capacity)
    {
        if (capacity <= 0)
        {
            throw new IllegalStateException("too many balances for one table: " + count);
        }
        index = new long[capacity];
        indexMask = capacity - 1;
        for (int b = 0; b < count; b++)
        {
            place(get(b, KEY), b);
        }
    }

    public static long key(final int sku, final int location)
    {
        return ((long)sku << 32) | (location & 0xFFFF_FFFFL);
    }

    public int count()
    {
        return count;
    }

    /** @return the balance's index or -1 when the SKU was never at the location. */
    public int find(final int sku, final int location)
    {
        if (sku < 0 || location < 0)
        {
            return -1;
        }
        if (sku == gatheredSku)
        {
            return location < gathered.length ? gathered[location] : -1;
        }
        final long key = key(sku, location);
        if (key == lastKey)
        {
            return lastFound;
        }
        final int b = lookup(key);
        if (b >= 0)
        {
            lastKey = key;
            lastFound = b;
        }
        return b;
    }

    /**
     * For cache warming: reads the index slot a lookup of the key starts at and returns the balance there, without
     * comparing keys (a hint: usually the balance, since the index is at most 5/8 full; -1 when the slot is empty).
     * One plain read, so the read-ahead issues many of them together.
     */
    int candidate(final int sku, final int location)
    {
        if (sku < 0 || location < 0)
        {
            return -1;
        }
        return (int)index[(int)scramble(key(sku, location)) & indexMask] - 1;
    }

    /** Reads both cache lines an 80-byte record can straddle; a hint for {@link Prefetcher}. */
    long touch(final int b)
    {
        final long[] page = pages[b >>> PAGE_SHIFT];
        final int base = (b & PAGE_MASK) * STRIDE;
        return page[base] + page[base + STRIDE - 1];
    }

    /** The SKU's first balance (its list head), read for cache warming. */
    int touchHead(final int sku)
    {
        return sku >= 0 && sku < skuHead.length ? skuHead[sku] : -1;
    }

    public int findOrCreate(final int sku, final int location)
    {
        final long key = key(sku, location);
        final int existing = lookup(key);
        if (existing >= 0)
        {
            return existing;
        }
        final int b = count++;
        final int page = b >>> PAGE_SHIFT;
        if (page == pages.length)
        {
            pages = Arrays.copyOf(pages, page * 2);
        }
        if (pages[page] == null)
        {
            pages[page] = reserve.take(PAGE_LONGS);
        }
        if (b == nextOfSku.length)
        {
            nextOfSku = Arrays.copyOf(nextOfSku, b * 2);
            firstIncoming = Arrays.copyOf(firstIncoming, b * 2);
        }
        set(b, KEY, key);
        firstIncoming[b] = -1;
        insert(key, b);
        linkIntoSku(b, sku, location);
        return b;
    }

    private void linkIntoSku(final int b, final int sku, final int location)
    {
        if (sku >= skuHead.length)
        {
            final int old = skuHead.length;
            skuHead = Arrays.copyOf(skuHead, Math.max(sku + 1, old * 2));
            Arrays.fill(skuHead, old, skuHead.length, -1);
        }
        int previous = -1;
        int current = skuHead[sku];
        while (current >= 0 && location(current) < location)
        {
            previous = current;
            current = nextOfSku[current];
        }
        nextOfSku[b] = current;
        if (previous < 0)
        {
            skuHead[sku] = b;
        }
        else
        {
            nextOfSku[previous] = b;
        }
    }

    public int firstOfSku(final int sku)
    {
        return sku >= 0 && sku < skuHead.length ? skuHead[sku] : -1;
    }

    public int nextOfSku(final int b)
    {
        return nextOfSku[b];
    }

    public int firstIncoming(final int b)
    {
        return firstIncoming[b];
    }

    public void firstIncoming(final int b, final int line)
    {
        firstIncoming[b] = line;
    }

    public long get(final int b, final int field)
    {
        return pages[b >>> PAGE_SHIFT][(b & PAGE_MASK) * STRIDE + field];
    }

    public void set(final int b, final int field, final long value)
    {
        pages[b >>> PAGE_SHIFT][(b & PAGE_MASK) * STRIDE + field] = value;
        track(b, field);
    }

    public void add(final int b, final int field, final long delta)
    {
        pages[b >>> PAGE_SHIFT][(b & PAGE_MASK) * STRIDE + field] += delta;
        track(b, field);
    }

    private void track(final int b, final int field)
    {
        if (touched != null && touched.enabled &&
            (field == SELLABLE || field == SAFETY_STOCK || field == FENCED || field == INCOMING))
        {
            touched.touch(sku(b));
        }
    }

    void tracker(final TouchedSkus tracker)
    {
        this.touched = tracker;
    }

    public int sku(final int b)
    {
        return (int)(get(b, KEY) >>> 32);
    }

    public int location(final int b)
    {
        return (int)get(b, KEY);
    }

    public long onHand(final int b)
    {
        final long[] page = pages[b >>> PAGE_SHIFT];
        final int base = (b & PAGE_MASK) * STRIDE;
        return page[base + SELLABLE] + page[base + RESERVED] + page[base + PICKED] + page[base + QUALITY_CONTROL] +
            page[base + DAMAGED];
    }

    /** max(0, sellable - safety stock): what any channel could sell before buffers and ring-fences. */
    public long available(final int b)
    {
        final long[] page = pages[b >>> PAGE_SHIFT];
        final int base = (b & PAGE_MASK) * STRIDE;
        return Math.max(0, page[base + SELLABLE] - page[base + SAFETY_STOCK]);
    }

    public long hash(final long seed)
    {
        long h = seed;
        for (int b = 0; b < count; b++)
        {
            for (int f = 0; f < STRIDE; f++)
            {
                h = StateHash.mix(h, get(b, f));
            }
            h = StateHash.mix(h, nextOfSku[b]);
        }
        return h;
    }

    void write(final DataOutput out) throws IOException
    {
        final SnapshotIO.Block block = new SnapshotIO.Block(out).putInt(count);
        for (int b = 0; b < count; b++)
        {
            final long[] page = pages[b >>> PAGE_SHIFT];
            final int base = (b & PAGE_MASK) * STRIDE;
            for (int f = 0; f < STRIDE; f++)
            {
                block.putLong(page[base + f]);
            }
            block.putInt(nextOfSku[b]).putInt(firstIncoming[b]);
        }
        block.flush();
        SnapshotIO.writeInts(out, skuHead, skuHead.length);
    }

    void read(final DataInput in) throws IOException
    {
        final int n = in.readInt();
        SnapshotIO.check(count == 0, "balances must load into an empty table");
        SnapshotIO.check(n >= 0, "balance count");
        if (capacityFor(n) > index.length)
        {
            // Sized for the snapshot at once: growing by doubling re-places every balance at each step, a cache
            // miss each, and a server whose settings expect a small catalogue would do that ten times over.
            rehash(capacityFor(n));
        }
        if (n > nextOfSku.length)
        {
            nextOfSku = Arrays.copyOf(nextOfSku, n);
            firstIncoming = Arrays.copyOf(firstIncoming, n);
        }
        // Whole blocks of records at a time: DataInput's per-field calls made loading ten million balances take
        // several seconds of a restart.
        final int recordBytes = STRIDE * Long.BYTES + 2 * Integer.BYTES;
        final byte[] block = new byte[READ_BLOCK_RECORDS * recordBytes];
        final ByteBuffer buffer = ByteBuffer.wrap(block);
        for (int first = 0; first < n; first += READ_BLOCK_RECORDS)
        {
            final int records = Math.min(READ_BLOCK_RECORDS, n - first);
            in.readFully(block, 0, records * recordBytes);
            // Each balance lands in a random slot of an index of tens of megabytes: reading the block's slots first,
            // with no load waiting on another, keeps their misses in flight together instead of one after another.
            long warmed = 0;
            for (int r = 0; r < records; r++)
            {
                warmed += index[(int)scramble(buffer.getLong(r * recordBytes + KEY * Long.BYTES)) & indexMask];
            }
            sink += warmed;
            for (int r = 0; r < records; r++)
            {
                final int b = first + r;
                final int at = r * recordBytes;
                final long key = buffer.getLong(at + KEY * Long.BYTES);
                SnapshotIO.check(findOrCreateRaw(key) == b, "balance order");
                final long[] page = pages[b >>> PAGE_SHIFT];
                final int base = (b & PAGE_MASK) * STRIDE;
                for (int f = 0; f < STRIDE; f++)
                {
                    page[base + f] = buffer.getLong(at + f * Long.BYTES);
                }
                nextOfSku[b] = buffer.getInt(at + STRIDE * Long.BYTES);
                firstIncoming[b] = buffer.getInt(at + STRIDE * Long.BYTES + Integer.BYTES);
            }
        }
        skuHead = SnapshotIO.readInts(in, 0);
    }

    /** Creates the record for a key without linking it (the snapshot restores the links). */
    private int findOrCreateRaw(final long key)
    {
        final int b = count++;
        final int page = b >>> PAGE_SHIFT;
        if (page >= pages.length)
        {
            pages = Arrays.copyOf(pages, Math.max(page + 1, pages.length * 2));
        }
        if (pages[page] == null)
        {
            pages[page] = reserve.take(PAGE_LONGS);
        }
        if (b >= nextOfSku.length)
        {
            nextOfSku = Arrays.copyOf(nextOfSku, Math.max(b + 1, nextOfSku.length * 2));
            firstIncoming = Arrays.copyOf(firstIncoming, nextOfSku.length);
        }
        pages[page][(b & PAGE_MASK) * STRIDE + KEY] = key;
        insert(key, b);
        return b;
    }
}
