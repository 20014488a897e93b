package io.stockengine.gateway.binary;

import java.util.ArrayDeque;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandCallback;
import io.stockengine.engine.CommandFiller;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.NoOpEventSink;
import io.stockengine.engine.ResultCode;
import io.stockengine.engine.StockEngine;

/**
 * The engine pipeline collapsed onto the calling thread: fill, process, answer, as the ring's three stages would,
 * so an {@code EmbeddedChannel} test sees real engine answers deterministically. It can also hold commands
 * (published, not yet answered) to test in-flight limits, and refuse them to test OVERLOADED.
 */
final class SyncPublisher implements CommandPublisher
{
    final StockEngine engine = new StockEngine(new EngineConfig(), NoOpEventSink.INSTANCE);
    private final Command slot = new Command();
    private final ArrayDeque<Command> held = new ArrayDeque<>();
    long clock = 1_700_000_000_000L;
    boolean hold;
    boolean full;
    int published;
    int internalErrors;
    Throwable lastError;

    @Override
    public <A> boolean tryPublish(final CommandFiller<A> filler, final A argument)
    {
        if (full)
        {
            return false;
        }
        final Command command = hold ? new Command() : slot;
        command.reset();
        filler.fill(command, argument);
        command.timestamp = clock;
        if (command.correlationId == 0)
        {
            command.correlationId = published + 1;
        }
        published++;
        if (hold)
        {
            held.add(command);
        }
        else
        {
            complete(command);
        }
        return true;
    }

    int heldCount()
    {
        return held.size();
    }

    /** Answers every held command, in the order published. */
    void release()
    {
        while (!held.isEmpty())
        {
            complete(held.poll());
        }
    }

    private void complete(final Command command)
    {
        try
        {
            engine.process(command);
        }
        catch (final RuntimeException ex)
        {
            // As the pipeline's logic handler: a defect becomes an INTERNAL_ERROR answer, and the test sees it.
            command.result = ResultCode.INTERNAL_ERROR;
            internalErrors++;
            lastError = ex;
        }
        final CommandCallback callback = command.callback;
        if (callback != null)
        {
            callback.onComplete(command);
        }
        command.releaseReferences();
    }
}
