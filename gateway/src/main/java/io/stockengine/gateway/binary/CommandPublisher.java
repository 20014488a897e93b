package io.stockengine.gateway.binary;

import io.stockengine.engine.CommandFiller;
import io.stockengine.engine.EnginePipeline;

/**
 * Where a connection publishes its commands: {@link EnginePipeline#tryPublish} in the server
 * ({@code pipeline::tryPublish}), a synchronous engine in tests that need a deterministic answer on the calling
 * thread.
 */
@FunctionalInterface
public interface CommandPublisher
{
    /**
     * Fills a reset slot with {@code filler} and publishes it, or does nothing when there is no room.
     *
     * @return false when the ring is full (the caller answers OVERLOADED) or the server is stopping
     *         ({@link #stopping()}: UNAVAILABLE); nothing was applied either way.
     */
    <A> boolean tryPublish(CommandFiller<A> filler, A argument);

    /** True once the server stopped taking commands for a graceful stop: a refused publish is not an overload. */
    default boolean stopping()
    {
        return false;
    }
}
