package io.stockengine.engine;

/**
 * The journal's two sides of the pipeline: a recorder the logic thread emits each command's events into (kept in
 * the slot), and the stage that appends them to durable storage before the reply stage may answer.
 */
public interface JournalStage
{
    /** Discards events: the pipeline before a journal is attached, and benchmarks of the logic alone. */
    JournalStage NONE = new AppendOnlyJournalStage()
    {
        @Override
        public void onCommand(final Command command, final boolean endOfBatch)
        {
        }
    };

    /** The sink the logic thread emits to; it writes into the slot named by {@link #beforeCommand}. */
    EventSink recorder();

    /** Logic thread: the next events belong to this slot. */
    void beforeCommand(Command command);

    /**
     * Journal thread: append the slot's events. At the end of a batch the stage makes everything appended so far
     * as durable as its setting promises, since the reply stage answers these commands next.
     */
    void onCommand(Command command, boolean endOfBatch) throws Exception;
}
