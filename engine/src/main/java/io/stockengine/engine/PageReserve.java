package io.stockengine.engine;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Zeroed {@code long[]} pages of the state's fixed page sizes (balances, orders, order lines), allocated ahead on a
 * thread of its own, so the thread that grows the state takes one ready instead of allocating it.
 * <p>
 * Why: a fresh page of a megabyte is zeroed by the thread that allocates it, and on this kind of VM the first touch
 * of a memory page costs the kernel microseconds (about 3.5 us a 4 KiB page measured here): a megabyte is a
 * millisecond. Loading a catalogue of ten million balances allocates six hundred balance pages, which is most of a
 * replay's page faults, and the logic thread used to stall for that millisecond whenever a new page of balances or
 * orders was needed. With a reserve the other core pays it, in recovery while the logic thread replays, and live
 * while it decides.
 * <p>
 * Threading: any number of threads may {@link #take}; each page is handed out once (an atomic swap per slot). The
 * filler parks when every slot is full and is woken by a take that emptied one. Taking never waits: an empty slot
 * means the caller allocates as before.
 */
public final class PageReserve implements AutoCloseable
{
    /** A reserve that keeps nothing: {@link #take} always allocates on the calling thread. */
    public static final PageReserve NONE = new PageReserve(0);

    private final int[] lengths;
    private final int depth;
    /** Slot {@code i * depth + d} holds a page of {@code lengths[i]} longs, or null. */
    private final AtomicReferenceArray<long[]> spares;
    private final Thread filler;
    private volatile boolean running = true;

    /**
     * @param depth pages kept ready of each length.
     * @param lengths the page lengths, in longs.
     */
    public PageReserve(final int depth, final int... lengths)
    {
        if (depth < 0)
        {
            throw new IllegalArgumentException("depth must not be negative: " + depth);
        }
        this.depth = depth;
        this.lengths = lengths.clone();
        for (final int length : this.lengths)
        {
            if (length <= 0)
            {
                throw new IllegalArgumentException("page lengths must be positive: " + length);
            }
        }
        spares = new AtomicReferenceArray<>(depth * this.lengths.length);
        filler = spares.length() == 0 ? null : new Thread(this::fill, "page-reserve");
        if (filler != null)
        {
            filler.setDaemon(true);
        }
    }

    /** The page lengths of the engine's state, in longs: what {@link #forState} keeps ready. */
    public static int[] stateLengths()
    {
        return new int[] { Balances.PAGE_LONGS, OrderBook.ORDER_PAGE_LONGS, OrderBook.LINE_PAGE_LONGS };
    }

    /** A reserve of two pages of every page size of the state, not yet started. */
    public static PageReserve forState()
    {
        return new PageReserve(2, stateLengths());
    }

    public PageReserve start()
    {
        if (filler != null)
        {
            filler.start();
        }
        return this;
    }

    /** A zeroed page of {@code length} longs: a ready one if the reserve has it, else allocated here. */
    public long[] take(final int length)
    {
        for (int i = 0; i < lengths.length; i++)
        {
            if (lengths[i] == length)
            {
                for (int slot = i * depth; slot < (i + 1) * depth; slot++)
                {
                    if (spares.get(slot) != null)
                    {
                        final long[] page = spares.getAndSet(slot, null);
                        if (page != null)
                        {
                            LockSupport.unpark(filler);
                            return page;
                        }
                    }
                }
                break;
            }
        }
        return new long[length];
    }

    /** Pages ready now (for tests and metrics). */
    public int ready()
    {
        int ready = 0;
        for (int slot = 0; slot < spares.length(); slot++)
        {
            if (spares.get(slot) != null)
            {
                ready++;
            }
        }
        return ready;
    }

    private void fill()
    {
        while (running)
        {
            for (int slot = 0; slot < spares.length() && running; slot++)
            {
                if (spares.get(slot) == null)
                {
                    // The volatile store publishes the array with its zeroes: a taker sees a whole page.
                    spares.set(slot, new long[lengths[slot / depth]]);
                }
            }
            LockSupport.park(this);
        }
    }

    /** Stops the filler; later takes allocate on the calling thread once the ready pages are gone. */
    @Override
    public void close()
    {
        running = false;
        if (filler != null && filler.isAlive())
        {
            LockSupport.unpark(filler);
            try
            {
                filler.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
