package io.stockengine.engine;

import java.util.function.LongSupplier;

/**
 * Settings of the Disruptor pipeline. {@link #conclude()} validates them once.
 */
public final class PipelineConfig
{
    private int ringSize = 1 << 16;
    private String waitStrategy = WaitStrategies.DEFAULT;
    private long tickIntervalMillis = 50;
    private boolean replyOnJournalThread = true;
    private boolean journalOnLogicThread;
    private LongSupplier clock = System::currentTimeMillis;

    /** Slots in the ring, a power of two: how many commands may be in flight before publishers see "overloaded". */
    public PipelineConfig ringSize(final int size)
    {
        this.ringSize = size;
        return this;
    }

    public int ringSize()
    {
        return ringSize;
    }

    public PipelineConfig waitStrategy(final String name)
    {
        this.waitStrategy = name;
        return this;
    }

    public String waitStrategy()
    {
        return waitStrategy;
    }

    /**
     * Whether the journal thread also answers (true, the default) or a reply thread of its own does. Sharing saves a
     * thread hand-off per batch and one thread competing for the cores, which wins on small machines; a reply thread
     * of its own lets the journal append the next batch while this one is answered, for machines with cores to spare.
     */
    public PipelineConfig replyOnJournalThread(final boolean shared)
    {
        this.replyOnJournalThread = shared;
        return this;
    }

    public boolean replyOnJournalThread()
    {
        return replyOnJournalThread;
    }

    /**
     * Whether the logic thread also journals and answers each batch (true), or hands it to the journal thread
     * (false, the default). One thread that runs every command to completion has no hand-off between threads and
     * leaves the other core to the publishers (the IO threads), which is what keeps a two-core machine's latency
     * tail short at moderate rates; two threads overlap the logic of one batch with the journaling of the one
     * before, which is what carries the most commands a second. Implies the reply on that thread too.
     */
    public PipelineConfig journalOnLogicThread(final boolean onLogicThread)
    {
        this.journalOnLogicThread = onLogicThread;
        return this;
    }

    public boolean journalOnLogicThread()
    {
        return journalOnLogicThread;
    }

    /** How often a clock tick moves engine time on when there is no other traffic (drives expiry); 0 = never. */
    public PipelineConfig tickIntervalMillis(final long millis)
    {
        this.tickIntervalMillis = millis;
        return this;
    }

    public long tickIntervalMillis()
    {
        return tickIntervalMillis;
    }

    /** Stamps commands as they enter the ring (epoch ms). Tests drive time through it. */
    public PipelineConfig clock(final LongSupplier clock)
    {
        this.clock = clock;
        return this;
    }

    public LongSupplier clock()
    {
        return clock;
    }

    public PipelineConfig conclude()
    {
        if (ringSize < 2 || Integer.bitCount(ringSize) != 1)
        {
            throw new IllegalArgumentException("ring size must be a power of two of at least 2: " + ringSize);
        }
        if (tickIntervalMillis < 0)
        {
            throw new IllegalArgumentException("tick interval must not be negative: " + tickIntervalMillis);
        }
        WaitStrategies.create(waitStrategy);
        if (journalOnLogicThread && !replyOnJournalThread)
        {
            throw new IllegalArgumentException("with the journal on the logic thread the replies are answered there " +
                "too: a reply thread of its own would add the hand-off this arrangement is for removing");
        }
        return this;
    }
}
