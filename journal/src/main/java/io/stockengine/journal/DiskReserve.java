package io.stockengine.journal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import net.openhft.chronicle.core.OS;
import net.openhft.posix.PosixAPI;

/**
 * Allocates the disk blocks under the journal's next writes before they are written.
 * <p>
 * Why: Chronicle grows a cycle file with {@code setLength}, which leaves it sparse, and writes it through a memory
 * mapping. When the disk is full, a store into a page without a block does not fail: the kernel raises SIGBUS, the
 * JVM skips the store and throws an {@code InternalError} some instructions later, by which time the batch may have
 * been committed and answered. Acknowledged events would be lost. With the blocks allocated first
 * ({@code fallocate}, keeping the file's size, so the file stays as Chronicle sized it), a full disk is an error
 * returned by a system call before anything of the batch is written: the append fails, the batch is answered as
 * failed and the journal stops, with every acknowledged event on the disk.
 * <p>
 * The reserve runs {@link #AHEAD} past the write position and is topped up when less than {@link #MARGIN} is left,
 * once per 4 MiB of journal (a file holds only the blocks it needs, as a sparse one does); on a file system without {@code fallocate} the
 * journal stage steps aside for good and leaves the files as Chronicle makes them, and the start warns the operator
 * ({@link #cannotReserve}).
 * Threading: the journal stage's thread.
 */
final class DiskReserve implements AutoCloseable
{
    static final long AHEAD = 4L << 20;
    /** Left between the write position and the end of the reserve: an excerpt and Chronicle's index arrays fit. */
    static final long MARGIN = 1L << 20;

    /** The system calls, replaceable in tests to see what is allocated and to fail as a full disk does. */
    interface Allocator
    {
        /** @return a handle for {@link #allocate}, or -1 when this platform cannot allocate ahead. */
        int open(Path file) throws IOException;

        void allocate(int handle, long offset, long length) throws IOException;

        void close(int handle);

        /**
         * Bytes this user may still write on the file system holding {@code dir}, or that will hold it: a journal
         * not made yet is measured at its nearest existing parent.
         */
        default long usableSpace(final Path dir) throws IOException
        {
            Path existing = dir.toAbsolutePath().normalize();
            while (existing.getParent() != null && !Files.exists(existing))
            {
                existing = existing.getParent();
            }
            return Files.getFileStore(existing).getUsableSpace();
        }
    }

    /**
     * Free space a new cycle file needs before Chronicle creates it: Chronicle writes the file's first pages (its
     * header and first index arrays) through a mapping before the journal can reserve anything in it, so those pages
     * are checked for as free space instead; with the reserve that follows, and room to spare.
     */
    static final long NEW_FILE_ROOM = 16L << 20;

    static final Allocator DISK = new Allocator()
    {
        private static final int O_RDWR = 2;
        private static final int FALLOC_FL_KEEP_SIZE = 1;
        private static final int EOPNOTSUPP = 95;
        private static final int ENOSYS = 38;

        private static final int EINTR = 4;
        private static final int EAGAIN = 11;
        private static final int RETRIES = 8;

        @Override
        public int open(final Path file) throws IOException
        {
            // Linux's fallocate and its error numbers only; elsewhere Chronicle's sparse files are written as before.
            if (!OS.isLinux())
            {
                return -1;
            }
            final int fd = PosixAPI.posix().open(file.toString(), O_RDWR, 0);
            if (fd < 0)
            {
                throw new IOException("cannot open " + file + " to allocate its blocks: " +
                    PosixAPI.posix().lastErrorStr());
            }
            return fd;
        }

        @Override
        public void allocate(final int handle, final long offset, final long length) throws IOException
        {
            for (int attempt = 0; ; attempt++)
            {
                if (PosixAPI.posix().fallocate(handle, FALLOC_FL_KEEP_SIZE, offset, length) == 0)
                {
                    return;
                }
                final int error = PosixAPI.posix().lastError();
                if (error == EOPNOTSUPP || error == ENOSYS)
                {
                    throw new UnsupportedOperationException(PosixAPI.posix().strerror(error));
                }
                // A signal or a busy moment is no full disk: only a lasting failure stops the journal.
                if ((error != EINTR && error != EAGAIN) || attempt == RETRIES)
                {
                    throw new IOException(PosixAPI.posix().strerror(error));
                }
            }
        }

        @Override
        public void close(final int handle)
        {
            PosixAPI.posix().close(handle);
        }
    };

    private final Allocator allocator;
    private final long ahead;
    private final long margin;
    private File file;
    private int handle = -1;
    private long reservedTo;
    private boolean unsupported;

