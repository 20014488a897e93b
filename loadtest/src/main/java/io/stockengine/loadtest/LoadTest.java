package io.stockengine.loadtest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;

import io.stockengine.engine.ResultCode;
import io.stockengine.gateway.GatewayConfig;
import io.stockengine.gateway.StockServer;

/**
 * One load test run, in the order it happens: {@link #connect} (or start an embedded server), {@link #setup} (the
 * catalogue through the API), {@link #load} (warm-up, then the run at a fixed rate or the steps of the step mode),
 * {@link #reconcile} and {@link #report}. {@link #run} does all of it.
 */
final class LoadTest implements AutoCloseable
{
    private static final int SETUP_WINDOW_PER_CONNECTION = 256;
    private static final long SETUP_TIMEOUT_MILLIS = 300_000;

    private final LoadConfig config;
    private final PrintStream out;
    private final Scenario scenario;
    private final LatencyStats stats = new LatencyStats();
    private StockServer embedded;
    private Path embeddedDir;
    private Target target;
    private OpenLoopGenerator generator;
    private Progress progress;
    private boolean drained = true;
    private LatencyStats.Phase measured;
    private final List<LatencyStats.Phase> steps = new ArrayList<>();
    private final List<Boolean> held = new ArrayList<>();
    private double sustainableRate;
    /** Wraps the target once it is connected; the tests use it to lose answers on purpose. */
    private UnaryOperator<Target> targetWrapper = UnaryOperator.identity();

    /** What a run produced. */
    record Result(LatencyStats.Phase measured, List<LatencyStats.Phase> steps, List<Boolean> held,
        double sustainableRate, Reconciliation reconciliation, boolean drained, Path out)
    {
        boolean passed()
        {
            return drained && reconciliation.passed();
        }
    }

    LoadTest(final LoadConfig config, final PrintStream out)
    {
        this.config = config.conclude();
        this.out = out;
        this.scenario = Scenario.create(config);
    }

    static Result run(final LoadConfig config, final PrintStream out) throws Exception
    {
        try (LoadTest test = new LoadTest(config, out))
        {
            test.connect();
            test.setup();
            test.load();
            return test.report(test.reconcile());
        }
    }

    Scenario scenario()
    {
        return scenario;
    }

    LoadTest wrapTarget(final UnaryOperator<Target> wrapper)
    {
        this.targetWrapper = wrapper;
        return this;
    }

    void connect() throws Exception
    {
        if (config.embedded)
        {
            startEmbedded();
        }
        final Duration timeout = Duration.ofMillis((long)(config.requestTimeoutSeconds * 1000));
        target = "binary".equals(config.protocol) ?
            new BinaryTarget(config.host, config.tcpPort, config.connections, timeout) :
            new HttpTarget(config.host, config.httpPort, config.connections, config.httpPipeline, config.ioThreads,
                timeout);
        target = targetWrapper.apply(target);
        generator = new OpenLoopGenerator(target, scenario, stats, config.maxInFlight);
        // The seed drives the request mix: printed so that a failing run can be tried again with the same one.
        out.printf(Locale.ROOT, "%s over %s: %d connections to %s:%d, run %s, seed %d%n", scenario.name(),
            config.protocol, config.connections, config.host,
            "binary".equals(config.protocol) ? config.tcpPort : config.httpPort, config.runId, config.seed);
    }

    private void startEmbedded() throws Exception
    {
        final Path shm = Path.of("/dev/shm");
        embeddedDir = Files.isDirectory(shm) && Files.isWritable(shm) ?
            Files.createTempDirectory(shm, "loadtest-") : Files.createTempDirectory("loadtest-");
        final GatewayConfig server = new GatewayConfig();
        server.httpPort = 0;
        server.tcpPort = 0;
        server.dataDir = embeddedDir;
        server.snapshots = false;
        embedded = StockServer.start(server, line ->
        {
        });
        config.host = "127.0.0.1";
        config.tcpPort = embedded.tcpPort();
        config.httpPort = embedded.httpPort();
        out.println("embedded server: journal in " + embeddedDir + " (the server shares this JVM and its cores)");
    }

