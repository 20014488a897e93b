package io.stockengine.gateway;

import java.util.function.Consumer;

import io.stockengine.engine.EnginePipeline;

/**
 * Says in the log what the engine's threads only record (they must not log): a journal that failed, once (from
 * then on every command is refused and /health is DOWN), and new internal errors with the last one's cause.
 * <p>
 * Threading: run periodically on one thread; the pipeline's counters may be read from any.
 */
final class FailureReporter implements Runnable
{
    private final EnginePipeline pipeline;
    private final Consumer<String> log;
    private boolean journalFailureReported;
    private long internalErrorsReported;

    FailureReporter(final EnginePipeline pipeline, final Consumer<String> log)
    {
        this.pipeline = pipeline;
        this.log = log;
    }

    @Override
    public void run()
    {
        if (pipeline.journalFailed() && !journalFailureReported)
        {
            journalFailureReported = true;
            log.accept("journal FAILED: " + describe(pipeline.journalError()) + ". Every command is refused from now " +
                "on (500) and /health is DOWN; stop the server, fix the cause and start it again: recovery replays " +
                "every acknowledged event");
        }
        final long errors = pipeline.internalErrors();
        if (errors > internalErrorsReported)
        {
            log.accept("internal errors: " + (errors - internalErrorsReported) + " more (" + errors + " in all), " +
                "the last: " + describe(pipeline.lastError()));
            internalErrorsReported = errors;
        }
    }

    static String describe(final Throwable error)
    {
        if (error == null)
        {
            return "no cause recorded";
        }
        final StringBuilder text = new StringBuilder(String.valueOf(error));
        // A few causes say why; a chain that loops back on itself must not keep an event loop here.
        Throwable cause = error.getCause();
        String said = error.getMessage();
        for (int depth = 0; cause != null && cause != error && depth < 8; depth++, cause = cause.getCause())
        {
            // A wrapper that repeats its cause's sentence adds nothing but length to the operator's line.
            if (cause.getMessage() == null || !cause.getMessage().equals(said))
            {
                text.append(", caused by ").append(cause);
            }
            said = cause.getMessage();
        }
        return text.toString();
    }
}
