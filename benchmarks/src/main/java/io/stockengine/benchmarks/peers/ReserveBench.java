package io.stockengine.benchmarks.peers;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import io.stockengine.client.StockClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The engine's side of the peer comparison ({@code benchmarks/peers/compare.sh}): loads the catalogue, runs the
 * closed-loop reservation workload over the binary protocol or HTTP and checks the engine's books afterwards, and
 * turns the peers' tool outputs and all runs into one CSV and one markdown report.
 * <p>
 * {@code java -cp benchmarks/target/benchmarks.jar io.stockengine.benchmarks.peers.ReserveBench --help}
 */
@Command(name = "ReserveBench", mixinStandardHelpOptions = true,
    description = "Peer comparison: the engine's closed-loop reservation client, result rows and the report.",
    subcommands = {ReserveBench.Load.class, ReserveBench.Run.class, ReserveBench.PgbenchRow.class,
        ReserveBench.RedisRow.class, ReserveBench.ReportCommand.class})
public final class ReserveBench
{
    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new ReserveBench()).execute(args));
    }

    /** Where the engine listens. */
    static final class Engine
    {
        @Option(names = "--host", defaultValue = "127.0.0.1", description = "engine host (default: ${DEFAULT-VALUE})")
        String host;
        @Option(names = "--tcp-port", defaultValue = "9090", description = "binary port (default: ${DEFAULT-VALUE})")
        int tcpPort;
        @Option(names = "--skus", defaultValue = "100000", description = "catalogue size (default: ${DEFAULT-VALUE})")
        int skus;
    }

    /** What a result row is labelled with. */
    static final class RowLabels
    {
        @Option(names = "--csv", required = true, description = "results CSV to append the row to")
        Path csv;
        @Option(names = "--system", required = true,
            description = "engine-binary, engine-http, postgres or redis")
        String system;
        @Option(names = "--settings", required = true,
            description = "sync|process (engine), synchronous_commit=on|off, appendfsync=everysec")
        String settings;
        @Option(names = "--mix", required = true, description = "uniform or flash")
        String mix;
        @Option(names = "--connections", required = true)
        int connections;
        @Option(names = "--depth", defaultValue = "1", description = "requests outstanding per connection")
        int depth;
    }

    @Command(name = "load", mixinStandardHelpOptions = true,
        description = "Receives 1,000,000 units of SKU-1..SKU-n at WH1 over the binary protocol, pipelined.")
    static final class Load implements Callable<Integer>
    {
        @CommandLine.Mixin
        Engine engine = new Engine();

        @Override
        public Integer call() throws Exception
        {
            final long start = System.nanoTime();
            try (StockClient client = BinaryDriver.connect(engine.host, engine.tcpPort))
            {
                final long refused = EngineCheck.loadCatalogue(client, engine.skus);
                System.out.printf(Locale.ROOT, "catalogue: %,d receipts in %.2f s, %d refused%n", engine.skus,
                    (System.nanoTime() - start) / 1e9, refused);
                return refused == 0 ? 0 : 1;
            }
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
        description = "Closed-loop reservations against the engine, then the correctness check.")
    static final class Run implements Callable<Integer>
    {
        @CommandLine.Mixin
        Engine engine = new Engine();
        @Option(names = "--target", required = true, description = "binary or http")
        String target;
        @Option(names = "--http-port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE})")
        int httpPort;
        @Option(names = "--mix", defaultValue = "uniform", description = "uniform or flash (default: ${DEFAULT-VALUE})")
        String mix;
        @Option(names = "--connections", defaultValue = "8", description = "default: ${DEFAULT-VALUE}")
        int connections;
        @Option(names = "--depth", defaultValue = "1",
            description = "requests outstanding per connection (default: ${DEFAULT-VALUE})")
        int depth;
        @Option(names = "--duration", defaultValue = "20", description = "measured seconds (default: ${DEFAULT-VALUE})")
        double duration;
        @Option(names = "--warmup", defaultValue = "5",
            description = "seconds run before measuring, for the JIT (default: ${DEFAULT-VALUE})")
        double warmup;
        @Option(names = "--seed", description = "random seed of the SKUs and order ids, printed and written to the " +
            "row (default: the time); the same seed against an engine that has seen it sends the same order ids " +
            "again, and they are replays")
        Long seed;
        @Option(names = "--client-threads", defaultValue = "2",
            description = "event loop threads the client connections share, HTTP and binary (default: ${DEFAULT-VALUE})")
        int clientThreads;
        @Option(names = "--settings", defaultValue = "process",
            description = "the engine's --durability, for the row (default: ${DEFAULT-VALUE})")
        String settings;
        @Option(names = "--csv", description = "results CSV to append the row to")
        Path csv;

        @Override
        public Integer call() throws Exception
        {
            final Workload workload = Workload.parse(mix);
            final long runSeed = seed != null ? seed : System.nanoTime();
            // Printed before the run too, so a run that fails half-way can still be drawn again.
            System.out.printf(Locale.ROOT, "seed %d%n", runSeed);
            final RunSpec spec = new RunSpec(engine.host, engine.tcpPort, httpPort, workload, engine.skus,
                connections, depth, warmup, duration, runSeed, clientThreads);
            final List<Tally> tallies = switch (target)
            {
                case "binary" -> BinaryDriver.run(spec);
                case "http" -> HttpDriver.run(spec);
                default -> throw new CommandLine.ParameterException(new CommandLine(this),
                    "--target is binary or http, not " + target);
            };
            final Tally total = new Tally();
            int sampled = 0;
            for (final Tally t : tallies)
            {
                total.add(t);
                sampled += Math.min(t.sampled, Tally.SAMPLE);
            }
            final long[] ids = new long[sampled];
            final int[] skus = new int[sampled];
            int n = 0;
            for (final Tally t : tallies)
            {
                for (int i = 0; i < Math.min(t.sampled, Tally.SAMPLE); i++, n++)
                {
                    ids[n] = t.sampleIds[i];
                    skus[n] = t.sampleSkus[i];
                }
            }
            final String check = check(total, ids, skus);
            final String system = "engine-" + target;
            final ResultRow row = new ResultRow(system, settings, workload.label(), connections, depth, duration,
                total.measured / duration, millis(total.latency, 50), millis(total.latency, 99), total.measured,
                total.reserved, total.duplicates, total.rejected, total.errors + total.overloaded, check, runSeed);
            print(row, total);
            if (csv != null)
            {
                row.appendTo(csv);
            }
            return check.equals("ok") ? 0 : 1;
        }

        /**
         * Sends the sampled reservations again (each must come back replayed, reserving nothing), then compares the
         * engine's sum of reserved with the reservations the run was told it made.
         */
        private String check(final Tally total, final long[] ids, final int[] skus) throws InterruptedException
        {
            try (StockClient client = BinaryDriver.connect(engine.host, engine.tcpPort))
            {
                final long notReplayed = EngineCheck.repeatOrders(client, ids, skus);
                final long sum = EngineCheck.sumReserved(client, engine.skus);
                System.out.printf(Locale.ROOT, "check: %d repeated order ids, %d not answered as a replay; " +
                    "sum(reserved) %,d, reservations answered %,d%n", ids.length, notReplayed, sum, total.reserved);
                final List<String> problems = new ArrayList<>();
                if (notReplayed > 0)
                {
                    problems.add(notReplayed + " repeated order ids not replayed");
                }
                if (sum != total.reserved)
                {
                    problems.add("sum(reserved) " + sum + " != reservations " + total.reserved);
                }
                if (total.errors > 0)
                {
                    problems.add(total.errors + " errors");
                }
                return problems.isEmpty() ? "ok" : "FAIL: " + String.join("; ", problems);
            }
        }

        /**
         * The row, and what its ops/s are made of: every answer in the window counts as an operation, a refusal as
         * much as a reservation, so the accepted and refused answers are printed beside it.
         */
        private void print(final ResultRow row, final Tally total)
        {
            final long accepted = total.measured(Tally.Outcome.RESERVED);
            final long refused = total.measured - accepted;
            System.out.printf(Locale.ROOT, "%s %s %s c=%d P=%d seed=%d: %,.0f ops/s (in the window %,d accepted, " +
                    "%,d refused: %,d for want of stock, %,d overloaded, %,d duplicates, %,d errors), " +
                    "p50 %.3f ms, p99 %.3f ms (%,d answers in %.1f s after %.1f s warm-up; whole run: %,d reserved, " +
                    "%,d duplicates, %,d rejected, %,d overloaded, %,d errors)%n", row.system(), row.settings(),
                row.mix(), row.connections(), row.depth(), row.seed(), row.throughput(), accepted, refused,
                total.measured(Tally.Outcome.REJECTED), total.measured(Tally.Outcome.OVERLOADED),
                total.measured(Tally.Outcome.DUPLICATE), total.measured(Tally.Outcome.ERROR), row.p50Millis(),
                row.p99Millis(), row.requests(), duration, warmup, total.reserved, total.duplicates, total.rejected,
                total.overloaded, total.errors);
            if (refused * 2 > total.measured)
            {
                System.out.printf(Locale.ROOT, "WARNING: %.0f%% of the answers in the window reserved nothing: the " +
                    "%,.0f ops/s are mostly refusals, not reservations (%s)%n", 100.0 * refused / total.measured,
                    row.throughput(), total.reserved == 0 ? "nothing was reserved at all: was the catalogue loaded " +
                    "first, with 'ReserveBench load' and the same --skus?" : "the flash mix sells its hot SKUs out " +
                    "at high rates");
            }
        }
    }

    @Command(name = "pgbench-row", mixinStandardHelpOptions = true,
        description = "Turns a pgbench run (its summary and --log files) into a result row.")
    static final class PgbenchRow implements Callable<Integer>
    {
        @CommandLine.Mixin
        RowLabels labels = new RowLabels();
        @Option(names = "--summary", required = true, description = "pgbench's standard output")
        Path summary;
        @Option(names = "--log-prefix", required = true, description = "pgbench's --log-prefix")
        Path logPrefix;
        @Option(names = "--duration", required = true, description = "pgbench -T")
        double duration;
        @Option(names = "--reserved", required = true, description = "SELECT count(*) FROM reservations")
        long reserved;
        @Option(names = "--check", required = true, description = "ok, or what did not add up")
        String check;

        @Override
        public Integer call() throws Exception
        {
            final PeerOutputs.PgbenchSummary s =
                PeerOutputs.pgbenchSummary(Files.readString(summary, StandardCharsets.UTF_8));
            final PeerOutputs.PgbenchLatencies latencies = PeerOutputs.pgbenchLatencies(logPrefix);
            final ResultRow row = new ResultRow(labels.system, labels.settings, labels.mix, labels.connections,
                labels.depth, duration, s.tps(), millis(latencies.histogram(), 50),
                millis(latencies.histogram(), 99), s.processed(), reserved, -1,
                Math.max(0, s.processed() - s.failed() - reserved), s.failed(), check, null);
            row.appendTo(labels.csv);
            System.out.println(row.toCsv());
            return 0;
        }
    }

    @Command(name = "redis-row", mixinStandardHelpOptions = true,
        description = "Turns a redis-benchmark --csv run into a result row.")
    static final class RedisRow implements Callable<Integer>
    {
        @CommandLine.Mixin
        RowLabels labels = new RowLabels();
        @Option(names = "--output", required = true, description = "redis-benchmark's --csv output")
        Path output;
        @Option(names = "--requests", required = true, description = "redis-benchmark -n")
        long requests;
        @Option(names = "--reserved", required = true, description = "order keys in the database")
        long reserved;
        @Option(names = "--check", required = true, description = "ok, or what did not add up")
        String check;

        @Override
        public Integer call() throws Exception
        {
            final PeerOutputs.RedisResult r = PeerOutputs.redisCsv(Files.readString(output, StandardCharsets.UTF_8));
            final ResultRow row = new ResultRow(labels.system, labels.settings, labels.mix, labels.connections,
                labels.depth, r.rps() > 0 ? requests / r.rps() : 0, r.rps(), r.p50Millis(), r.p99Millis(), requests,
                reserved, -1, Math.max(0, requests - reserved), -1, check, null);
            row.appendTo(labels.csv);
            System.out.println(row.toCsv());
            return 0;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
        description = "Prints the table and the ratios of a results CSV, and writes them as markdown.")
    static final class ReportCommand implements Callable<Integer>
    {
        @Option(names = "--csv", required = true, description = "results CSV")
        Path csv;
        @Option(names = "--markdown", description = "file to write the report to")
        Path markdown;
        @Option(names = "--title", defaultValue = "Peer comparison", description = "default: ${DEFAULT-VALUE}")
        String title;
        @Option(names = "--note", description = "a line for the list under the title (repeatable)")
        List<String> notes = new ArrayList<>();

        @Override
        public Integer call() throws Exception
        {
            final String text = Report.markdown(title, notes, ResultRow.readAll(csv));
            System.out.print(text);
            if (markdown != null)
            {
                Files.writeString(markdown, text, StandardCharsets.UTF_8);
            }
            return 0;
        }
    }

    static double millis(final Histogram histogram, final double percentile)
    {
        return histogram.getTotalCount() == 0 ? 0 :
            histogram.getValueAtPercentile(percentile) / (double)TimeUnit.MILLISECONDS.toNanos(1);
    }
}
