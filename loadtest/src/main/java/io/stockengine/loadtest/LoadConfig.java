package io.stockengine.loadtest;

import java.nio.file.Path;
import java.util.List;

/**
 * Settings of a load test run. Fields left at -1 take the scenario's default in {@link #conclude()}, which also
 * validates everything once.
 */
final class LoadConfig
{
    static final List<String> SCENARIOS = List.of("marketplace", "flash-sale", "multichannel", "pos");

    String scenario = "marketplace";
    String protocol = "binary";
    String host = "127.0.0.1";
    int tcpPort = 9090;
    int httpPort = 8080;
    /** Run a server in this JVM (temporary journal) instead of connecting to one. */
    boolean embedded;

    /** The highest rate one generator thread can schedule; the rate and step-max are held to it. */
    static final double MAX_RATE = 5_000_000;
    private static final String MAX_RATE_TEXT = "5,000,000";
    double rate = 1_000;
    double durationSeconds = 30;
    double warmupSeconds = 5;
    int connections = 8;
    int maxInFlight = 4_096;
    int httpPipeline = 1;
    int ioThreads = 1;
    double requestTimeoutSeconds = 30;

    int skus = -1;
    int locations = -1;
    int channels = -1;
    int lines = 3;
    long initialStock = 1_000;
    double ttlFraction = 0.1;
    long ttlSeconds = 2;
    int hotSkus = 10;
    long hotStock = 500;
    double hotFraction = 0.9;
    int burst = -1;

    boolean step;
    double stepStart = 1_000;
    double stepFactor = 1.25;
    double stepSeconds = 10;
    double stepMax = 1_000_000;
    /**
     * Runs of a step before it counts as failed. On a shared machine one stall from another process can sink a
     * step's p99; a second attempt tells that from a rate the system cannot hold (which fails every time).
     */
    int stepAttempts = 1;
    double p99BoundMillis = 10;
    /** A step fails when more than this share of its requests got no answer or were refused for load. */
    double maxErrorFraction = 0.001;

    Path out = Path.of("loadtest-results");
    String runId;
    long seed = 42;
    boolean charts = true;

    LoadConfig conclude()
    {
        require(SCENARIOS.contains(scenario), "scenario must be one of " + SCENARIOS + ", got " + scenario);
        require("binary".equals(protocol) || "http".equals(protocol), "protocol must be binary or http, got " +
            protocol);
        final boolean pos = "pos".equals(scenario);
        skus = skus > 0 ? skus : pos ? 2_000 : 10_000;
        locations = locations > 0 ? locations : pos ? 50 : 4;
        channels = channels > 0 ? channels : "multichannel".equals(scenario) ? 5 : pos ? 1 : 3;
        burst = burst > 0 ? burst : pos ? 10 : 1;
        if (runId == null)
        {
            runId = "lt" + Long.toString(System.currentTimeMillis(), 36);
        }
        require(runId.matches("[A-Za-z0-9]{1,24}"), "run-id must be 1..24 letters and digits, got " + runId);
        require(tcpPort >= 1 && tcpPort <= 65_535, "tcp-port must be 1..65535, got " + tcpPort);
        require(httpPort >= 1 && httpPort <= 65_535, "http-port must be 1..65535, got " + httpPort);
        // Past this the generator cannot even schedule the requests: the run would only pile up NOT_SENT for far
        // longer than its duration.
        require(rate > 0 && rate <= MAX_RATE, "rate must be more than 0 and at most " + MAX_RATE_TEXT +
            " a second, got " + rate);
        require(durationSeconds > 0 && durationSeconds <= 86_400, "duration must be more than 0 and at most 86400 s");
        require(warmupSeconds >= 0 && warmupSeconds <= 86_400, "warmup must be 0..86400 s");
        require(connections >= 1, "connections must be at least 1");
        require(maxInFlight >= 1, "max-in-flight must be at least 1");
        require(httpPipeline >= 1, "http-pipeline must be at least 1");
        require(ioThreads >= 1, "io-threads must be at least 1");
        require(requestTimeoutSeconds > 0, "request-timeout must be positive");
        require(lines >= 1 && lines <= 1_000, "lines must be 1..1000");
        require(initialStock >= 1 && initialStock <= 1_000_000_000L, "initial-stock must be 1..1e9");
        require(ttlFraction >= 0 && ttlFraction <= 1, "ttl-fraction must be 0..1");
        require(ttlSeconds >= 1 && ttlSeconds <= 31_536_000, "ttl-seconds must be 1..31536000");
        require(hotFraction >= 0 && hotFraction <= 1, "hot-fraction must be 0..1");
        require(hotStock >= 1 && hotStock <= 1_000_000_000L, "hot-stock must be 1..1e9");
        if ("flash-sale".equals(scenario))
        {
            require(hotSkus >= 1 && hotSkus < skus, "hot-skus must be at least 1 and fewer than skus");
        }
        require((long)skus * locations <= 50_000_000L, "skus x locations must be at most 50,000,000");
        require(stepStart > 0 && stepFactor > 1 && stepSeconds > 0 && stepMax >= stepStart,
            "step mode needs step-start > 0, step-factor > 1, step-duration > 0, step-max >= step-start");
        require(stepMax <= MAX_RATE && Double.isFinite(stepFactor), "step-max must be at most " + MAX_RATE_TEXT +
            " a second and step-factor finite");
        require(stepAttempts >= 1, "step-attempts must be at least 1");
        require(p99BoundMillis > 0, "p99-bound-ms must be positive");
        require(maxErrorFraction >= 0 && maxErrorFraction < 1, "max-error-fraction must be 0..1");
        return this;
    }

    /** Hot SKUs exist only in the flash sale. */
    int hotSkuCount()
    {
        return "flash-sale".equals(scenario) ? hotSkus : 0;
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(message);
        }
    }
}
