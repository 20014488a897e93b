package io.stockengine.journal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Recovery on two threads: a reader thread copies each excerpt out of the journal and checks it whole (every
 * record's checksum, the sequence), while the recovering thread applies the excerpts checked before it. Reading
 * and checking were a fifth of a replay's time (async-profiler, 10 M balances and 50 M events); the two halves now
 * overlap, on a machine that has nothing else to run until recovery is done.
 * <p>
 * The reader owns the tailer (created, positioned and read on its thread only) and fills a ring of
 * {@link ExcerptScanner}s, each an excerpt's bytes with the outcome of its check. The recovering thread
 * {@link #take}s them in journal order, hands each to {@link JournalReplayer#accept}, which decides what a failed
 * check means (a torn tail, corruption in the middle), and {@link #release}s it. A single producer and a single
 * consumer, so two counters are the whole protocol. The recovering thread spins briefly, then yields, when it
 * waits; the reader, which is ahead (a profile had it waiting three quarters of its time on a full ring), sleeps
 * on a full ring until half of it is free, to leave the core to the threads it would otherwise share it with.
 */
final class ExcerptPipe implements AutoCloseable
{
    private static final int SLOTS = 64;
    private static final int MASK = SLOTS - 1;
    private static final int SPINS = 100;
    /** Half a ring is milliseconds of applying ahead of the reader, so a sleep this short costs it nothing. */
    private static final long PARK_NANOS = 50_000;

    private final ExcerptScanner[] slots = new ExcerptScanner[SLOTS];
    private final SingleChronicleQueue queue;
    private final JournalReplayer replayer;
    private final long fromIndex;
    private final long fromFingerprint;
    private final Thread thread;
    /** Excerpts the reader has filled; an excerpt's slot is published when this passes it. */
    private final AtomicLong filled = new AtomicLong();
    /** Excerpts the recovering thread has released. */
    private final AtomicLong released = new AtomicLong();
    private volatile boolean done;
    private volatile boolean stop;
    private volatile Throwable failure;
    private long taken;

    /**
     * @param replayer  its {@link JournalReplayer#readAndCheck} runs on the reader thread, its
     *                  {@link JournalReplayer#accept} on the caller's; {@code skipTo} too runs on the reader thread.
     * @param fromIndex excerpt index of a snapshot to start after, or -1 for the start of the journal.
     * @param fromFingerprint the snapshot's fingerprint of that excerpt, or -1 when it has none.
     */
    ExcerptPipe(final SingleChronicleQueue queue, final JournalReplayer replayer, final long fromIndex,
        final long fromFingerprint)
    {
        this.queue = queue;
        this.replayer = replayer;
        this.fromIndex = fromIndex;
        this.fromFingerprint = fromFingerprint;
        for (int i = 0; i < SLOTS; i++)
        {
            slots[i] = new ExcerptScanner();
        }
        this.thread = new Thread(this::read, "journal-replay-reader");
        thread.setDaemon(true);
    }

    ExcerptPipe start()
    {
        thread.start();
        return this;
    }

    private void read()
    {
        try (ExcerptTailer tailer = queue.createTailer())
        {
            if (fromIndex >= 0)
            {
                replayer.skipTo(tailer, fromIndex, fromFingerprint);
            }
            long next = 0;
            while (!stop)
            {
                if (next - released.get() == SLOTS)
                {
                    // Full: sleep until half of it is applied, then refill in one go. Waking for every slot freed
                    // (as this did with spins and yields first) took the reader most of a core in yields, which on
                    // two cores is taken from the recovering thread or the page reserve.
                    while (next - released.get() > SLOTS / 2)
                    {
                        if (stop)
                        {
                            return;
                        }
                        LockSupport.parkNanos(PARK_NANOS);
                    }
                }
                if (!replayer.readAndCheck(tailer, slots[(int)next & MASK]))
                {
                    return;
                }
                filled.lazySet(++next);
            }
        }
        catch (final Throwable ex)
        {
            failure = ex;
        }
        finally
        {
            done = true;
        }
    }

    /**
     * The next checked excerpt in journal order, or null at the end of the journal.
     *
     * @throws JournalCorruptedException or any other failure of the reader thread, on this thread.
     */
    ExcerptScanner take()
    {
        int idle = 0;
        while (filled.get() == taken)
        {
            if (done)
            {
                if (filled.get() != taken)
                {
                    break;
                }
                final Throwable ex = failure;
                if (ex instanceof RuntimeException runtime)
                {
                    throw runtime;
                }
                if (ex instanceof Error error)
                {
                    throw error;
                }
                if (ex != null)
                {
                    throw new IllegalStateException("the journal reader failed on " + queue.file() + ": " + ex +
                        " (are the journal's files damaged? journal-tools verify says; restore them from a copy)", ex);
                }
                return null;
            }
            idle = pause(idle);
        }
        return slots[(int)taken & MASK];
    }

    /** Gives the excerpt last taken back to the reader. */
    void release()
    {
        released.lazySet(++taken);
    }

    private static int pause(final int idle)
    {
        if (idle < SPINS)
        {
            Thread.onSpinWait();
        }
        else
        {
            Thread.yield();
        }
        return idle + 1;
    }

    /** Stops the reader (after an exception on the recovering thread, it may still be reading) and waits for it. */
    @Override
    public void close()
    {
        stop = true;
        try
        {
            thread.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
