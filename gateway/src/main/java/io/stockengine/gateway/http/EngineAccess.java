package io.stockengine.gateway.http;

import io.stockengine.engine.EnginePipeline;

/**
 * What the HTTP side needs from the running engine, available once recovery is done: until then every API request
 * is answered 503 and {@code /health} says the engine is recovering.
 */
public interface EngineAccess
{
    /** The pipeline, or null while the engine is recovering. */
    EnginePipeline pipeline();

    /** Sequence number of the last journaled event. */
    long journaledSeq();

    /** A short description of recovery progress for {@code /health} while it runs. */
    String recoveryProgress();

    /**
     * Asks for a snapshot of everything journaled so far (written by the snapshot follower, off the logic thread).
     *
     * @return the snapshot file once written, or null when the server keeps no snapshots.
     */
    default java.util.concurrent.CompletableFuture<java.nio.file.Path> snapshot()
    {
        return null;
    }
}
