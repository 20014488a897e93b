package io.stockengine.journal;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.agrona.concurrent.SleepingMillisIdleStrategy;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code tail}: events as JSON lines ({@link EventJson}), with SKU, location and channel names resolved even for
 * symbols defined before the first event shown. The names come from a pre-pass over the journal before the start
 * point that reads only symbol events (and from the newest snapshot when the journal's first events were pruned).
 */
@Command(name = "tail", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Prints events as JSON lines: the last 10 by default, all of them with --from-start, from a " +
        "seq, or those in a window of engine time (--since, --until); --follow keeps printing new events as the " +
        "engine journals them (stop with Ctrl-C).")
final class TailCommand implements Callable<Integer>
{
    @Mixin
    DataDirOption data;

    @ArgGroup(exclusive = true)
    Start start;

    static final class Start
    {
        @Option(names = "--from-start", required = true, description = "Start at the first event the journal holds.")
        boolean fromStart;

        @Option(names = "--from-seq", required = true, paramLabel = "N", description = "Start at event seq N.")
        Long fromSeq;

        @Option(names = { "-n", "--last" }, required = true, paramLabel = "N",
            description = "Start N events before the end, or before --until (default 10).")
        Long last;
    }

    @Option(names = { "-f", "--follow" }, description = "After the events so far, keep printing new ones.")
    boolean follow;

    /** --since starts where its time does; --until ends what is printed, and --last counts back from it. */
    @Mixin
    TimeWindow window;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        window.check();
        if (window.since != null && start != null)
        {
            throw new ParameterException(spec.commandLine(), "--since is where tail starts; it cannot go with " +
                "--from-start, --from-seq or --last");
        }
        if (window.until != null && follow)
        {
            throw new ParameterException(spec.commandLine(), "--until ends what tail prints; it cannot go with " +
                "--follow, which prints new events as they come");
        }
        final JournalConfig config = data.config();
        final PrintWriter out = new PrintWriter(spec.commandLine().getOut(), false);
        final PrintWriter err = spec.commandLine().getErr();
        try (SingleChronicleQueue queue = data.open(config))
        {
            final long first = JournalSeek.firstSeq(queue);
            final long lastSeq = JournalSeek.end(queue).seq();
            final long endSeq = window.until == null ? lastSeq :
                Math.min(lastSeq, JournalSeek.firstAtOrAfter(queue, window.until) - 1);
            final long startSeq = window.since != null ?
                Math.max(Math.max(first, 1), JournalSeek.firstAtOrAfter(queue, window.since)) :
                startSeq(first, lastSeq, endSeq);
            if (window.isSet() && !follow && startSeq > endSeq)
            {
                err.println("tail: no events" + window.describe() + " in the journal's seqs " +
                    (first == 0 ? "(none yet)" : first + ".." + lastSeq));
            }
            final EventJson json = new EventJson(out::println);
            if (first > 1)
            {
                JournalFiles.learnSnapshotSymbols(config, json::learn, err::println);
            }
            try (JournalReader reader = JournalReader.open(new JournalReader.Context().config(config).queue(queue)))
            {
                final AbstractEventSink symbols = new AbstractEventSink()
                {
                    @Override
                    public void symbol(final long seq, final int kind, final int id, final CharSequence name)
                    {
                        json.learn(kind, id, name);
                    }
                };
                int learned;
                do
                {
                    learned = reader.poll(symbols, JournalReader.DEFAULT_BATCH, startSeq - 1);
                }
                while (learned > 0);
                if (follow)
                {
                    reader.catchUp(json);
                }
                else
                {
                    // The journal as it stood when asked: a live one goes on growing while this prints, and "the
                    // last 10" printed everything appended meanwhile (a tester got 191 lines).
                    while (reader.poll(json, JournalReader.DEFAULT_BATCH, endSeq) > 0)
                    {
                        out.flush();
                    }
                    reader.catchUp(io.stockengine.engine.NoOpEventSink.INSTANCE);
                }
                out.flush();
                warnTornTail(reader, err);
                if (follow)
                {
                    reader.follow(json, JournalReader.DEFAULT_BATCH, new SleepingMillisIdleStrategy(10), () -> true,
                        out::flush);
                }
            }
        }
        finally
        {
            out.flush();
        }
        return JournalTool.OK;
    }

    /** @param end the last seq to print: the journal's last, or the last before --until. */
    private long startSeq(final long first, final long last, final long end)
    {
        if (start != null && start.fromStart)
        {
            return Math.max(first, 1);
        }
        if (start != null && start.fromSeq != null)
        {
            final long seq = start.fromSeq;
            if (seq < 1 || (first > 0 && seq < first) || seq > last + 1)
            {
                throw new ParameterException(spec.commandLine(), "--from-seq " + seq + " is not in the journal, " +
                    "which holds " + (first == 0 ? "no events yet" : "seqs " + first + ".." + last) +
                    (first > 1 ? " (older files were pruned)" : ""));
            }
            return seq;
        }
        final long count = start != null && start.last != null ? start.last : 10;
        if (count < 0)
        {
            throw new ParameterException(spec.commandLine(), "--last must not be negative: " + count);
        }
        return Math.max(Math.max(first, 1), end - count + 1);
    }

    static void warnTornTail(final JournalReader reader, final PrintWriter err)
    {
        if (reader.tornFrom() >= 0)
        {
            err.println("warning: the journal ends with an unreadable excerpt (0x" + Long.toHexString(reader.tornFrom()) +
                ": " + reader.tornReason() + "): a write cut short by a crash, or damage (verify says which, and " +
                "what the engine will do at its next start); nothing after it is shown");
            err.flush();
        }
    }
}
