package io.stockengine.journal;

import java.nio.file.Files;
import java.nio.file.Path;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code --data-dir} every {@link JournalTool} command takes, and the check that it holds a journal, made before
 * anything is opened so that a wrong directory gets a sentence saying what to fix instead of a Chronicle stack trace.
 */
final class DataDirOption
{
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./data", converter = DataDirConverter.class,
        description = "The engine's data directory, the one holding journal/, snapshots/ and consumers/ " +
            "(default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** @throws ParameterException (exit code 2) when the directory or its journal is missing. */
    JournalConfig config()
    {
        final Path dir = dataDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir))
        {
            throw new ParameterException(command.commandLine(), "the data directory " + dir +
                (Files.exists(dir) ? " is not a directory" : " does not exist") + ": pass --data-dir with the " +
                "engine's data directory (the one that holds journal/)");
        }
        final JournalConfig config = new JournalConfig().dataDir(dir);
        if (!Files.isRegularFile(config.journalDir().resolve(SingleChronicleQueue.QUEUE_METADATA_FILE)) &&
            hasCycleFiles(config.journalDir()))
        {
            // Damage, not a mistyped flag: exit 1 with the sentence, without the usage text a ParameterException adds.
            throw new JournalCorruptedException("the journal in " + config.journalDir() + " has its " +
                "cycle files but not " + SingleChronicleQueue.QUEUE_METADATA_FILE + ", Chronicle's listing of " +
                "them (deleted, or left out of a copy); the tools only read, so they cannot make it: starting the " +
                "engine on this data directory once writes it again");
        }
        if (!Files.isRegularFile(config.journalDir().resolve(SingleChronicleQueue.QUEUE_METADATA_FILE)))
        {
            final java.util.Optional<String> unreadable = DataDirs.unreadable(dir);
            if (unreadable.isPresent())
            {
                // Not a mistyped flag: exit 1 with the sentence, as for damage.
                throw new IllegalStateException(unreadable.get());
            }
            throw new ParameterException(command.commandLine(), DataDirs.misplaced(dir).orElse("there is no " +
                "journal in " + dir + " (expected " + config.journalDir() + " written by the engine): is --data-dir " +
                "the engine's data directory?"));
        }
        return config;
    }

    private static boolean hasCycleFiles(final Path journal)
    {
        try (java.util.stream.Stream<Path> files = Files.list(journal))
        {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(JournalFiles.CYCLE_SUFFIX));
        }
        catch (final java.io.IOException ex)
        {
            return false;
        }
    }

    /**
     * Opens the journal read-only; its roll cycle comes from the journal's own metadata.
     *
     * @throws JournalCorruptedException when a cycle file was cut short, which reading would fault on, or its first
     *         header is damaged, which reading would wait on for ever.
     */
    SingleChronicleQueue open(final JournalConfig config)
    {
        return Queues.openForReading(config);
    }
}
