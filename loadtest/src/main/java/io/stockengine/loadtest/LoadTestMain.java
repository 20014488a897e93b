package io.stockengine.loadtest;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.stockengine.journal.ShortUsageErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar loadtest/target/loadtest.jar}: an open-loop load test of a running server (or of one embedded in
 * this JVM with {@code --embedded}). Exit status: 0 when the run reconciled, 1 when the engine's balances differ
 * from what was acknowledged (or answers were lost), 2 for bad flags, 3 when the run could not be done (no server,
 * a set-up request refused).
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true, version = "loadtest 0.1.0", sortOptions = false,
    description = "Open-loop load against the stock engine over the binary protocol or HTTP/JSON: latency from each " +
        "request's intended start (no coordinated omission), per-second progress, percentile reports and plots, " +
        "and a reconciliation of every SKU against what the run was acknowledged.")
public final class LoadTestMain implements Callable<Integer>
{
    private final LoadConfig config = new LoadConfig();

    @Option(names = "--scenario", description = "marketplace, flash-sale, multichannel or pos (default: ${DEFAULT-VALUE})")
    String scenario = config.scenario;

    @Option(names = "--protocol", description = "binary or http (default: ${DEFAULT-VALUE})")
    String protocol = config.protocol;

    @Option(names = "--host", description = "server address (default: ${DEFAULT-VALUE})")
    String host = config.host;

    @Option(names = "--tcp-port", description = "binary protocol port (default: ${DEFAULT-VALUE})")
    int tcpPort = config.tcpPort;

    @Option(names = "--http-port", description = "HTTP port (default: ${DEFAULT-VALUE})")
    int httpPort = config.httpPort;

    @Option(names = "--embedded", description = "start a server in this JVM (temporary journal) instead")
    boolean embedded;

    @Option(names = "--rate", description = "requests per second (default: ${DEFAULT-VALUE})")
    double rate = config.rate;

    @Option(names = "--duration", description = "seconds of measured load (default: ${DEFAULT-VALUE})")
    double duration = config.durationSeconds;

    @Option(names = "--warmup", description = "seconds of load before measuring, not counted (default: ${DEFAULT-VALUE})")
    double warmup = config.warmupSeconds;

    @Option(names = "--connections", description = "connections to the server (default: ${DEFAULT-VALUE})")
    int connections = config.connections;

    @Option(names = "--max-in-flight", description = "requests a connection may hold; more are not sent and count " +
        "as NOT_SENT (default: ${DEFAULT-VALUE})")
    int maxInFlight = config.maxInFlight;

    @Option(names = "--http-pipeline", description = "HTTP requests on the wire per connection; 1 = no pipelining " +
        "(default: ${DEFAULT-VALUE})")
    int httpPipeline = config.httpPipeline;

    @Option(names = "--io-threads", description = "event loops of the HTTP client (default: ${DEFAULT-VALUE})")
    int ioThreads = config.ioThreads;

    @Option(names = "--request-timeout", description = "seconds before a request without an answer counts as " +
        "TIMEOUT (default: ${DEFAULT-VALUE})")
    double requestTimeout = config.requestTimeoutSeconds;

    @Option(names = "--skus", description = "catalogue size (default: 10000; pos 2000)")
    Integer skus;

    @Option(names = "--locations", description = "warehouses, or stores for pos (default: 4; pos 50)")
    Integer locations;

    @Option(names = "--channels", description = "sales channels (default: 3; multichannel 5)")
    Integer channels;

    @Option(names = "--lines", description = "most lines per order or sale (default: ${DEFAULT-VALUE})")
    int lines = config.lines;

    @Option(names = "--initial-stock", description = "units received per SKU x location before the run " +
        "(default: ${DEFAULT-VALUE})")
    long initialStock = config.initialStock;

    @Option(names = "--ttl-fraction", description = "share of reservations with a short TTL, left to expire " +
        "(default: ${DEFAULT-VALUE})")
    double ttlFraction = config.ttlFraction;

    @Option(names = "--ttl-seconds", description = "their TTL (default: ${DEFAULT-VALUE})")
    long ttlSeconds = config.ttlSeconds;

    @Option(names = "--hot-skus", description = "flash sale: hot SKUs (default: ${DEFAULT-VALUE})")
    int hotSkus = config.hotSkus;

    @Option(names = "--hot-stock", description = "flash sale: units of each hot SKU (default: ${DEFAULT-VALUE})")
    long hotStock = config.hotStock;

    @Option(names = "--hot-fraction", description = "flash sale: share of orders on hot SKUs (default: ${DEFAULT-VALUE})")
    double hotFraction = config.hotFraction;

    @Option(names = "--burst", description = "pos: sales per burst from one store (default: 10)")
    Integer burst;

    @Option(names = "--step", description = "step mode: raise the rate until a step's p99 passes the bound")
    boolean step;

    @Option(names = "--step-start", description = "first step's rate (default: ${DEFAULT-VALUE})")
    double stepStart = config.stepStart;

