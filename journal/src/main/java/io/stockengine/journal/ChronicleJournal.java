package io.stockengine.journal;

import static io.stockengine.journal.RecordDescriptor.LENGTH_OFFSET;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.ExpandableArrayBuffer;

import io.stockengine.engine.Command;
import io.stockengine.engine.EventSink;
import io.stockengine.engine.JournalStage;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The journal stage of the pipeline. The logic thread encodes each command's events into its ring slot; this stage
 * fills in the checksums and appends the events of a whole Disruptor batch as one Chronicle excerpt (a group
 * commit), closed at the end of the batch, and with {@link Durability#SYNC} flushed to the disk ({@link DiskSync})
 * before the reply stage may answer any command of the batch. An excerpt is the unit recovery accepts or rejects whole.
 * <p>
 * Threading: {@link #recorder()} and {@link #beforeCommand} on the logic thread; {@link #onCommand} on the journal
 * thread; the counters may be read from any thread.
 */
public final class ChronicleJournal implements JournalStage, AutoCloseable
{
    private final SingleChronicleQueue queue;
    private final Durability durability;
    private final int maxExcerptBytes;
    private final EventEncoder encoder = new EventEncoder();
    private final Checksums checksums = new Checksums();
    private ExcerptAppender appender;
    private DocumentContext document;
    private int documentBytes;
    private boolean unsynced;
    /** The seq of the last event appended to the batch in progress, published as {@link #lastSeq} at its commit. */
    private long pendingSeq;
    private final DiskSync diskSync;
    private final DiskReserve diskReserve;
    /** Set when an append or commit threw: the journal no longer matches the state, so it takes nothing more. */
    private boolean failed;

    private final AtomicLong lastSeq = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong excerpts = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong commands = new AtomicLong();
    private final AtomicLong syncs = new AtomicLong();

    /**
     * @param queue   the opened journal queue (see {@link Queues}); owned by the caller.
     * @param lastSeq the sequence number of the last event already in the journal (from recovery).
     */
    public ChronicleJournal(final SingleChronicleQueue queue, final JournalConfig config, final long lastSeq)
    {
        this(queue, config, lastSeq, DiskSync.DISK);
    }

    /** @param flusher how {@code sync} durability flushes to the disk: the system calls, or a test's record. */
    ChronicleJournal(final SingleChronicleQueue queue, final JournalConfig config, final long lastSeq,
        final DiskSync.Flusher flusher)
    {
        this(queue, config, lastSeq, flusher, new DiskReserve(DiskReserve.DISK));
    }

    /** @param reserve allocates the disk under the next writes: with the system call, or a test's. */
    ChronicleJournal(final SingleChronicleQueue queue, final JournalConfig config, final long lastSeq,
        final DiskSync.Flusher flusher, final DiskReserve reserve)
    {
        this.diskReserve = reserve;
        this.diskSync = new DiskSync(flusher);
        this.queue = queue;
        this.durability = config.durability();
        this.maxExcerptBytes = config.maxExcerptBytes();
        this.lastSeq.set(lastSeq);
        this.pendingSeq = lastSeq;
    }

    @Override
    public EventSink recorder()
    {
        return encoder;
    }

    @Override
    public void beforeCommand(final Command command)
    {
        encoder.target(command);
    }

    @Override
    public void onCommand(final Command command, final boolean endOfBatch)
    {
        if (failed)
        {
            throw new IllegalStateException("the journal failed earlier; nothing more is appended");
        }
        try
        {
            final int length = command.eventsLength;
            if (length > 0)
            {
                append(command.events, length);
                commands.lazySet(commands.get() + 1);
            }
            if (endOfBatch)
            {
                commitBatch();
            }
        }
        catch (final RuntimeException | Error ex)
        {
            failed = true;
            abandonDocument();
            throw ex;
        }
    }

    /**
     * Discards the excerpt being written, so a batch that failed half-way is not published by a later close: none
     * of it was acknowledged (the pipeline answers the whole batch as failed), and recovery must not find half a
     * batch of it.
     */
    private void abandonDocument()
    {
        final DocumentContext open = document;
        document = null;
        if (open != null)
        {
            try
            {
                open.rollbackOnClose();
                open.close();
            }
            catch (final RuntimeException | Error ignored)
            {
                // Already failing: the append's own failure is the one reported.
            }
        }
    }

    private void append(final ExpandableArrayBuffer events, final int length)
    {
        EventEncoder.seal(events, length, checksums);
        int last = 0;
        for (int offset = 0; offset < length; offset += events.getInt(offset + LENGTH_OFFSET))
        {
            last = offset;
        }
        final long seq = events.getLong(last + RecordDescriptor.SEQ_OFFSET);
        if (document != null && documentBytes + length > maxExcerptBytes)
        {
            closeDocument();
        }
        if (document == null)
        {
            if (appender == null)
            {
                appender = queue.createAppender();
            }
            if (appender.cycle() != queue.cycle())
            {
                // Chronicle is about to create the next cycle's file (or the first one) and write its first pages
                // before the reserve below can be taken: on a full disk that write kills the process. queue.cycle()
                // reads the wall clock Chronicle picks its files by (ForwardClock), never engine time: no event
                // and no decision depends on it, so a replay is the same.
                try
                {
                    diskReserve.requireRoom(queue.file().toPath(), "a new journal file");
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex.getMessage() + ". Nothing of this batch was written and " +
                        "nothing more will be", ex);
                }
            }
            document = appender.writingDocument();
            documentBytes = 0;
        }
        final Bytes<?> bytes = document.wire().bytes();
        try
        {
            diskReserve.ensure(appender.currentFile(), bytes.writePosition() + length);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex.getMessage(), ex);
        }
        bytes.write(events.byteArray(), 0, length);
        documentBytes += length;
        bytesWritten.lazySet(bytesWritten.get() + length);
        pendingSeq = seq;
    }

    private void closeDocument()
    {
        document.close();
        document = null;
        excerpts.lazySet(excerpts.get() + 1);
        unsynced = true;
    }

    private void commitBatch()
    {
        if (document != null)
        {
            closeDocument();
        }
        final long committing = pendingSeq;
        if (unsynced)
        {
            batches.lazySet(batches.get() + 1);
            if (durability == Durability.SYNC)
            {
                try
                {
                    diskSync.sync(appender.currentFile());
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException("cannot flush the journal to disk", ex);
                }
                syncs.lazySet(syncs.get() + 1);
            }
            unsynced = false;
        }
        // Published only once the batch is as durable as promised: /health and the metrics report it as journaled,
        // and a shutdown waits for a snapshot of it, which a rolled-back batch would never reach.
        lastSeq.lazySet(committing);
    }

    /** Sequence number of the last event appended. */
    public long lastSeq()
    {
        return lastSeq.get();
    }

    public long bytesWritten()
    {
        return bytesWritten.get();
    }

    public long excerpts()
    {
        return excerpts.get();
    }

    /** Group commits: batches that appended at least one event. */
    public long batches()
    {
        return batches.get();
    }

    public long commandsJournaled()
    {
        return commands.get();
    }

    public long syncs()
    {
        return syncs.get();
    }

    public Durability durability()
    {
        return durability;
    }

    /** True once an append or a commit failed: what the journal holds ends before what was handed to it. */
    public boolean failed()
    {
        return failed;
    }

    /** Call after the pipeline has stopped: closes an open excerpt. */
    @Override
    public void close()
    {
        if (document != null)
        {
            closeDocument();
        }
        if (appender != null)
        {
            appender.close();
            appender = null;
        }
        diskReserve.close();
        try
        {
            diskSync.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot close the journal's sync channel", ex);
        }
    }
}
