package io.stockengine.journal;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.InventoryState;
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
 * goes to stderr so that stdout stays one event per line. When the journal's first files were pruned, the trace starts
 * at the first seq kept, and the newest snapshot supplies the names and the order lines defined before it.
 */
@Command(name = "trace", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Prints every event of one SKU (optionally at one location), one order, one purchase order or " +
        "one transfer, in seq order, as JSON lines; order line events get the line's line_sku and line_location. " +
        "--since and --until print only a window of engine time.")
final class TraceCommand implements Callable<Integer>
{
    @Mixin
    DataDirOption data;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    /**
     * Only the SKU may be narrowed, by {@code --location}, which is an option of its own rather than a group nested
     * with {@code --sku}: picocli answers two targets given at once with a nested group's internal form.
     */
    @Option(names = "--location", paramLabel = "LOCATION",
        description = "With --sku: only the SKU's events at this location.")
    String location;

    @Mixin
    TimeWindow window;

    static final class Target
    {
        @Option(names = "--sku", required = true, paramLabel = "SKU", description = "The SKU to trace.")
        String sku;

        @Option(names = "--order", required = true, paramLabel = "ORDER_ID", description = "The order to trace.")
        String order;

        @Option(names = "--purchase-order", required = true, paramLabel = "PO",
            description = "The purchase order to trace: its lines announced (incoming) and its receipts.")
        String purchaseOrder;

        @Option(names = "--transfer", required = true, paramLabel = "TRANSFER_ID",
            description = "The transfer to trace: shipped out and received in.")
        String transfer;
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        final String flag = target.order != null ? "--order" : target.purchaseOrder != null ? "--purchase-order" :
            target.transfer != null ? "--transfer" : "--sku";
        if (location != null && target.sku == null)
        {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--location narrows --sku; it " +
                "cannot go with " + flag);
        }
        final String named = target.order != null ? target.order : target.purchaseOrder != null ?
            target.purchaseOrder : target.transfer != null ? target.transfer : target.sku;
        if (named.isBlank() || (location != null && location.isBlank()))
        {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), (named.isBlank() ? flag :
                "--location") + " needs a value, not an empty string");
        }
        window.check();
        final JournalConfig config = data.config();
        final PrintWriter out = new PrintWriter(spec.commandLine().getOut(), false);
        final PrintWriter err = spec.commandLine().getErr();
        final String what = (target.order != null ? "order " + target.order : target.purchaseOrder != null ?
            "purchase order " + target.purchaseOrder : target.transfer != null ? "transfer " + target.transfer :
            "SKU " + target.sku + (location != null ? " at " + location : "")) + window.describe();
        final TraceSink sink = target.sku != null ?
            new TraceSink(out::println, target.sku, location, null) :
            new TraceSink(out::println, null, null, target.order, target.purchaseOrder, target.transfer);
        sink.window(window.from(), window.to());
        try (SingleChronicleQueue queue = data.open(config))
        {
            final long firstSeq = JournalSeek.firstSeq(queue);
            if (firstSeq > 1)
            {
                learnPruned(config, sink, firstSeq, err);
            }
            try (JournalReader reader = JournalReader.open(new JournalReader.Context().config(config).queue(queue)))
            {
                reader.catchUp(sink);
                out.flush();
                TailCommand.warnTornTail(reader, err);
                if (sink.matched() == 0 || sink.eventsBeyondItsName() == 0)
                {
                    err.println("trace: no events for " + what + " in " + reader.events() + " events read" +
                        (sink.locationKnown() ? "" : " (no location " + location + " is named in the journal)"));
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

    /**
     * Teaches the sink what the pruned files defined: symbol names, and the lines of orders reserved in them, whose
     * later events name only a line number. Both come from the newest snapshot, loaded once (it is the whole state).
     */
    private static void learnPruned(final JournalConfig config, final TraceSink sink, final long firstSeq,
        final PrintWriter err)
    {
        final String start = "trace: the journal starts at seq " + firstSeq + " (older files were pruned), so the " +
            "trace starts there; ";
        final SnapshotStore.Loaded loaded = new SnapshotStore(config.snapshotDir(), config.snapshotsKept())
            .loadNewest(new EngineConfig(), err::println);
        if (loaded == null)
        {
            err.println(start + "there is no snapshot: names defined before it show as #id, and line events of " +
                "orders reserved before it have no line_sku or line_location");
            return;
        }
        final InventoryState state = loaded.state();
        JournalFiles.learnSymbols(state, sink);
        // A snapshot older than the journal's start misses the orders reserved between the two, and may hold an
        // earlier order of an id reserved again there: its order lines cannot be trusted.
        if (loaded.lastSeq() < firstSeq - 1)
        {
            err.println(start + "the newest snapshot ends at seq " + loaded.lastSeq() + ", before it: line events " +
                "of orders reserved before it have no line_sku or line_location");
            return;
        }
        sink.reservedBefore(firstSeq, state.orders());
        err.println(start + "the lines of orders reserved before it come from the snapshot at seq " +
            loaded.lastSeq() + ", for the orders it still holds");
    }
}