    /** Loads the catalogue through the API; every set-up request must succeed. */
    void setup() throws InterruptedException
    {
        final long start = System.nanoTime();
        final List<Op> ops = scenario.setup();
        final Outcome[] outcomes = Bulk.sendAll(target, ops, SETUP_WINDOW_PER_CONNECTION * config.connections,
            SETUP_TIMEOUT_MILLIS);
        int failed = 0;
        String first = null;
        int receipts = 0;
        for (int i = 0; i < outcomes.length; i++)
        {
            final Op op = ops.get(i);
            if (outcomes[i].code != ResultCode.OK)
            {
                failed++;
                if (first == null)
                {
                    first = OpKind.name(op.kind) + " " + (op.sku != null ? op.sku : op.channel) + ": " +
                        Codes.name(outcomes[i].code);
                }
            }
            else if (op.kind == OpKind.RECEIVE)
            {
                scenario.ledger.received(op);
                receipts++;
            }
        }
        if (failed > 0)
        {
            throw new IllegalStateException("set-up failed for " + failed + " of " + ops.size() + " requests, first: " +
                first);
        }
        out.printf(Locale.ROOT, "setup: %,d SKUs x %,d locations, %,d channels: %,d receipts in %.1f s%n",
            config.skus, config.locations, scenario.catalogue.channels.length, receipts,
            (System.nanoTime() - start) / 1e9);
    }

    /** The warm-up, then the run or the steps; returns when every request sent has its outcome. */
    void load()
    {
        progress = new Progress(stats, out, generator::inFlight);
        try
        {
            final double firstRate = config.step ? config.stepStart : config.rate;
            if (config.warmupSeconds > 0)
            {
                final LatencyStats.Phase warmup = phase("warmup", firstRate, config.warmupSeconds);
                out.printf(Locale.ROOT, "warm-up done: %,d answered, p99 %.3f ms (not counted)%n", warmup.answered,
                    warmup.percentileMillis(99));
            }
            if (!config.step)
            {
                measured = phase("run", config.rate, config.durationSeconds);
                return;
            }
            double rate = config.stepStart;
            for (int k = 1; drained; k++)
            {
                boolean ok = false;
                for (int attempt = 1; attempt <= config.stepAttempts && !ok && drained; attempt++)
                {
                    final LatencyStats.Phase step = phase("step " + k, rate, config.stepSeconds);
                    ok = holds(step);
                    steps.add(step);
                    held.add(ok);
                    out.printf(Locale.ROOT, "step %d at %,.0f/s (attempt %d): answered %,.0f/s, p99 %.3f ms, " +
                        "generator lag p99 %.3f ms, answers other than OK: %s; %s%n", k, rate, attempt,
                        step.throughput(),
                        step.percentileMillis(99), step.lag.getValueAtPercentile(99) / 1000.0, step.notOk(),
                        ok ? "held" : "FAILED");
                }
                if (!ok)
                {
                    break;
                }
                sustainableRate = rate;
                if (rate >= config.stepMax)
                {
                    break;
                }
                rate = nextStepRate(rate, config.stepFactor, config.stepMax);
            }
        }
        finally
        {
            progress.close();
        }
    }

    private LatencyStats.Phase phase(final String name, final double rate, final double seconds)
    {
        progress.phase(name, rate);
        final long start = System.nanoTime();
        generator.run(rate, (long)(seconds * 1e9));
        final long drainTimeout = TimeUnit.MILLISECONDS.toNanos((long)(config.requestTimeoutSeconds * 1000) + 10_000);
        if (!generator.drain(drainTimeout))
        {
            drained = false;
            out.printf("%s: %d requests still without an outcome after the request timeout%n", name,
                generator.inFlight());
        }
        return stats.endPhase(name, rate, System.nanoTime() - start);
    }

    /** A step holds when its p99 is within the bound, it drained, and (almost) nothing was refused for load or lost. */
    private boolean holds(final LatencyStats.Phase step)
    {
        final long attempted = step.sent + step.count(Codes.NOT_SENT);
        return drained && step.percentileMillis(99) <= config.p99BoundMillis &&
            step.capacityErrors() <= config.maxErrorFraction * attempted;
    }

    /**
     * The rate of the step after one that held: the factor up, rounded to three digits, and always higher than the
     * rate before (a small factor rounded back down would repeat one step for ever), never past the maximum.
     */
    static double nextStepRate(final double rate, final double factor, final double max)
    {
        final double rounded = roundRate(rate * factor);
        return Math.min(max, rounded > rate ? rounded : Math.ceil(rate * factor));
    }

    /** Three significant digits, so the step rates read well. */
    static double roundRate(final double rate)
    {
        final double scale = Math.pow(10, Math.floor(Math.log10(rate)) - 2);
        return Math.round(rate / scale) * scale;
    }

    Reconciliation reconcile() throws InterruptedException
    {
        if (!drained)
        {
            throw new IllegalStateException("requests are still in flight: the balances cannot be reconciled");
        }
        return new Reconciler(target, scenario.ledger, out).reconcile();
    }