    DiskReserve(final Allocator allocator)
    {
        this(allocator, AHEAD, MARGIN);
    }

    /** Tests reserve in small steps, to see many of them. */
    DiskReserve(final Allocator allocator, final long ahead, final long margin)
    {
        this.allocator = allocator;
        this.ahead = ahead;
        this.margin = margin;
    }

    /**
     * True once the platform or file system said it cannot allocate ahead: writes go to Chronicle's sparse files as
     * they are.
     */
    boolean unsupported()
    {
        return unsupported;
    }

    /**
     * Tries to allocate the first page of {@code file} (an empty file made to be deleted): null when blocks can be
     * reserved ahead there, else why not. The journal stage steps aside silently when they cannot, so the start asks
     * first and warns the operator that a full disk is no longer caught before a write.
     */
    static String cannotReserve(final Allocator allocator, final Path file)
    {
        final int probe;
        try
        {
            probe = allocator.open(file);
        }
        catch (final IOException ex)
        {
            return "the probe file could not be opened to try it: " + ex.getMessage();
        }
        catch (final RuntimeException | LinkageError ex)
        {
            return "no native fallocate: " + ex.getMessage();
        }
        if (probe < 0)
        {
            return "no fallocate on this operating system";
        }
        try
        {
            allocator.allocate(probe, 0, 4096);
            return null;
        }
        catch (final UnsupportedOperationException | LinkageError ex)
        {
            return "fallocate: " + ex.getMessage();
        }
        catch (final IOException ex)
        {
            // A full disk or another failure is not a lack of support: the appends will report it themselves.
            return null;
        }
        finally
        {
            allocator.close(probe);
        }
    }

    /** The end of the blocks allocated in the current file (0 before the first write). */
    long reservedTo()
    {
        return reservedTo;
    }

    /**
     * Makes sure the blocks under {@code current} up to {@code end} (a file offset) are allocated.
     *
     * @throws IOException when they cannot be, a full disk above all: nothing may be written there.
     */
    void ensure(final File current, final long end) throws IOException
    {
        if (unsupported)
        {
            return;
        }
        // The appender hands out its store's one File: a new object means a new cycle file (reopening on the same
        // path costs a system call, and a string comparison per append would cost more).
        if (current != file)
        {
            closeHandle();
            try
            {
                handle = allocator.open(current.toPath());
            }
            catch (final RuntimeException | LinkageError ex)
            {
                // No native call here (JNR could not load, no such symbol): a reserve is a safeguard, not a need.
                handle = -1;
            }
            if (handle < 0)
            {
                unsupported = true;
                return;
            }
            file = current;
            // From where writing resumes, not from the start: after a restart on a large file, reserving all of it
            // again would walk its whole extent tree inside the first batch.
            reservedTo = Math.max(0, end - margin) & ~4095L;
        }
        if (end + margin <= reservedTo)
        {
            return;
        }
        final long to = end + margin + ahead;
        try
        {
            allocator.allocate(handle, reservedTo, to - reservedTo);
        }
        catch (final UnsupportedOperationException | LinkageError ex)
        {
            unsupported = true;
            closeHandle();
            return;
        }
        catch (final IOException ex)
        {
            throw new IOException("cannot allocate disk for the journal in " + current + " (" + ex.getMessage() +
                "): the disk is full or failing. Nothing of this batch was written and nothing more will be; " +
                "free space and restart the engine");
        }
        reservedTo = to;
    }

    /**
     * Refuses to go on when the file system holding {@code dir} has less than {@link #NEW_FILE_ROOM} free: a store
     * into a page without a block at a roll faults inside the JVM where no error can be raised, and the process dies
     * (a tester's full tmpfs, one roll in four). Called before a write that may create a cycle file, and at start.
     * Another process filling the disk between this check and Chronicle's first pages is the risk left.
     *
     * @param why what the room is for, in the message
     */
    void requireRoom(final Path dir, final String why) throws IOException
    {
        requireRoom(allocator, dir, why);
    }

    static void requireRoom(final Allocator allocator, final Path dir, final String why) throws IOException
    {
        final long usable = allocator.usableSpace(dir);
        if (usable < NEW_FILE_ROOM)
        {
            throw new IOException(String.format("the disk holding %s has %,d KiB free, less than the %,d MiB %s " +
                "needs: free space, then restart the engine", dir, usable >> 10, NEW_FILE_ROOM >> 20, why));
        }
    }

    private void closeHandle()
    {
        if (handle >= 0)
        {
            allocator.close(handle);
            handle = -1;
        }
        file = null;
    }

    @Override
    public void close()
    {
        closeHandle();
    }
}
