package io.stockengine.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One engine per data directory. Two engines appending to one journal would each number their events from their
 * own state: the seqs collide, each engine's state misses the other's events, and the journal no longer replays
 * into either; the next start refuses it as corrupt. An operator who starts a second server on the same directory
 * by mistake (another port, a test beside production) is refused at once instead.
 * <p>
 * An exclusive lock on {@code LOCK} in the directory, held while the engine runs. The operating system drops it
 * when the process dies however it dies, so a crashed engine never leaves a stale lock to clean up; the file keeps
 * the last holder's pid and start time, for the message. The journal tools only read and take no lock.
 */
public final class DataDirLock implements AutoCloseable
{
    static final String FILE = "LOCK";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(final FileChannel channel, final FileLock lock)
    {
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws DataDirInUseException when another engine holds the directory. */
    public static DataDirLock acquire(final Path dataDir)
    {
        final Path file = dataDir.resolve(FILE);
        FileChannel channel = null;
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir))
        {
            final String message = dataDir.toAbsolutePath().normalize() + " is a file, not a directory: give " +
                "--data-dir a directory (it is made if missing)";
            throw new UncheckedIOException(message, new IOException(message));
        }
        // Before anything is made in it: a journal/ inside a live journal directory would start an empty engine.
        final java.util.Optional<String> misplaced = DataDirs.misplaced(dataDir);
        if (misplaced.isPresent())
        {
            throw new UncheckedIOException(misplaced.get(), new IOException(misplaced.get()));
        }
        try
        {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
            FileLock lock;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException ex)
            {
                // Another engine in this JVM holds it.
                lock = null;
            }
            if (lock == null)
            {
                final String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
                channel.close();
                throw new DataDirInUseException("the data directory " + dataDir.toAbsolutePath().normalize() +
                    " is in use by another engine" + (holder.isEmpty() ? "" : " (" + holder + ")") + ": stop it " +
                    "first, or give this one its own --data-dir");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ", started " + Instant.now())
                .getBytes(StandardCharsets.UTF_8)), 0);
            return new DataDirLock(channel, lock);
        }
        catch (final IOException ex)
        {
            closeQuietly(channel);
            final String why = FileErrors.describe(ex);
            throw new UncheckedIOException("cannot lock " + file + ": " + why + (why.contains("No space left") ?
                " (free space on its disk)" : " (the data directory must be writable by the user running the engine)"),
                ex);
        }
    }

    @Override
    public void close()
    {
        try
        {
            lock.release();
        }
        catch (final IOException ex)
        {
            // The channel's close below releases it too.
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(final FileChannel channel)
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // Nothing to do: the lock goes with the process anyway.
            }
        }
    }

    /** Another engine holds the data directory. */
    public static final class DataDirInUseException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        DataDirInUseException(final String message)
        {
            super(message);
        }
    }
}
