package io.stockengine.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Small files that must survive a power cut whole or not at all: a consumer's position, the clean-stop record. */
final class DurableFiles
{
    private DurableFiles()
    {
    }

    /**
     * Replaces {@code file} with {@code bytes}: written beside it, flushed, renamed over it, and the rename flushed
     * with its directory, so a reader finds the old contents or the new ones, never a mix.
     */
    static void replace(final Path file, final byte[] bytes) throws IOException
    {
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try
        {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))
            {
                final ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining())
                {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            // A full disk left an empty .tmp beside the data until the next clean stop (a tester); it is never read.
            deleteQuietly(tmp);
            throw ex;
        }
        forceDirectory(file.toAbsolutePath().getParent());
    }

    /**
     * Deletes a temporary file a failed write left, if it can: the directory refused the write already and may refuse
     * this too, and the write's failure is the one to report.
     */
    static void deleteQuietly(final Path tmp)
    {
        try
        {
            Files.deleteIfExists(tmp);
        }
        catch (final IOException ignored)
        {
            // See above: the caller reports the first failure.
        }
    }

    /** Makes a rename, creation or deletion in {@code dir} survive a power cut. */
    static void forceDirectory(final Path dir)
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ex)
        {
            // Some file systems cannot open a directory for reading; the rename is still atomic there, only its
            // durability across a power cut is left to the file system.
        }
    }
}
