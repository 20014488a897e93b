package io.stockengine.journal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * What a {@code --data-dir} that holds no journal is instead, so the server and the tools can say what to fix: a
 * journal or snapshots directory given in place of the data directory above it (the server started an empty engine
 * inside a live journal directory, a tester found), or a directory this user cannot read (the tools said there was
 * no journal).
 */
public final class DataDirs
{
    private DataDirs()
    {
    }

    /**
     * When {@code dir} is itself a data directory's {@code journal/} or {@code snapshots/} (it holds cycle files or
     * snapshot files, and no {@code journal/}), a sentence saying so and naming its parent; empty otherwise.
     */
    public static Optional<String> misplaced(final Path dir)
    {
        final Path absolute = dir.toAbsolutePath().normalize();
        final Path journal = new JournalConfig().dataDir(absolute).journalDir();
        if (Files.isDirectory(journal.resolve("journal")) || Files.exists(journal.resolve(DataDirLock.FILE)))
        {
            // The data directory of an engine started with --data-dir <dir>/journal: this one would take it whole
            // for its journal, and the two would lock different files.
            return Optional.of(journal + " is itself a data directory (it holds journal/ or " + DataDirLock.FILE +
                "): pass --data-dir " + journal);
        }
        if (!Files.isDirectory(absolute) || Files.exists(journal))
        {
            return Optional.empty();
        }
        final String held;
        try (Stream<Path> files = Files.list(absolute))
        {
            held = files.map(p -> p.getFileName().toString())
                .filter(name -> name.endsWith(JournalFiles.CYCLE_SUFFIX) ||
                    name.equals(SingleChronicleQueue.QUEUE_METADATA_FILE) || SnapshotStore.isSnapshotName(name))
                .sorted().findFirst().orElse(null);
        }
        catch (final IOException ex)
        {
            return Optional.empty();
        }
        if (held == null)
        {
            return Optional.empty();
        }
        final boolean snapshots = SnapshotStore.isSnapshotName(held);
        final String kind = snapshots ? "snapshot" : "journal";
        // The real parent: through a symbolic link, the link's own parent is not the data directory.
        Path real;
        try
        {
            real = absolute.toRealPath();
        }
        catch (final IOException ex)
        {
            real = absolute;
        }
        final Path parent = real.getParent();
        return Optional.of(absolute + " holds " + kind + " files itself (" + held + "): it is a data directory's " +
            (snapshots ? "snapshots" : "journal") + "/, not the data directory" +
            (parent == null ? "" : "; pass --data-dir " + parent));
    }

    /**
     * When this user cannot list {@code dir} or its {@code journal/}, a sentence saying so; empty when both can be
     * read or do not exist.
     */
    public static Optional<String> unreadable(final Path dir)
    {
        final Path absolute = dir.toAbsolutePath().normalize();
        for (final Path each : new Path[] { absolute, new JournalConfig().dataDir(absolute).journalDir() })
        {
            if (!Files.isDirectory(each))
            {
                continue;
            }
            try (Stream<Path> files = Files.list(each))
            {
                files.findFirst();
            }
            catch (final AccessDeniedException ex)
            {
                return Optional.of("cannot read " + each + ": permission denied for user " +
                    System.getProperty("user.name") + " (run as the engine's user, or grant read access)");
            }
            catch (final IOException ex)
            {
                return Optional.of("cannot read " + each + ": " + FileErrors.describe(ex));
            }
        }
        return Optional.empty();
    }
}
