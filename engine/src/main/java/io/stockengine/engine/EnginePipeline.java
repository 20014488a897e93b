package io.stockengine.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventTranslatorTwoArg;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import org.agrona.ExpandableArrayBuffer;

/**
 * The Disruptor pipeline: pre-allocated {@link Command} slots flow through the logic handler (one thread, owning
 * all state), the journal stage, then the reply stage that completes the caller. By default the journal and reply
 * stages share a thread: the reply stage answers a batch right after the journal's group commit of it (see
 * {@link PipelineConfig#replyOnJournalThread}). Publishers never block: a full ring is answered "overloaded" at
 * once.
 * <p>
 * Threading: {@link #tryPublish} and {@link #submit} may be called from any thread.
 */
public final class EnginePipeline implements AutoCloseable
{
    private final PipelineConfig config;
    private final StockEngine engine;
    /**
     * Rows the query answers of one batch may hold in all (about 4 MB): ten availability answers of 10,000 rows, or
     * thousands of small ones; a query past it is answered OVERLOADED, nothing applied.
     */
    public static final long BATCH_ROW_BUDGET = 100_000;
    private final JournalStage journal;
    private final Disruptor<Command> disruptor;
    private final RingBuffer<Command> ring;
    private final AtomicLong internalErrors = new AtomicLong();
    private final AtomicLong replyErrors = new AtomicLong();
    private final AtomicLong overloads = new AtomicLong();
    private final EventTranslatorTwoArg<Command, CommandFiller<Object>, Object> translator;
    private volatile CommandCallback replyObserver;
    private volatile boolean journalFailed;
    /** Why the journal failed, kept apart from {@link #lastError}, which later errors overwrite. */
    private volatile Throwable journalError;
    private volatile Throwable lastError;
    private Thread ticker;
    private volatile boolean running;
    private volatile boolean accepting = true;
    /** The stage threads the Disruptor started, joined by {@link #close}. */
    private final java.util.List<Thread> stageThreads = new java.util.concurrent.CopyOnWriteArrayList<>();

    public EnginePipeline(final PipelineConfig config, final StockEngine engine, final JournalStage journal)
    {
        this.config = config.conclude();
        this.engine = engine;
        // A batch's answers wait in their slots until the batch is answered: their rows are bounded per batch.
        engine.batchRowBudget(BATCH_ROW_BUDGET);
        this.journal = journal;
        this.disruptor = new Disruptor<>(Command::new, config.ringSize(), namedThreads(),
            ProducerType.MULTI, WaitStrategies.create(config.waitStrategy()));
        this.ring = disruptor.getRingBuffer();
        final java.util.function.LongSupplier clock = config.clock();
        this.translator = (command, sequence, filler, argument) ->
        {
            command.reset();
            try
            {
                filler.fill(command, argument);
            }
            catch (final RuntimeException | Error ex)
            {
                // The Disruptor publishes the slot whatever happens: make it a harmless tick, then let the caller see
                // the failure, so a half-filled command is never applied.
                command.reset();
                command.type = CommandType.TICK;
                command.timestamp = clock.getAsLong();
                throw ex;
            }
            command.timestamp = clock.getAsLong();
            if (command.correlationId == 0)
            {
                command.correlationId = sequence + 1;
            }
        };
        if (this.config.journalOnLogicThread())
        {
            disruptor.handleEventsWith(new RunToCompletionHandler());
        }
        else if (this.config.replyOnJournalThread())
        {
            disruptor.handleEventsWith(new LogicHandler()).then(new JournalReplyHandler());
        }
        else
        {
            disruptor.handleEventsWith(new LogicHandler()).then(new JournalHandler()).then(new ReplyHandler());
        }
        disruptor.setDefaultExceptionHandler(new CountingExceptionHandler());
    }

    private ThreadFactory namedThreads()
    {
        final String[] names = { "engine-logic", "engine-journal", "engine-reply" };
        final AtomicInteger next = new AtomicInteger();
        return runnable ->
        {
            final int i = next.getAndIncrement();
            final Thread thread = new Thread(runnable, i < names.length ? names[i] : "engine-" + i);
            thread.setDaemon(true);
            stageThreads.add(thread);
            return thread;
        };
    }

    /**
     * Refuses every later {@link #tryPublish}, so a stop drains a ring that no longer fills; a caller that checks
     * {@link #accepting()} answers "the server is stopping" rather than "overloaded". A publisher already past the
     * check may still publish: a gateway waits for its IO threads to finish what they are doing before it drains.
     */
    public void stopAccepting()
    {
        accepting = false;
    }

