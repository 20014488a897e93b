package io.stockengine.journal;

/**
 * What an acknowledgement promises.
 */
public enum Durability
{
    /** Appended to the memory-mapped journal: survives a killed process, not a power cut. */
    PROCESS,
    /**
     * Also flushed to the disk (fdatasync of the journal file) at the end of every batch before anyone is answered:
     * survives a power cut.
     */
    SYNC;

    public static Durability parse(final String name)
    {
        for (final Durability d : values())
        {
            if (d.name().equalsIgnoreCase(name))
            {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown durability '" + name + "': use process or sync");
    }
}
