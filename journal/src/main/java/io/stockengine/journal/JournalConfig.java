package io.stockengine.journal;

import java.nio.file.Path;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;

/**
 * Settings of the journal and snapshots. {@link #conclude()} validates them once.
 */
public final class JournalConfig
{
    private Path dataDir = Path.of("data");
    private Durability durability = Durability.PROCESS;
    private String rollCycle = "LARGE_DAILY";
    private int maxExcerptBytes = 1 << 20;
    private long snapshotEveryEvents = 50_000_000L;
    private long snapshotEveryMillis = 10 * 60_000L;
    private int snapshotsKept = 2;
    private boolean snapshots = true;

    public JournalConfig dataDir(final Path dir)
    {
        this.dataDir = dir;
        return this;
    }

    public Path dataDir()
    {
        return dataDir;
    }

    public Path journalDir()
    {
        return dataDir.resolve("journal");
    }

    public Path snapshotDir()
    {
        return dataDir.resolve("snapshots");
    }

    public Path consumerDir()
    {
        return dataDir.resolve("consumers");
    }

    public JournalConfig durability(final Durability durability)
    {
        this.durability = durability;
        return this;
    }

    public Durability durability()
    {
        return durability;
    }

    /** A Chronicle roll cycle by name (e.g. LARGE_DAILY, FAST_HOURLY); one file per cycle. */
    public JournalConfig rollCycle(final String name)
    {
        this.rollCycle = name;
        return this;
    }

    public String rollCycleName()
    {
        return rollCycle;
    }

    public RollCycle rollCycle()
    {
        return parseRollCycle(rollCycle);
    }

    /**
     * The one cycle refused: its weeks begin at an epoch of their own (Sunday, where every other cycle counts from
     * 1970-01-01), and the journal written with it could not be read back, by the engine's restart or by the tools
     * (a tester's acknowledged receipt was lost to both).
     */
    private static final String UNSUPPORTED = RollCycles.WEEKLY.name();

    static RollCycle parseRollCycle(final String name)
    {
        if (UNSUPPORTED.equals(name))
        {
            throw new IllegalArgumentException("roll cycle " + name + " is not supported: its files could not be " +
                "read back after a restart. Use a daily cycle (LARGE_DAILY, the default, or FAST_DAILY, " +
                "XLARGE_DAILY, HUGE_DAILY) or a shorter one");
        }
        for (final RollCycles cycle : RollCycles.values())
        {
            if (cycle.name().equals(name))
            {
                return cycle;
            }
        }
        for (final LargeRollCycles cycle : LargeRollCycles.values())
        {
            if (cycle.name().equals(name))
            {
                return cycle;
            }
        }
        final java.util.StringJoiner known = new java.util.StringJoiner(", ");
        for (final RollCycles cycle : RollCycles.values())
        {
            if (!UNSUPPORTED.equals(cycle.name()))
            {
                known.add(cycle.name());
            }
        }
        for (final LargeRollCycles cycle : LargeRollCycles.values())
        {
            known.add(cycle.name());
        }
        throw new IllegalArgumentException("unknown roll cycle '" + name + "' (names are upper case): one of " + known);
    }

    /** An excerpt (one group commit) is closed early when it grows past this. */
    public JournalConfig maxExcerptBytes(final int bytes)
    {
        this.maxExcerptBytes = bytes;
        return this;
    }

    public int maxExcerptBytes()
    {
        return maxExcerptBytes;
    }

    public JournalConfig snapshotEveryEvents(final long events)
    {
        this.snapshotEveryEvents = events;
        return this;
    }

    public long snapshotEveryEvents()
    {
        return snapshotEveryEvents;
    }

    public JournalConfig snapshotEveryMillis(final long millis)
    {
        this.snapshotEveryMillis = millis;
        return this;
    }

    public long snapshotEveryMillis()
    {
        return snapshotEveryMillis;
    }

    public JournalConfig snapshotsKept(final int count)
    {
        this.snapshotsKept = count;
        return this;
    }

    public int snapshotsKept()
    {
        return snapshotsKept;
    }

    /** Whether a follower keeps a replica and writes snapshots (periodic, on request and on a clean stop). */
    public JournalConfig snapshots(final boolean enabled)
    {
        this.snapshots = enabled;
        return this;
    }

    public boolean snapshots()
    {
        return snapshots;
    }

    public JournalConfig conclude()
    {
        parseRollCycle(rollCycle);
        if (maxExcerptBytes < 4096)
        {
            throw new IllegalArgumentException("maxExcerptBytes must be at least 4096: " + maxExcerptBytes);
        }
        if (snapshotsKept < 1)
        {
            throw new IllegalArgumentException("snapshotsKept must be at least 1");
        }
        return this;
    }
}
