package io.stockengine.journal;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes what the journal wrote through its memory mapping durable on the disk before a {@code sync} batch is
 * answered: {@code fdatasync} of the cycle file being written.
 * <p>
 * Why not Chronicle's own {@code appender.sync()}: it msyncs with the mapped store's sync mode, which defaults to
 * {@code ASYNC} ({@code MS_ASYNC}, a no-op on Linux since 2.6.19), and only the chunk being written, so a batch
 * that crossed into the next chunk would leave the previous chunk's tail unsynced. A sync of the whole file flushes
 * every page the mapping dirtied, in any chunk. When the journal moves to a new cycle file, the old file is synced
 * once more (the batch may have started in it) and the directory too, so the new file's name survives as well.
 * <p>
 * Threading: the journal stage's thread.
 */
final class DiskSync implements AutoCloseable
{
    /** The system calls, replaceable in tests to see what is flushed and in what order. */
    interface Flusher
    {
        FileChannel open(Path file) throws IOException;

        void force(FileChannel channel, boolean metadata) throws IOException;
    }

    static final Flusher DISK = new Flusher()
    {
        @Override
        public FileChannel open(final Path file) throws IOException
        {
            return FileChannel.open(file, StandardOpenOption.READ);
        }

        @Override
        public void force(final FileChannel channel, final boolean metadata) throws IOException
        {
            channel.force(metadata);
        }
    };

    private final Flusher flusher;
    private File file;
    private FileChannel channel;

    DiskSync(final Flusher flusher)
    {
        this.flusher = flusher;
    }

    /** Flushes {@code current}, the file being written, and what a move to it from the last file left behind. */
    void sync(final File current) throws IOException
    {
        if (!current.equals(file))
        {
            if (channel != null)
            {
                flusher.force(channel, false);
                channel.close();
                channel = null;
            }
            channel = flusher.open(current.toPath());
            file = current;
            final Path directory = current.getAbsoluteFile().toPath().getParent();
            if (directory != null)
            {
                try (FileChannel dir = flusher.open(directory))
                {
                    flusher.force(dir, true);
                }
            }
        }
        flusher.force(channel, false);
    }

    @Override
    public void close() throws IOException
    {
        if (channel != null)
        {
            channel.close();
            channel = null;
        }
    }
}
