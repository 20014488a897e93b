package io.stockengine.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * The seq the engine stopped cleanly at, in {@code <data-dir>/clean-stop}: what tells a damaged last excerpt from a
 * write that a crash cut short. Recovery voids an unreadable last excerpt as never acknowledged, which is right
 * after a crash; but after a clean stop every excerpt was whole, so one unreadable at the next start was damaged
 * since, and its events had been acknowledged. The file is written at a clean stop once the journal's files are
 * flushed to the disk, and deleted when the next start has recovered, before anything new is appended: a crash
 * after that leaves no file, and a stale one (its deletion lost) names a seq the journal already reaches, which
 * proves nothing and is ignored.
 * <p>
 * The contents are one line, {@code seq <n>}. A file that does not read so is reported and ignored.
 */
public final class CleanStop
{
    public static final String FILE = "clean-stop";

    private CleanStop()
    {
    }

    /** @return the seq of the last clean stop recorded in {@code dataDir}, or -1 when there is none (or unreadable). */
    public static long read(final Path dataDir, final java.util.function.Consumer<String> log)
    {
        final Path file = dataDir.resolve(FILE);
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        }
        catch (final NoSuchFileException ex)
        {
            return -1;
        }
        catch (final IOException ex)
        {
            log.accept("recovery: WARNING cannot read " + file + " (" + FileErrors.describe(ex) + "); ignored");
            return -1;
        }
        if (text.startsWith("seq ") && text.length() < 30)
        {
            try
            {
                final long seq = Long.parseLong(text.substring(4));
                if (seq >= 0)
                {
                    return seq;
                }
            }
            catch (final NumberFormatException ignored)
            {
                // Reported below, as any other unreadable contents.
            }
        }
        log.accept("recovery: WARNING " + file + " does not read as 'seq <n>'; ignored");
        return -1;
    }

    /**
     * Records a clean stop at {@code seq}: flushes every journal file to the disk first (under {@code process}
     * durability their last pages may be in the page cache only), then writes the file beside them atomically.
     */
    static void write(final Path dataDir, final Path journalDir, final long seq) throws IOException
    {
        try (Stream<Path> files = Files.list(journalDir))
        {
            // The queue's metadata (.cq4t) too. A sync through a descriptor of its own flushes the pages the
            // journal wrote through its mapping: they are the file's pages in the page cache, on Linux.
            for (final Path file : (Iterable<Path>)files.filter(f -> f.toString().endsWith(".cq4") ||
                f.toString().endsWith(".cq4t"))::iterator)
            {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
                {
                    channel.force(false);
                }
            }
        }
        DurableFiles.forceDirectory(journalDir);
        DurableFiles.replace(dataDir.resolve(FILE), ("seq " + seq + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** Deletes the record of the last clean stop, durably, before the engine appends again. */
    static void clear(final Path dataDir) throws IOException
    {
        if (Files.deleteIfExists(dataDir.resolve(FILE)))
        {
            DurableFiles.forceDirectory(dataDir);
        }
    }
}
