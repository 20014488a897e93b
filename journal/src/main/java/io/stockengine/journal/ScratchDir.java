package io.stockengine.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The {@code --dir} of a load or benchmark program, which deletes it before and after a run: only a directory the
 * program made (marked by {@link #MARKER}) or an empty one is ever deleted. The README's {@code --dir /var/tmp} once
 * meant {@code rm -r /var/tmp} (a newcomer's catch); such a directory is now refused with a sentence naming a
 * subdirectory to use instead.
 */
public final class ScratchDir
{
    /** The file a program leaves in a directory it made for itself. */
    public static final String MARKER = ".stockengine-scratch";

    private ScratchDir()
    {
    }

    /**
     * Makes {@code dir} this program's to delete: creates it (and the marker) when absent or empty; accepts it when
     * it holds the marker already (an earlier run's).
     *
     * @param suggestion a subdirectory name to suggest when {@code dir} holds other files
     * @throws IllegalArgumentException when {@code dir} holds files no run of these programs made
     */
    public static Path claim(final Path dir, final String suggestion) throws IOException
    {
        if (Files.exists(dir) && !Files.isDirectory(dir))
        {
            throw new IllegalArgumentException("--dir " + dir + " is a file, not a directory");
        }
        if (Files.isDirectory(dir) && !Files.exists(dir.resolve(MARKER)))
        {
            final Optional<Path> other;
            try (Stream<Path> files = Files.list(dir))
            {
                other = files.findFirst();
            }
            if (other.isPresent())
            {
                throw new IllegalArgumentException("--dir " + dir + " holds files this program did not make (" +
                    other.get().getFileName() + ", ...), and a run deletes its --dir before and after: give it a " +
                    "directory of its own, e.g. --dir " + dir.resolve(suggestion));
            }
        }
        Files.createDirectories(dir);
        if (!Files.exists(dir.resolve(MARKER)))
        {
            Files.createFile(dir.resolve(MARKER));
        }
        return dir;
    }

    /** Deletes what a run left in {@code dir}, the marker kept; nothing at all unless the marker is there. */
    public static void empty(final Path dir) throws IOException
    {
        if (!Files.exists(dir.resolve(MARKER)))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList())
            {
                if (!p.equals(dir) && !p.equals(dir.resolve(MARKER)))
                {
                    Files.delete(p);
                }
            }
        }
    }

    /** Deletes {@code dir} whole, the marker too; nothing at all unless the marker is there. */
    public static void delete(final Path dir) throws IOException
    {
        if (!Files.exists(dir.resolve(MARKER)))
        {
            return;
        }
        empty(dir);
        Files.deleteIfExists(dir.resolve(MARKER));
        Files.deleteIfExists(dir);
    }
}