    @Option(names = "--step-factor", description = "each step's rate over the last one's (default: ${DEFAULT-VALUE})")
    double stepFactor = config.stepFactor;

    @Option(names = "--step-duration", description = "seconds per step (default: ${DEFAULT-VALUE})")
    double stepDuration = config.stepSeconds;

    @Option(names = "--step-max", description = "highest rate tried (default: ${DEFAULT-VALUE})")
    double stepMax = config.stepMax;

    @Option(names = "--step-attempts", description = "runs of a step before it counts as failed; more than 1 " +
        "tells a passing stall on a shared machine from a rate that cannot be held (default: ${DEFAULT-VALUE})")
    int stepAttempts = config.stepAttempts;

    @Option(names = "--p99-bound-ms", description = "a step holds while its p99 is at most this (default: ${DEFAULT-VALUE})")
    double p99Bound = config.p99BoundMillis;

    @Option(names = "--max-error-fraction", description = "a step holds while at most this share of its requests " +
        "was refused for load or lost (default: ${DEFAULT-VALUE})")
    double maxErrorFraction = config.maxErrorFraction;

    @Option(names = "--out", description = "directory for the summary, .hgrm files and PNG plots; an earlier " +
        "run's files there are replaced " +
        "(default: ${DEFAULT-VALUE})")
    Path out = config.out;

    @Option(names = "--run-id", description = "prefix of this run's SKUs, orders and keys (default: from the clock)")
    String runId;

    @Option(names = "--seed", description = "seed of the request mix (default: ${DEFAULT-VALUE})")
    long seed = config.seed;

    @Option(names = "--no-charts", description = "skip the PNG plots")
    boolean noCharts;

    public static void main(final String[] args)
    {
        // Before any Chronicle class loads (embedded mode): it must never phone home or write to the home directory.
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        System.setProperty("chronicle.disk.monitor.disable", "true");
        System.setProperty("org.slf4j.simpleLogger.log.net.openhft", "warn");
        System.setProperty("java.awt.headless", "true");
        System.exit(ShortUsageErrors.install(new CommandLine(new LoadTestMain())).execute(args));
    }

    LoadConfig configure()
    {
        config.scenario = scenario;
        config.protocol = protocol;
        config.host = host;
        config.tcpPort = tcpPort;
        config.httpPort = httpPort;
        config.embedded = embedded;
        config.rate = rate;
        config.durationSeconds = duration;
        config.warmupSeconds = warmup;
        config.connections = connections;
        config.maxInFlight = maxInFlight;
        config.httpPipeline = httpPipeline;
        config.ioThreads = ioThreads;
        config.requestTimeoutSeconds = requestTimeout;
        config.skus = given("skus", skus);
        config.locations = given("locations", locations);
        config.channels = given("channels", channels);
        config.lines = lines;
        config.initialStock = initialStock;
        config.ttlFraction = ttlFraction;
        config.ttlSeconds = ttlSeconds;
        config.hotSkus = hotSkus;
        config.hotStock = hotStock;
        config.hotFraction = hotFraction;
        config.burst = given("burst", burst);
        config.step = step;
        config.stepStart = stepStart;
        config.stepFactor = stepFactor;
        config.stepSeconds = stepDuration;
        config.stepMax = stepMax;
        config.stepAttempts = stepAttempts;
        config.p99BoundMillis = p99Bound;
        config.maxErrorFraction = maxErrorFraction;
        config.out = out;
        config.runId = runId;
        config.seed = seed;
        config.charts = !noCharts;
        return config.conclude();
    }

    /** A size given on the command line must be positive; not given, the scenario's default applies (-1). */
    private static int given(final String name, final Integer value)
    {
        if (value == null)
        {
            return -1;
        }
        if (value <= 0)
        {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }

    @Override
    public Integer call()
    {
        final LoadConfig settings;
        try
        {
            settings = configure();
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("loadtest: " + ex.getMessage());
            return 2;
        }
        if (settings.out != null)
        {
            // Checked before any load is sent: the reports are written at the end, and a run whose reports cannot
            // be written has lost its outcome.
            try
            {
                java.nio.file.Files.createDirectories(settings.out);
                if (!java.nio.file.Files.isWritable(settings.out))
                {
                    throw new java.io.IOException("not writable");
                }
            }
            catch (final java.io.IOException ex)
            {
                System.err.println("loadtest: --out " + settings.out + " cannot hold the reports (" + ex + "): pass " +
                    "a directory this user may write");
                return 2;
            }
        }
        final LoadTest.Result result;
        try
        {
            result = LoadTest.run(settings, System.out);
        }
        catch (final Exception ex)
        {
            System.err.println("loadtest: the run could not be completed: " + ex);
            return 3;
        }
        if (!result.passed())
        {
            System.err.println("loadtest: FAILED: " + (result.drained() ? result.reconciliation().differences.size() +
                " differences between the engine and the acknowledged results" : "answers were lost"));
            return 1;
        }
        return 0;
    }
}
