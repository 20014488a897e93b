package io.stockengine.journal;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code prune}: reclaims disk by deleting whole Chronicle cycle files, and only those that nothing can need again.
 * <p>
 * The rule: a cycle file may go only when it lies entirely before the excerpt of every snapshot that checks out
 * (recovery loads the newest and falls back to an older one if the newest turns out unusable, so each must keep its
 * journal) and before the position of every registered consumer ({@code consumers/*.position}); a consumer still at
 * the beginning holds everything. The file holding one of those excerpts stays, since resuming reads that excerpt
 * again. When there is no usable snapshot, recovery needs the whole journal and nothing goes; when a snapshot or a
 * consumer names an excerpt the journal does not have, prune refuses rather than guess. The newest cycle file is
 * never a candidate (the newest snapshot's excerpt is in it or before it). Safe while the engine runs: it never
 * touches the file being appended to.
 */
@Command(name = "prune", mixinStandardHelpOptions = true,
    description = "Deletes journal cycle files that lie entirely before every usable snapshot's excerpt and every " +
        "registered consumer's position; --dry-run shows what would go, --yes deletes.")
final class PruneCommand implements Callable<Integer>
{
    @Mixin
    DataDirOption data;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    static final class Mode
    {
        @Option(names = "--dry-run", required = true, description = "Show what would be deleted; delete nothing.")
        boolean dryRun;

        @Option(names = "--yes", required = true, description = "Delete the files.")
        boolean yes;
    }

    @Spec
    CommandSpec spec;

    private record Holder(String what, ReaderPosition position, boolean snapshot)
    {
    }

    @Override
    public Integer call() throws IOException
    {
        final JournalConfig config = data.config();
        final PrintWriter out = spec.commandLine().getOut();
        final List<JournalFiles.CycleFile> deletable = new ArrayList<>();
        final boolean stale;
        try (SingleChronicleQueue queue = data.open(config))
        {
            stale = JournalFiles.staleListing(queue) != null;
            final List<JournalFiles.CycleFile> files = JournalFiles.cycleFiles(queue);
            final List<Holder> holders = new ArrayList<>();
            for (final JournalFiles.SnapshotInfo snapshot : JournalFiles.snapshots(config,
                problem -> out.println("note: " + problem + " (it holds nothing back)")))
            {
                holders.add(new Holder("snapshot " + snapshot.file().getFileName(), snapshot.position(), true));
            }
            if (holders.isEmpty())
            {
                out.println("nothing to prune: no snapshot checks out, so recovery needs the whole journal");
                out.flush();
                return JournalTool.OK;
            }
            final Map<String, ReaderPosition> consumers;
            try
            {
                consumers = FilePositionStore.list(config.consumerDir());
            }
            catch (final IllegalStateException | IllegalArgumentException | UncheckedIOException ex)
            {
                out.println("refusing to prune: " + ex.getMessage());
                out.flush();
                return JournalTool.PROBLEM;
            }
            consumers.forEach((name, position) -> holders.add(new Holder("consumer " + name, position, false)));

            int keepFrom = Integer.MAX_VALUE;
            out.println("held back by:");
            for (final Holder holder : holders)
            {
                final String problem = JournalSeek.check(queue, holder.position(), holder.snapshot());
                if (problem != null)
                {
                    out.println("refusing to prune: " + holder.what() + " at " + holder.position() + ": " + problem);
                    out.flush();
                    return JournalTool.PROBLEM;
                }
                final int cycle = holder.position().isBeginning() ? Integer.MIN_VALUE :
                    JournalFiles.cycleOf(queue, holder.position().index());
                keepFrom = Math.min(keepFrom, cycle);
                out.printf("  %-40s %s%s%n", holder.what(), holder.position(),
                    holder.position().isBeginning() ? " (holds the whole journal)" : " in " + fileOf(files, cycle));
            }
            for (final JournalFiles.CycleFile file : files)
            {
                if (file.cycle() < keepFrom)
                {
                    deletable.add(file);
                }
            }
            out.printf("journal: %d cycle file%s, %d of them entirely before all of the above%n", files.size(),
                files.size() == 1 ? "" : "s", deletable.size());
        }
        for (final JournalFiles.CycleFile file : deletable)
        {
            if (mode.yes)
            {
                Files.deleteIfExists(file.file());
                out.println("deleted " + file.file());
            }
            else
            {
                out.println("would delete " + file.file());
            }
        }
        if (mode.yes && (stale || !deletable.isEmpty()))
        {
            // Only a writable queue corrects the first cycle kept in the journal's metadata; until then read-only
            // readers starting at the beginning would look for the deleted file and find nothing.
            try (SingleChronicleQueue writable = Queues.open(config.journalDir(), config, false))
            {
                writable.refreshDirectoryListing();
            }
        }
        if (deletable.isEmpty())
        {
            out.println("nothing to prune");
        }
        else if (mode.dryRun)
        {
            out.println("dry run: nothing deleted; run with --yes to delete");
        }
        out.flush();
        return JournalTool.OK;
    }

    private static String fileOf(final List<JournalFiles.CycleFile> files, final int cycle)
    {
        for (final JournalFiles.CycleFile file : files)
        {
            if (file.cycle() == cycle)
            {
                return file.file().getFileName().toString();
            }
        }
        return "cycle " + cycle;
    }
}
