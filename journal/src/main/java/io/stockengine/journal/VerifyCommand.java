package io.stockengine.journal;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code verify}: reads the whole journal with the checks recovery makes (every record's checksum, every excerpt
 * whole, seqs gap-free, torn tails and their repair markers), then checks that each snapshot and each registered
 * consumer names an excerpt the journal has and that holds its seq, and that a journal whose first files were pruned
 * has a snapshot to start from. Prints a summary; exits 1 on any problem.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Checks the whole journal (checksums, seq continuity, torn tail, corruption) and that every " +
        "snapshot and registered consumer still finds its excerpt; prints a summary, exit code 1 on any problem.")
final class VerifyCommand implements Callable<Integer>
{
    @Mixin
    DataDirOption data;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        final JournalConfig config = data.config();
        final PrintWriter out = spec.commandLine().getOut();
        final List<String> problems = new ArrayList<>();
        final List<String[]> lines = new ArrayList<>();
        final SingleChronicleQueue opened;
        try
        {
            opened = data.open(config);
        }
        catch (final JournalCorruptedException ex)
        {
            lines.add(row("journal", config.journalDir().toString()));
            problems.add(ex.getMessage());
            return report(out, lines, problems);
        }
        try (SingleChronicleQueue queue = opened)
        {
            final List<JournalFiles.CycleFile> files = JournalFiles.cycleFiles(queue);
            lines.add(row("journal", config.journalDir() + " (" + files.size() +
                (files.size() == 1 ? " cycle file, " : " cycle files, ") + queue.rollCycle() + ")"));
            final String stale = JournalFiles.staleListing(queue);
            if (stale != null)
            {
                problems.add(stale);
                return report(out, lines, problems);
            }
            final EventCounts counts = new EventCounts();
            try (JournalReader reader = JournalReader.open(new JournalReader.Context().config(config).queue(queue)))
            {
                boolean corrupt = false;
                try
                {
                    reader.catchUp(counts);
                }
                catch (final JournalCorruptedException ex)
                {
                    problems.add(ex.getMessage());
                    corrupt = true;
                }
                lines.add(row("excerpts", String.format("%,d read (%,d tail-repair markers)", reader.excerpts(),
                    reader.repairMarkers())));
                if (reader.tornFrom() >= 0 && !corrupt)
                {
                    problems.add(tornTail(config, reader.tornFrom(), reader.tornTo(), reader.tornReason(),
                        counts.lastSeq()));
                }
                final LastHeader.Damage damage = LastHeader.inspect(queue, config.maxExcerptBytes());
                if (damage != null)
                {
                    problems.add(lastHeader(config, damage, counts.lastSeq()));
                }
                // An unreadable record is ignored by the engine too, which then cannot tell damage from a torn
                // write: reported, so that the operator knows the safeguard is off.
                final long cleanStop = CleanStop.read(config.dataDir(), line -> problems.add(line.replaceFirst(
                    "^recovery: WARNING ", "") + " by the engine too, which then cannot tell a damaged tail from a " +
                    "crash's torn write"));
                if (!corrupt && reader.tornFrom() < 0 && damage == null && cleanStop > counts.lastSeq())
                {
                    problems.add(String.format("the journal ends at seq %,d, but the engine stopped cleanly at seq " +
                        "%,d (%s): journal files are missing, or were restored from a copy older than that stop. " +
                        "The engine refuses to start (its message says what to do).", counts.lastSeq(), cleanStop,
                        config.dataDir().resolve(CleanStop.FILE)));
                }
            }
            summarise(counts, lines);
            checkSnapshots(config, queue, counts.firstSeq(), lines, problems);
            checkConsumers(config, queue, lines, problems);
        }
        return report(out, lines, problems);
    }

    private static int report(final PrintWriter out, final List<String[]> lines, final List<String> problems)
    {
        for (final String[] line : lines)
        {
            out.printf("%-11s %s%n", line[0], line[1]);
        }
        for (final String problem : problems)
        {
            out.printf("%-11s %s%n", "PROBLEM", problem);
        }
        out.printf("%-11s %s%n", "result", problems.isEmpty() ? "OK" :
            "FAILED (" + problems.size() + (problems.size() == 1 ? " problem)" : " problems)"));
        out.flush();
        return problems.isEmpty() ? JournalTool.OK : JournalTool.PROBLEM;
    }

    private static String[] row(final String label, final String text)
    {
        return new String[] { label, text };
    }

    private static void summarise(final EventCounts counts, final List<String[]> lines)
    {
        if (counts.events() == 0)
        {
            lines.add(row("events", "none"));
            return;
        }
        lines.add(row("events", String.format("%,d, seq %,d..%,d%s", counts.events(), counts.firstSeq(),
            counts.lastSeq(), counts.firstSeq() > 1 ? " (the journal starts after seq 1: older files were pruned)" :
            "")));
        lines.add(row("time span", Instant.ofEpochMilli(counts.minTime()) + " .. " +
            Instant.ofEpochMilli(counts.maxTime()) + " (" + duration(counts.maxTime() - counts.minTime()) +
            ", engine time)"));
    }

    static String duration(final long millis)
    {
        final long seconds = millis / 1000;
        if (seconds < 60)
        {
            return String.format("%.3f s", millis / 1000.0);
        }
        final long days = seconds / 86_400;
        final long hours = seconds % 86_400 / 3600;
        final long minutes = seconds % 3600 / 60;
        return (days > 0 ? days + "d " : "") + (days > 0 || hours > 0 ? hours + "h " : "") + minutes + "m " +
            seconds % 60 + "s";
    }

    /**
     * @param firstSeq the journal's first seq (0 when it has none): the reader accepts any, but recovery without a
     *                 snapshot replays from seq 1 and refuses a journal that starts later.
     */
    /**
     * An unreadable tail is a crash's torn write only if nothing says it was acknowledged: a snapshot taken at or
     * after it was taken after those excerpts were appended, acknowledged and applied, a consumer past the readable
     * end has taken their events, and a clean stop past it found them whole; in each case they are damaged, and the
     * engine refuses to start rather than void them.
     *
     * @param lastSeq the seq where the readable journal ends.
     */
    private static String tornTail(final JournalConfig config, final long from, final long to, final String reason,
        final long lastSeq)
    {
        final String where = String.format("excerpts 0x%s..0x%s are unreadable (%s)", Long.toHexString(from),
            Long.toHexString(to), reason);
        final String acknowledged = acknowledgedPast(config, lastSeq);
        if (acknowledged != null)
        {
            return "damaged tail: " + where + ", but " + acknowledged + ". Not a crash's torn write: the engine " +
                "refuses to start (its message says what to do).";
        }
        try
        {
            for (final JournalFiles.SnapshotInfo snapshot : JournalFiles.snapshots(config, problem -> { }))
            {
                if (snapshot.index() >= from)
                {
                    return "damaged tail: " + where + ", but snapshot " + snapshot.file().getFileName() + " was " +
                        "taken at excerpt 0x" + Long.toHexString(snapshot.index()) + ", after they were " +
                        "acknowledged. Not a crash's torn write: the engine refuses to start. Restore the journal " +
                        "from a copy.";
                }
            }
        }
        catch (final IOException ex)
        {
            return "torn tail: " + where + "; the snapshots cannot be listed to tell whether it was acknowledged (" +
                ex.getMessage() + ")";
        }
        return "torn tail: " + where + ". A process died writing them, so none of it was acknowledged; the " +
            "engine voids them on its next start.";
    }

    /**
     * What says events past {@code lastSeq}, the readable journal's end, were acknowledged: a registered consumer
     * that has taken them, or a clean stop recorded past it; null when nothing does.
     */
    private static String acknowledgedPast(final JournalConfig config, final long lastSeq)
    {
        final long cleanStop = CleanStop.read(config.dataDir(), line -> { });
        if (cleanStop > lastSeq)
        {
            return String.format("the engine stopped cleanly at seq %,d (%s), past seq %,d where the readable " +
                "journal ends", cleanStop, config.dataDir().resolve(CleanStop.FILE), lastSeq);
        }
        try
        {
            for (final Map.Entry<String, ReaderPosition> consumer :
                FilePositionStore.list(config.consumerDir()).entrySet())
            {
                if (consumer.getValue().seq() > lastSeq)
                {
                    return String.format("consumer %s has taken events up to seq %,d, past seq %,d where the " +
                        "readable journal ends", consumer.getKey(), consumer.getValue().seq(), lastSeq);
                }
            }
        }
        catch (final RuntimeException ex)
        {
            // An unreadable position file proves nothing either way (the engine ignores it too); reported apart.
        }
        return null;
    }

    /** What the engine will do with a damaged last header: as {@link #tornTail}, a snapshot after it says no. */
    private static String lastHeader(final JournalConfig config, final LastHeader.Damage damage, final long lastSeq)
    {
        if (damage.restorable)
        {
            return "damaged last header: " + damage + ". The engine writes the header again at its next start and " +
                "replays the excerpt.";
        }
        final String acknowledged = acknowledgedPast(config, lastSeq);
        if (acknowledged != null)
        {
            return "damaged last header: " + damage + ", but " + acknowledged + ": the engine refuses to start " +
                "(its message says what to do).";
        }
        try
        {
            for (final JournalFiles.SnapshotInfo snapshot : JournalFiles.snapshots(config, problem -> { }))
            {
                if (snapshot.index() >= damage.index)
                {
                    return "damaged last header: " + damage + ", and snapshot " + snapshot.file().getFileName() +
                        " was taken at excerpt 0x" + Long.toHexString(snapshot.index()) + ", after it was " +
                        "acknowledged: the engine refuses to start. Restore the journal from a copy.";
                }
            }
        }
        catch (final IOException ex)
        {
            return "damaged last header: " + damage + "; the snapshots cannot be listed to tell whether it was " +
                "acknowledged (" + ex.getMessage() + ")";
        }
        return "damaged last header: " + damage + ". The excerpt is lost (a page that never reached the disk before " +
            "a power cut, under process durability); the engine voids it as a torn tail at its next start.";
    }

    private static void checkSnapshots(final JournalConfig config, final SingleChronicleQueue queue,
        final long firstSeq, final List<String[]> lines, final List<String> problems)
    {
        try
        {
            final List<JournalFiles.SnapshotInfo> snapshots = JournalFiles.snapshots(config, problems::add);
            boolean covered = firstSeq <= 1;
            for (final JournalFiles.SnapshotInfo snapshot : snapshots)
            {
                final String problem = JournalSeek.check(queue, snapshot.position(), true, snapshot.fingerprint());
                final String what = snapshot.file().getFileName() + " at " + snapshot.position();
                lines.add(row("snapshot", what + (problem == null ? ": ok" : ": " + problem)));
                if (problem != null)
                {
                    problems.add("snapshot " + what + ": " + problem);
                }
                covered |= problem == null && snapshot.lastSeq() >= firstSeq - 1;
            }
            if (snapshots.isEmpty())
            {
                lines.add(row("snapshot", covered ? "none (recovery replays the whole journal)" : "none"));
            }
            if (!covered)
            {
                problems.add("the journal starts at seq " + firstSeq + " and no snapshot covers the seqs before it: " +
                    "the engine cannot recover");
            }
        }
        catch (final IOException ex)
        {
            problems.add("cannot list snapshots in " + config.snapshotDir() + ": " + ex.getMessage());
        }
    }

    private static void checkConsumers(final JournalConfig config, final SingleChronicleQueue queue,
        final List<String[]> lines, final List<String> problems)
    {
        final Map<String, ReaderPosition> consumers;
        try
        {
            consumers = FilePositionStore.list(config.consumerDir());
        }
        catch (final IllegalStateException | IllegalArgumentException | UncheckedIOException ex)
        {
            problems.add(ex.getMessage());
            return;
        }
        for (final Map.Entry<String, ReaderPosition> consumer : consumers.entrySet())
        {
            final String problem = JournalSeek.check(queue, consumer.getValue(), false);
            final String what = consumer.getKey() + " at " + consumer.getValue();
            lines.add(row("consumer", what + (problem == null ? ": ok" : ": " + problem)));
            if (problem != null)
            {
                problems.add("consumer " + what + ": " + problem);
            }
        }
    }
}
