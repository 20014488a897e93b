package io.stockengine.journal;

/**
 * Where a consumer of the journal is: the last event it has fully processed and the excerpt that holds it. The
 * excerpt index takes a restart straight to the right place (Chronicle moves to an index without scanning); the seq
 * makes the resume exact inside that excerpt, which holds a whole group commit of many events.
 *
 * @param seq   the last event processed, 0 for none.
 * @param index the Chronicle index of the excerpt holding {@code seq}, -1 for none (the start of the journal). A
 *              position made by {@link JournalReader}'s start from a seq may name the excerpt that holds
 *              {@code seq + 1} instead; resuming treats both alike.
 */
public record ReaderPosition(long seq, long index)
{
    /** Nothing processed yet: reading starts at the first excerpt the journal holds. */
    public static final ReaderPosition BEGINNING = new ReaderPosition(0, -1);

    public ReaderPosition
    {
        if (seq < 0 || index < -1 || (index == -1 && seq != 0))
        {
            throw new IllegalArgumentException("not a journal position: seq " + seq + ", index " + index);
        }
    }

    public boolean isBeginning()
    {
        return index < 0;
    }

    @Override
    public String toString()
    {
        return isBeginning() ? "the beginning" : "seq " + seq + " in excerpt 0x" + Long.toHexString(index);
    }
}
