package io.stockengine.journal;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code trace}: the whole chain of one SKU or one order, from the purchase order announced and received, through
 * reservation, pick, ship and return, to the sale, as JSON lines in seq order (see {@link TraceSink} for what is
 * included). It answers "can you trace a SKU from customer order to financial close?" in one command; the summary
 * goes to stderr so that stdout stays one event per line.
 */
@Command(name = "trace", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Prints every event of one SKU (optionally at one location) or of one order, in seq order, as " +
        "JSON lines; order line events get the line's line_sku and line_location.")
final class TraceCommand implements Callable<Integer>
{
    @Mixin
    DataDirOption data;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target
    {
        @ArgGroup(exclusive = false)
        SkuTarget sku;

        @Option(names = "--order", required = true, paramLabel = "ORDER_ID", description = "The order to trace.")
        String order;
    }

    static final class SkuTarget
    {
        @Option(names = "--sku", required = true, paramLabel = "SKU", description = "The SKU to trace.")
        String sku;

        @Option(names = "--location", paramLabel = "LOCATION", description = "Only the SKU's events at this location.")
        String location;
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        final JournalConfig config = data.config();
        final PrintWriter out = new PrintWriter(spec.commandLine().getOut(), false);
        final PrintWriter err = spec.commandLine().getErr();
        final String what = target.order != null ? "order " + target.order :
            "SKU " + target.sku.sku + (target.sku.location != null ? " at " + target.sku.location : "");
        final TraceSink sink = target.order != null ? new TraceSink(out::println, null, null, target.order) :
            new TraceSink(out::println, target.sku.sku, target.sku.location, null);
        try (SingleChronicleQueue queue = data.open(config))
        {
            if (JournalSeek.firstSeq(queue) > 1)
            {
                JournalFiles.learnSnapshotSymbols(config, sink, err::println);
            }
            try (JournalReader reader = JournalReader.open(new JournalReader.Context().config(config).queue(queue)))
            {
                reader.catchUp(sink);
                out.flush();
                TailCommand.warnTornTail(reader, err);
                if (sink.matched() == 0)
                {
                    err.println("trace: no events for " + what + " in " + reader.events() + " events read");
                    return JournalTool.PROBLEM;
                }
                err.println("trace: " + sink.matched() + " events for " + what + ", seq " + sink.firstSeq() + ".." +
                    sink.lastSeq() + ", of " + reader.events() + " events read");
            }
        }
        finally
        {
            out.flush();
            err.flush();
        }
        return JournalTool.OK;
    }
}