    /** False once {@link #stopAccepting} was called: a refused publish then means a stop, not a full ring. */
    public boolean accepting()
    {
        return accepting;
    }

    /** The stage threads started so far (for tests that check a stop ended them). */
    java.util.List<Thread> stageThreads()
    {
        return java.util.List.copyOf(stageThreads);
    }

    public EnginePipeline start()
    {
        disruptor.start();
        running = true;
        if (config.tickIntervalMillis() > 0)
        {
            ticker = new Thread(this::tickLoop, "engine-ticker");
            ticker.setDaemon(true);
            ticker.start();
        }
        return this;
    }

    private void tickLoop()
    {
        final long interval = config.tickIntervalMillis();
        while (running)
        {
            try
            {
                Thread.sleep(interval);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            tryPublish(EnginePipeline::fillTick, null);
        }
    }

    private static void fillTick(final Command command, final Object ignored)
    {
        command.type = CommandType.TICK;
    }

    /**
     * Publishes a command if the ring has room. The filler runs on this thread into a reset slot; the pipeline then
     * stamps the engine time.
     *
     * @return false when the ring is full, or the pipeline has stopped accepting ({@link #accepting()}): nothing
     *         was published.
     */
    @SuppressWarnings("unchecked")
    public <A> boolean tryPublish(final CommandFiller<A> filler, final A argument)
    {
        if (!accepting)
        {
            return false;
        }
        final boolean published = ring.tryPublishEvent(translator, (CommandFiller<Object>)filler, argument);
        if (!published)
        {
            overloads.incrementAndGet();
        }
        return published;
    }

    /**
     * Convenience for tests, demos and tools: fills a slot, waits for nothing, and completes the future with a
     * private copy of the slot after the reply stage. Allocates; the gateway uses {@link #tryPublish} instead.
     */
    public CompletableFuture<Command> submit(final Consumer<Command> filler)
    {
        final CompletableFuture<Command> future = new CompletableFuture<>();
        final boolean published = tryPublish((command, f) ->
        {
            filler.accept(command);
            command.callback = done -> future.complete(new Command().copyOf(done));
        }, filler);
        if (!published)
        {
            final Command overloaded = new Command();
            filler.accept(overloaded);
            overloaded.result = ResultCode.OVERLOADED;
            future.complete(overloaded);
        }
        return future;
    }

    /**
     * Sees every answered command that reported availability changes, on the reply thread before its caller is
     * answered (the availability stream). The slot is reused after it returns.
     */
    public void replyObserver(final CommandCallback observer)
    {
        this.replyObserver = observer;
    }

    /** Commands in the ring not yet answered. */
    public long inFlight()
    {
        return ring.getBufferSize() - ring.remainingCapacity();
    }

    public int ringSize()
    {
        return ring.getBufferSize();
    }

    public long overloads()
    {
        return overloads.get();
    }

    public long internalErrors()
    {
        return internalErrors.get();
    }

    public long replyErrors()
    {
        return replyErrors.get();
    }

    public boolean journalFailed()
    {
        return journalFailed;
    }

    public Throwable lastError()
    {
        return lastError;
    }

    /** Why the journal failed, or null while it works. */
    public Throwable journalError()
    {
        return journalError;
    }

    public StockEngine engine()
    {
        return engine;
    }

    /**
     * Stops taking commands and the ticker, lets every published command through all stages, then stops the threads
     * and waits for them, so nothing runs a stage (an append to the journal) once this returns.
     */
    @Override
    public void close()
    {
        stopAccepting();
        running = false;
        if (ticker != null)
        {
            ticker.interrupt();
            try
            {
                ticker.join(1000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        // The Disruptor's own shutdown skips processors that have not started yet, so commands published just after
        // start would be dropped: wait until every published slot has been answered first.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (inFlight() > 0 && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
        try
        {
            disruptor.shutdown(30, TimeUnit.SECONDS);
        }
        catch (final TimeoutException ex)
        {
            disruptor.halt();
        }
        for (final Thread stage : stageThreads)
        {
            try
            {
                stage.join(TimeUnit.SECONDS.toMillis(10));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class LogicHandler implements EventHandler<Command>
    {
        /** References to ring slots, reused: the window the engine reads ahead for. */
        private final Command[] window = new Command[StockEngine.PREFETCH_WINDOW];
        /** Size of the batch about to start, from {@link #onBatchStart}; 0 once its first event has come. */
        private long startingBatch;
        private long batchEnd = -1;
        /** The first sequence past the last window read ahead. */
        private long windowEnd = -1;

        @Override
        public void onBatchStart(final long batchSize, final long queueDepth)
        {
            startingBatch = batchSize;
        }

        @Override
        public void onEvent(final Command command, final long sequence, final boolean endOfBatch)
        {
            if (startingBatch > 0)
            {
                batchEnd = sequence + startingBatch - 1;
                startingBatch = 0;
            }
            if (sequence >= windowEnd && sequence < batchEnd)
            {
                readAhead(sequence);
            }
            if (journalFailed)
            {
                // Nothing decided now could be made durable: leave the state as it is, which keeps it as close as
                // possible to the journal a restart rebuilds it from.
                fail(command, ResultCode.UNAVAILABLE);
                return;
            }
            final long seqBefore = engine.lastSeq();
            try
            {
                journal.beforeCommand(command);
                engine.process(command);
            }
            catch (final Throwable ex)
            {
                // A defect, not a client's mistake: the caller gets an error answer.
                fail(command, ResultCode.INTERNAL_ERROR);
                internalErrors.incrementAndGet();
                lastError = ex;
                if (engine.lastSeq() != seqBefore)
                {
                    stateAheadOfJournal(command, seqBefore, ex);
                }
            }
            if (endOfBatch)
            {
                engine.endBatch();
            }
        }

        /**
         * Under load the ring hands over batches: the engine reads ahead for the next window of the batch (every
         * slot of it is published), so the window's cache misses overlap. A lone command gains nothing from it.
         */
        private void readAhead(final long sequence)
        {
            final int n = (int)Math.min(window.length, batchEnd - sequence + 1);
            for (int k = 0; k < n; k++)
            {
                window[k] = ring.get(sequence + k);
            }
            windowEnd = sequence + n;
            try
            {
                engine.prefetch(window, n);
            }
            catch (final Throwable ex)
            {
                // Reading ahead only warms caches: the commands still run, and the defect is counted and kept.
                internalErrors.incrementAndGet();
                lastError = ex;
            }
        }
    }

    /**
     * The command failed after some of its events (or the expiries before it) were applied: the state now holds
     * changes its answer dropped, and the next command's events would follow a gap in the journal's seqs, which
     * every replay refuses. Nothing decided from here on may be acknowledged, as when the journal itself fails: a
     * restart rebuilds the state from the journal, without the half-made command.
     */
    private void stateAheadOfJournal(final Command command, final long seqBefore, final Throwable cause)
    {
        final IllegalStateException error = new IllegalStateException("a command (type " + command.type +
            ", correlation id " + command.correlationId + ") failed after applying events " + (seqBefore + 1) +
            " to " + engine.lastSeq() + ", which cannot be journaled: the state is ahead of the journal (" +
            cause + ")", cause);
        journalError = error;
        journalFailed = true;
        lastError = error;
    }

    private void append(final Command command, final boolean endOfBatch)
    {
        if (journalFailed)
        {
            // Decided before the logic thread saw the failure, but none of its events reaches the journal; the
            // command whose defect caused the failure keeps its INTERNAL_ERROR.
            if (command.result != ResultCode.INTERNAL_ERROR)
            {
                fail(command, ResultCode.UNAVAILABLE);
            }
            return;
        }
        try
        {
            journal.onCommand(command, endOfBatch);
        }
        catch (final Throwable ex)
        {
            // State has run ahead of the journal: nothing from here on may be acknowledged.
            journalError = ex;
            journalFailed = true;
            lastError = ex;
            fail(command, ResultCode.INTERNAL_ERROR);
        }
    }

    /**
     * Answers a command as failed, showing nothing it decided: not its seq (a tester's binary client saw seq 142,222
     * where the journal ended at 142,220), its rows, nor the availability changes watchers would be told of.
     */
    private static void fail(final Command command, final int code)
    {
        command.clearOutputs();
        command.result = code;
    }

    /**
     * A batch is one group commit: if the journal failed anywhere in it (an append, or the commit at its end), none
     * of it may be answered as done. What was handed to the journal before the failure may or may not be on disk
     * (answered INTERNAL_ERROR: unknown); what came after it never reached the journal (UNAVAILABLE: not applied).
     */
    private void failBatchIfJournalFailed(final long first, final long last)
    {
        if (journalFailed)
        {
            for (long s = first; s <= last; s++)
            {
                final Command command = ring.get(s);
                if (command.result != ResultCode.UNAVAILABLE)
                {
                    fail(command, ResultCode.INTERNAL_ERROR);
                }
            }
        }
    }

    private final class JournalHandler implements EventHandler<Command>
    {
        /** The first sequence of the batch in progress. */
        private long batchStart;

        @Override
        public void onEvent(final Command command, final long sequence, final boolean endOfBatch)
        {
            append(command, endOfBatch);
            if (endOfBatch)
            {
                // The reply thread sees this batch only once this handler returns from its last event.
                failBatchIfJournalFailed(batchStart, sequence);
                batchStart = sequence + 1;
            }
        }
    }

    /**
     * The journal and reply stages on one thread: each command's events are appended as it comes; at the end of the
     * batch the journal commits, and only then is every command of the batch answered, in order. The slots stay
     * this handler's until it returns from the batch's last event, so reading them again is safe.
     */
    private final class JournalReplyHandler implements EventHandler<Command>
    {
        /** The first sequence not yet answered: the start of the batch in progress. */
        private long unanswered;

        @Override
        public void onEvent(final Command command, final long sequence, final boolean endOfBatch)
        {
            append(command, endOfBatch);
            if (endOfBatch)
            {
                answerBatch(sequence);
            }
        }

        /** Answers every command of the batch that ends at {@code sequence}, once the journal has committed it. */
        void answerBatch(final long sequence)
        {
            failBatchIfJournalFailed(unanswered, sequence);
            for (long s = unanswered; s <= sequence; s++)
            {
                reply(ring.get(s));
            }
            unanswered = sequence + 1;
        }
    }

    /**
     * All three stages on the logic thread: each command is applied and its events appended as it comes; at the end
     * of the batch the journal commits and the batch is answered, exactly as the two stages do on threads of their
     * own, without the hand-off between them.
     */
    private final class RunToCompletionHandler implements EventHandler<Command>
    {
        private final LogicHandler logic = new LogicHandler();
        private final JournalReplyHandler journalReply = new JournalReplyHandler();
        /**
         * The events of the command in hand. Here a command's events are appended before the next command is
         * decided, so one buffer serves every slot: it stays in the cache, where a slot's own buffer is cold after
         * a lap of the ring, and the ring's slots never each grow a buffer of their own.
         */
        private final ExpandableArrayBuffer events = new ExpandableArrayBuffer(Command.RETAINED_EVENT_BYTES);

        @Override
        public void onBatchStart(final long batchSize, final long queueDepth)
        {
            logic.onBatchStart(batchSize, queueDepth);
        }

        @Override
        public void onEvent(final Command command, final long sequence, final boolean endOfBatch)
        {
            final ExpandableArrayBuffer own = command.events;
            command.events = events;
            try
            {
                logic.onEvent(command, sequence, endOfBatch);
                append(command, endOfBatch);
            }
            finally
            {
                command.events = own;
            }
            if (endOfBatch)
            {
                journalReply.answerBatch(sequence);
            }
        }
    }

    private final class ReplyHandler implements EventHandler<Command>
    {
        @Override
        public void onEvent(final Command command, final long sequence, final boolean endOfBatch)
        {
            reply(command);
        }
    }

    private void reply(final Command command)
    {
        final CommandCallback observer = replyObserver;
        // A failed command has no changes to announce (see fail): a watcher never sees stock a restart may not have.
        if (observer != null && command.changeCount > 0)
        {
            try
            {
                observer.onComplete(command);
            }
            catch (final Throwable ex)
            {
                replyErrors.incrementAndGet();
                lastError = ex;
            }
        }
        final CommandCallback callback = command.callback;
        if (callback != null)
        {
            try
            {
                callback.onComplete(command);
            }
            catch (final Throwable ex)
            {
                replyErrors.incrementAndGet();
                lastError = ex;
            }
        }
        command.releaseReferences();
    }

    private final class CountingExceptionHandler implements ExceptionHandler<Command>
    {
        @Override
        public void handleEventException(final Throwable ex, final long sequence, final Command event)
        {
            internalErrors.incrementAndGet();
            lastError = ex;
        }

        @Override
        public void handleOnStartException(final Throwable ex)
        {
            lastError = ex;
        }

        @Override
        public void handleOnShutdownException(final Throwable ex)
        {
            lastError = ex;
        }
    }
}
