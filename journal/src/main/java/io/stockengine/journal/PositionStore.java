package io.stockengine.journal;

/**
 * Where a named consumer keeps its {@link ReaderPosition} between runs.
 * <p>
 * {@link FilePositionStore} keeps it in a file: the consumer's own effects and the file are two writes, so after a
 * crash the events since the last commit are delivered again (at least once). A consumer that writes its results
 * to a database implements this interface over that database instead: {@link #store} writes the position in the same
 * transaction as the work done for the events up to it and commits, and {@link #load} reads it back. Then a restart
 * neither repeats nor misses an event; the accounting consumer does this with its postings.
 * <p>
 * Threading: called on the thread that drives the {@link JournalReader}.
 */
public interface PositionStore
{
    /** @return the position last stored, or null when the consumer has never committed. */
    ReaderPosition load();

    /**
     * Makes {@code position} durable, with the consumer's work up to it when the store is transactional; returns only
     * once it is. Throw when it could not be stored: the reader then keeps its previous committed position.
     */
    void store(ReaderPosition position);

    /** A position kept in memory only: what an anonymous reader (a tool) uses, and handy in tests. */
    static PositionStore inMemory()
    {
        return new PositionStore()
        {
            private ReaderPosition position;

            @Override
            public ReaderPosition load()
            {
                return position;
            }

            @Override
            public void store(final ReaderPosition position)
            {
                this.position = position;
            }
        };
    }
}
