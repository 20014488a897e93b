package io.stockengine.journal;

import java.io.PrintWriter;
import java.time.LocalDate;
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
 * {@code stats}: a table of events by type (rows) and by day of engine time, UTC (columns), with totals. Days are
 * columns because a journal is pruned to a few days' worth while the types are many; plain digits keep it easy to
 * feed to other tools.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = "Prints a table of events by type and by day (engine time; days in UTC unless --zone says), with " +
        "totals; --since and --until count only a window of engine time.")
final class StatsCommand implements Callable<Integer>
{
    @Mixin
    DataDirOption data;

    @Mixin
    TimeWindow window;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        window.check();
        final JournalConfig config = data.config();
        final PrintWriter out = spec.commandLine().getOut();
        final EventCounts counts = new EventCounts(window.from(), window.to(), window.zone());
        final long journalFirst;
        try (SingleChronicleQueue queue = data.open(config);
             JournalReader reader = JournalReader.open(new JournalReader.Context().config(config).queue(queue)))
        {
            journalFirst = JournalSeek.firstSeq(queue);
            reader.catchUp(counts);
            TailCommand.warnTornTail(reader, spec.commandLine().getErr());
        }
        final List<List<String>> table = new ArrayList<>();
        final List<String> header = new ArrayList<>(List.of("type"));
        for (final long day : counts.byDay().keySet())
        {
            header.add(LocalDate.ofEpochDay(day).toString());
        }
        header.add("total");
        table.add(header);
        final long[] dayTotals = new long[counts.byDay().size()];
        for (int type = 1; type <= EventType.MAX_ENGINE_TYPE; type++)
        {
            if (counts.total(type) == 0)
            {
                continue;
            }
            final List<String> row = new ArrayList<>(List.of(EventType.name(type)));
            int column = 0;
            for (final Map.Entry<Long, long[]> day : counts.byDay().entrySet())
            {
                row.add(Long.toString(day.getValue()[type]));
                dayTotals[column++] += day.getValue()[type];
            }
            row.add(Long.toString(counts.total(type)));
            table.add(row);
        }
        final List<String> totals = new ArrayList<>(List.of("total"));
        for (final long dayTotal : dayTotals)
        {
            totals.add(Long.toString(dayTotal));
        }
        totals.add(Long.toString(counts.events()));
        table.add(totals);
        print(table, out);
        if (!window.zone().getId().equals("UTC"))
        {
            out.println("days in " + window.zone().getId());
        }
        if (window.isSet())
        {
            out.println(counts.events() == 0 ? "no events" + window.describe() : "seqs " + counts.firstSeq() + " to " +
                counts.lastSeq() + ": the events" + window.describe());
        }
        if (journalFirst > 1 && (counts.events() == 0 || counts.firstSeq() == journalFirst))
        {
            // Totals of a pruned journal are of what is left: said, as verify says it.
            out.println("the journal starts at seq " + journalFirst + " (older files were pruned), so these count only " +
                "what is left");
        }
        out.flush();
        return JournalTool.OK;
    }

    /** First column left-aligned, numbers right-aligned, each column as wide as its widest cell. */
    private static void print(final List<List<String>> table, final PrintWriter out)
    {
        final int[] widths = new int[table.get(0).size()];
        for (final List<String> row : table)
        {
            for (int i = 0; i < row.size(); i++)
            {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (final List<String> row : table)
        {
            final StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++)
            {
                final String cell = row.get(i);
                if (i == 0)
                {
                    line.append(cell).append(" ".repeat(widths[0] - cell.length()));
                }
                else
                {
                    line.append("  ").append(" ".repeat(widths[i] - cell.length())).append(cell);
                }
            }
            out.println(line);
        }
    }
}
