package io.stockengine.engine;

/**
 * A journal stage that keeps no events, so only its appending side is its own: {@link JournalStage#NONE}, which
 * appends nothing, and stages that hold, count or fail the appends of a pipeline under test.
 */
public abstract class AppendOnlyJournalStage implements JournalStage
{
    @Override
    public EventSink recorder()
    {
        return NoOpEventSink.INSTANCE;
    }

    @Override
    public void beforeCommand(final Command command)
    {
    }
}
