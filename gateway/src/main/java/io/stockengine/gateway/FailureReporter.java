package io.stockengine.gateway;

import java.util.function.Consumer;

import io.stockengine.engine.EnginePipeline;

/**
 * Says in the log what the engine's threads only record (they must not log): a journal that failed, once (from
 * then on every command is refused and /health is DOWN), new internal errors with the last one's cause, and
 * connections refused past the limit (a health check among them looks like a dead server from outside). A journal
 * that failed is also passed on once to whoever must act on it (the availability streams are ended).
 * <p>
 * Threading: run periodically on one thread; the pipeline's counters may be read from any.
 */
final class FailureReporter implements Runnable
{
    /** Refused connections are reported at most this often, so a flood of them makes a line a minute. */
    static final long REJECTIONS_EVERY_NANOS = 60_000_000_000L;

    private final EnginePipeline pipeline;
    private final GatewayMetrics metrics;
    private final int maxConnections;
    private final Consumer<String> log;
    private final Runnable onJournalFailure;
    private boolean journalFailureReported;
    private long internalErrorsReported;
    private long rejectionsReported;
    private long rejectionsReportedAt;

    FailureReporter(final EnginePipeline pipeline, final GatewayMetrics metrics, final int maxConnections,
        final Consumer<String> log, final Runnable onJournalFailure)
    {
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.maxConnections = maxConnections;
        this.log = log;
        this.onJournalFailure = onJournalFailure;
    }

    @Override
    public void run()
    {
        if (pipeline.journalFailed() && !journalFailureReported)
        {
            journalFailureReported = true;
            log.accept("journal FAILED: " + describe(pipeline.journalError()) + ". Every command is refused from now " +
                "on (503 UNAVAILABLE; binary code 8) and /health is DOWN; stop the server, fix the cause and start " +
                "it again: recovery replays every acknowledged event");
            onJournalFailure.run();
        }
        final long errors = pipeline.internalErrors();
        if (errors > internalErrorsReported)
        {
            log.accept("internal errors: " + (errors - internalErrorsReported) + " more (" + errors + " in all), " +
                "the last: " + describe(pipeline.lastError()));
            internalErrorsReported = errors;
        }
        final long rejected = metrics.rejectedConnections.get();
        final long now = System.nanoTime();
        if (rejected > rejectionsReported &&
            (rejectionsReported == 0 || now - rejectionsReportedAt >= REJECTIONS_EVERY_NANOS))
        {
            log.accept("connections refused: " + (rejected - rejectionsReported) + " more (" + rejected + " in all), " +
                "past --max-connections " + maxConnections + " (HTTP and binary together; open now: " +
                metrics.openConnections.get() + "); a health check refused looks like a dead server: raise the " +
                "limit or find the client that holds them");
            rejectionsReported = rejected;
            rejectionsReportedAt = now;
        }
    }

    static String describe(final Throwable error)
    {
        final String described = describeChain(error);
        // A write into the journal's memory-mapped file that faulted (SIGBUS) says nothing of why: on a full disk the
        // page had no block to go to.
        return hasMappedFault(error) ? described + " (a write to the journal's memory-mapped file faulted: most " +
            "often the disk is full; check its free space)" : described;
    }

    private static boolean hasMappedFault(final Throwable error)
    {
        Throwable t = error;
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause())
        {
            if (t instanceof InternalError && String.valueOf(t.getMessage()).contains("unsafe memory access"))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The journal's and the disk's own errors are sentences already (which file, and why): said without their class
     * names, which tell an operator nothing. Anything else is a defect, where the class is the first clue.
     */
    private static String sentence(final Throwable t)
    {
        if (t instanceof java.io.IOException failed)
        {
            return io.stockengine.journal.FileErrors.describe(failed);
        }
        if (t instanceof java.io.UncheckedIOException unchecked && (t.getMessage() == null ||
            t.getMessage().equals(String.valueOf(t.getCause()))))
        {
            // Made from its cause alone: the cause's sentence is the one to say.
            return io.stockengine.journal.FileErrors.describe(unchecked.getCause());
        }
        if ((t instanceof java.io.UncheckedIOException || t instanceof IllegalStateException) && t.getMessage() != null)
        {
            return t.getMessage();
        }
        return String.valueOf(t);
    }

    private static String describeChain(final Throwable error)
    {
        if (error == null)
        {
            return "no cause recorded";
        }
        String said = sentence(error);
        final StringBuilder text = new StringBuilder(said);
        // A few causes say why; a chain that loops back on itself must not keep an event loop here.
        Throwable cause = error.getCause();
        for (int depth = 0; cause != null && cause != error && depth < 8; depth++, cause = cause.getCause())
        {
            // A wrapper that repeats its cause's sentence adds nothing but length to the operator's line.
            final String sentence = sentence(cause);
            if (!sentence.equals(said) && !said.endsWith(sentence))
            {
                text.append(", caused by ").append(sentence);
            }
            said = sentence;
        }
        return text.toString();
    }
}
