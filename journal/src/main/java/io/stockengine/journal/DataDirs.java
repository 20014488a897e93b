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
        if (!Files.isDirectory(absolute) || Files.exists(new JournalConfig().dataDir(absolute).journalDir()))
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
        final String kind = SnapshotStore.isSnapshotName(held) ? "snapshots" : "journal";
        final Path parent = absolute.getParent();
        return Optional.of(absolute + " holds " + kind + " files itself (" + held + "): it is a data directory's " +
            kind + "/, not the data directory" + (parent == null ? "" : "; pass --data-dir " + parent));
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