    /**
     * The files named after an operation kind or a step are written only for the kinds and steps a run has, and the
     * plots only with charts on, so an earlier run's would stay beside this run's and be read as its own; the other
     * fixed names are overwritten anyway. Only this tool's own names are removed.
     */
    private static void removeEarlierRunsFiles(final Path dir) throws IOException
    {
        try (java.nio.file.DirectoryStream<Path> earlier = Files.newDirectoryStream(dir,
            "{latency-*.hgrm,step-*.hgrm,latency-by-percentile.png,timeline.png}"))
        {
            for (final Path file : earlier)
            {
                Files.deleteIfExists(file);
            }
        }
    }

    Result report(final Reconciliation reconciliation) throws IOException
    {
        final Path dir = config.out;
        Files.createDirectories(dir);
        removeEarlierRunsFiles(dir);
        final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        final PrintStream summary = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        final String title = String.format(Locale.ROOT, "%s over %s, %d connections (max %d in flight each%s), %s",
            scenario.name(), config.protocol, config.connections, config.maxInFlight,
            "http".equals(config.protocol) ? ", pipeline " + config.httpPipeline : "",
            config.embedded ? "embedded server" : config.host);
        final List<String> names = new ArrayList<>();
        final List<Histogram> histograms = new ArrayList<>();
        if (measured != null)
        {
            Reports.summary(summary, title, measured);
            Reports.hgrm(dir.resolve("latency.hgrm"), measured.all);
            Reports.hgrm(dir.resolve("service-time.hgrm"), measured.service);
            names.add("all");
            histograms.add(measured.all);
            for (int kind = 0; kind < OpKind.COUNT; kind++)
            {
                if (measured.perKind[kind].getTotalCount() > 0)
                {
                    Reports.hgrm(dir.resolve("latency-" + OpKind.name(kind) + ".hgrm"), measured.perKind[kind]);
                    names.add(OpKind.name(kind));
                    histograms.add(measured.perKind[kind]);
                }
            }
        }
        else
        {
            summary.println(title + ", step mode");
            Reports.stepTable(summary, steps, config.p99BoundMillis, held);
            summary.printf(Locale.ROOT, "sustainable throughput: %,.0f requests/s (highest step whose p99 stayed " +
                "within %.1f ms%s)%n", sustainableRate, config.p99BoundMillis, sustainableRate >= config.stepMax ?
                "; it held at --step-max, so the server may sustain more: raise --step-max" : "");
            for (int i = 0; i < steps.size(); i++)
            {
                final LatencyStats.Phase step = steps.get(i);
                Reports.hgrm(dir.resolve(String.format(Locale.ROOT, "step-%02d-%.0f.hgrm", i + 1, step.targetRate)),
                    step.all);
                names.add(String.format(Locale.ROOT, "%,.0f/s%s", step.targetRate, held.get(i) ? "" : " FAILED"));
                histograms.add(step.all);
            }
        }
        reconciliation.print(summary);
        summary.flush();
        final String text = buffer.toString(StandardCharsets.UTF_8);
        out.print(text);
        Files.writeString(dir.resolve("summary.txt"), text);
        Files.write(dir.resolve("reconciliation.txt"), reconciliation.differences);
        final List<Progress.Point> timeline = progress == null ? List.of() : progress.timeline();
        Reports.timelineCsv(dir.resolve("timeline.csv"), timeline);
        if (config.charts)
        {
            final String chartTitle = scenario.name() + " over " + config.protocol;
            Charts.latencyByPercentile(dir.resolve("latency-by-percentile.png"), chartTitle + (measured != null ?
                String.format(Locale.ROOT, " at %,.0f/s", measured.targetRate) : ", steps"), names, histograms);
            Charts.timeline(dir.resolve("timeline.png"), chartTitle, timeline);
        }
        out.println("results in " + dir.toAbsolutePath());
        return new Result(measured, List.copyOf(steps), List.copyOf(held), sustainableRate, reconciliation, drained,
            dir);
    }

    @Override
    public void close()
    {
        if (progress != null)
        {
            progress.close();
        }
        if (target != null)
        {
            target.close();
        }
        if (embedded != null)
        {
            embedded.close();
            deleteQuietly(embeddedDir);
        }
    }

    private static void deleteQuietly(final Path dir)
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (final IOException ex)
        {
            System.err.println("loadtest: could not delete " + dir + ": " + ex.getMessage());
        }
    }
}
