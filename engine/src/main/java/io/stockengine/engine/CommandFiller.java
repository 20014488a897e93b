package io.stockengine.engine;

/**
 * Fills a reset ring slot on the publishing thread. Implementations should be static and non-capturing so a
 * publish allocates nothing; the argument carries the per-call data.
 */
@FunctionalInterface
public interface CommandFiller<A>
{
    void fill(Command command, A argument);
}
