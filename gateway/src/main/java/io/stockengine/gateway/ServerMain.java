package io.stockengine.gateway;

import java.io.IOException;
import java.io.Reader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.stockengine.journal.ShortUsageErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar gateway/target/stockengine.jar}: starts the engine on its embedded defaults (journal in
 * {@code ./data}, HTTP on 8080, binary on 9090, loopback only). Flags override a properties file given with
 * {@code --config} whose keys are the flag names without dashes ({@code http-port=8081}). SIGTERM stops it
 * gracefully. picocli parses the flags: it gives typed options, generated help and clear errors for bad input.
 */
@Command(name = "stockengine", mixinStandardHelpOptions = true, version = "stockengine 0.1.0",
    description = "In-memory stock engine: HTTP/JSON and binary TCP in front of a journaled Disruptor pipeline.")
public final class ServerMain implements Callable<Integer>
{
    @Option(names = "--config", description = "properties file with settings (flags win)")
    Path configFile;

    @Option(names = "--data-dir", description = "journal and snapshots (default: ./data)")
    Path dataDir;

    @Option(names = "--host", description = "address to listen on (default: 127.0.0.1)")
    String host;

    @Option(names = "--http-port", description = "HTTP/JSON port (default: 8080; 0 = any free port)")
    Integer httpPort;

    @Option(names = "--tcp-port", description = "binary protocol port (default: 9090; 0 = any free port)")
    Integer tcpPort;

    @Option(names = "--durability", description = "process (the default: survives a killed process) or sync " +
        "(flushed to disk per batch: survives a power cut)")
    String durability;

    @Option(names = "--ring-size", description = "Disruptor ring slots, a power of two (default: 65536)")
    Integer ringSize;

    @Option(names = "--wait-strategy", description = "sleeping (default), parking (about half the CPU at " +
        "moderate load, ~100 us more latency), backoff, blocking, yielding or busy-spin")
    String waitStrategy;

    @Option(names = "--journal-thread", description = "logic (default: the logic thread journals each batch and " +
        "answers it too, one thread per command: the shortest latency on a small machine) or own (a journal thread " +
        "of its own, which journals and answers one batch while the logic thread runs the next: for machines with " +
        "cores to spare)")
    String journalThread;

    @Option(names = "--reply-thread", description = "with --journal-thread own: shared (default: the journal " +
        "thread answers after each group commit) or own (a reply thread of its own as well; chooses " +
        "--journal-thread own when that is not given)")
    String replyThread;

    @Option(names = "--tick-interval-ms", description = "clock tick that drives expiry, 1..100 (default: 50)")
    Long tickIntervalMillis;

    @Option(names = "--io-threads", description = "Netty IO threads (default: 2)")
    Integer ioThreads;

    @Option(names = "--transport", description = "nio or epoll (default: nio; epoll only where the machine has " +
        "it; binary-protocol.md, End of input, says why NIO is the default)")
    String transport;

    @Option(names = "--max-body-bytes", description = "largest HTTP body (default: 1048576)")
    Integer maxBodyBytes;

    @Option(names = "--max-header-bytes", description = "largest HTTP header block (default: 16384)")
    Integer maxHeaderBytes;

    @Option(names = "--max-request-line-bytes", description = "longest HTTP request line, which holds an " +
        "availability query's SKUs (default: 8192, about 540 SKUs of 10 characters; 1,000 of 64 need 72000)")
    Integer maxRequestLineBytes;

    @Option(names = "--max-connections", description = "open connections at most, HTTP and binary together " +
        "(default: what half of the heap holds at 1.5 MB a connection, 256 to 10000)")
    Integer maxConnections;

    @Option(names = "--max-in-flight", description = "unanswered binary commands per connection (default: 4096)")
    Integer maxInFlight;

    @Option(names = "--max-http-in-flight", description = "unanswered pipelined HTTP requests per connection " +
        "(default: 128)")
    Integer maxHttpInFlight;

    @Option(names = "--max-streams", description = "availability streams (server-sent events) open at once; " +
        "more are refused 503 (default: a quarter of --max-connections, at most 256; 0 turns streams off)")
    Integer maxStreams;

    @Option(names = "--idle-timeout-s", description = "close a silent connection after this (default: 60)")
    Integer idleTimeoutSeconds;

    @Option(names = "--request-timeout-s", description = "answer 408 and close an HTTP connection whose request " +
        "has not arrived whole this long after its first bytes (default: 30)")
    Integer requestTimeoutSeconds;

    @Option(names = "--dedup-window-ms", description = "how long idempotency keys are kept (default: 7 days)")
    Long dedupWindowMillis;

    @Option(names = "--dedup-capacity", description = "idempotency keys kept at most (default: 10000000)")
    Integer dedupCapacity;

    @Option(names = "--finished-order-capacity", description = "shipped, cancelled and expired orders kept at most " +
        "for their returns, GETs and retried reservations, within the dedup window; the oldest go first when full " +
        "(default: 10000000)")
    Integer finishedOrderCapacity;

    @Option(names = "--dedup-answer-mib", description = "memory for the original answers of keyed order actions " +
        "and transfers, which their retries repeat; the oldest go first when full, and a retry older than that " +
        "answers the order as it is then (default: 64, 0 keeps none)")
    Integer dedupAnswerMib;

    @Option(names = "--expected-balances", description = "SKU x location balances to size the engine for at " +
        "start; past it the index grows with a pause (default: 65536)")
    Integer expectedBalances;

    @Option(names = "--expected-orders", description = "open orders to size the engine for at start " +
        "(default: 16384)")
    Integer expectedOrders;

    @Option(names = "--no-snapshots", description = "do not keep a snapshot follower")
    boolean noSnapshots;

    @Option(names = "--snapshot-every-events", description = "write a snapshot after this many events since the " +
        "last (default: 50000000)")
    Long snapshotEveryEvents;

    @Option(names = "--snapshot-every-s", description = "write a snapshot after this many seconds since the last " +
        "(default: 600)")
    Long snapshotEverySeconds;

    @Option(names = "--snapshots-kept", description = "newest snapshots kept on disk; older ones are deleted " +
        "(default: 2)")
    Integer snapshotsKept;

    @Option(names = "--roll-cycle", description = "Chronicle roll cycle of the journal's files, e.g. LARGE_DAILY " +
        "(default), FAST_HOURLY; a journal that exists keeps the cycle it was made with")
    String rollCycle;

    @Option(names = "--max-frame-bytes", description = "largest binary frame (default: 1048576)")
    Integer maxFrameBytes;

    /**
     * The server's command line. A flag given twice takes its last value, as a key repeated in the config file does,
     * so a wrapper script can add flags after its own defaults (refused as "specified only once", an SRE tester).
     */
    static CommandLine commandLine(final ServerMain main)
    {
        return new CommandLine(main).setOverwrittenOptionsAllowed(true);
    }

    public static void main(final String[] args)
    {
        // Before any Chronicle class loads: it must never phone home or write to the home directory.
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        System.setProperty("chronicle.disk.monitor.disable", "true");
        System.setProperty("org.slf4j.simpleLogger.log.net.openhft", "warn");
        // Netty's default leak detection records a stack trace for one buffer in 128: 2 to 3% of the IO threads
        // under pipelined HTTP. The test suite runs every codec and server test at the paranoid level, where a leak
        // fails the build; an operator chasing one in production passes -Dio.netty.leakDetection.level=simple.
        if (System.getProperty("io.netty.leakDetection.level") == null &&
            System.getProperty("io.netty.leakDetectionLevel") == null)
        {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        Thread.setDefaultUncaughtExceptionHandler((thread, error) ->
            uncaught(thread, error, System.err, status -> Runtime.getRuntime().halt(status)));
        System.exit(ShortUsageErrors.install(commandLine(new ServerMain())).execute(args));
    }

    /** Exit status of a server that ran out of memory. */
    static final int OUT_OF_MEMORY_STATUS = 3;

    /**
     * An error that reached the top of a thread. (Netty's event loops and the engine's stages catch what their tasks
     * throw, so this sees only what escapes them; the README's command adds {@code -XX:+ExitOnOutOfMemoryError},
     * which stops the JVM wherever memory runs out.) Out of memory, the server stops at once: an IO thread or the
     * snapshot follower it killed does not come back, and a server that lives on without them answers nothing while
     * it looks alive (as one did when hundreds of clients pipelined without reading). Every acknowledged command is
     * in the journal already, so a restart (by whatever supervises the process) loses nothing. Anything else is
     * reported and the JVM's usual handling goes on.
     */
    static void uncaught(final Thread thread, final Throwable error, final java.io.PrintStream err,
        final java.util.function.IntConsumer halt)
    {
        if (error instanceof OutOfMemoryError)
        {
            try
            {
                err.println("stockengine: out of memory in thread " + thread.getName() + " (" + error.getMessage() +
                    "); stopping now, nothing acknowledged is lost. Give the JVM more heap (-Xmx) or lower " +
                    "--max-connections, --max-in-flight or --max-http-in-flight.");
                err.flush();
            }
            finally
            {
                // Even when saying why needs memory there is none of.
                halt.accept(OUT_OF_MEMORY_STATUS);
            }
            return;
        }
        err.println("stockengine: uncaught in thread " + thread.getName() + ": " + error);
        error.printStackTrace(err);
    }

    /** Always three digits of milliseconds, so the lines of a log line up ({@code Instant.toString} drops them). */
    private static final java.time.format.DateTimeFormatter LOG_TIME = java.time.format.DateTimeFormatter
        .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    /**
     * One line of the server's log on standard output, after the wall-clock time (UTC, to the millisecond) it was
     * written at: an operator reading it after an incident needs to know when recovery ended or a stop began. Never
     * called on the logic thread, which does not log.
     */
    static void log(final String line)
    {
        System.out.println(LOG_TIME.format(java.time.Instant.now()) + " " + line);
    }

    /** A failed start in an operator's words: what to fix, not the exception's class. */
    static String startFailure(final Exception ex, final GatewayConfig config)
    {
        final String message = ex.getMessage();
        if (ex instanceof java.nio.channels.UnresolvedAddressException)
        {
            return "--host " + config.host + " is not an address this machine can listen on";
        }
        if (message != null && message.contains("Address already in use"))
        {
            // Both ports are probed first and named; a bind that fails after the probe is the HTTP port's.
            final boolean tcp = message.contains("tcp " + config.tcpPort);
            final boolean http = message.contains("http " + config.httpPort) || !tcp;
            return tcp && http ? "the HTTP port " + config.httpPort + " and the binary protocol's port " +
                config.tcpPort + " are already in use (by another engine or program); pick others with --http-port " +
                "and --tcp-port" : tcp ?
                "the binary protocol's port " + config.tcpPort + " is already in use (by another engine or " +
                    "program); pick another with --tcp-port" :
                "the HTTP port " + config.httpPort + " is already in use (by another engine or program); pick " +
                    "another with --http-port";
        }
        if (message != null && message.contains("Unable to claim exclusive"))
        {
            // The engine holds the data directory's lock, so no other engine holds Chronicle's: its table is damaged.
            return "the journal's metadata file (" + config.dataDir.resolve("journal").resolve("metadata.cq4t") +
                ") cannot be locked (" + message + "): no other engine can hold it, so it is most likely damaged. " +
                "It holds only Chronicle's bookkeeping: with nothing else using the journal, move it aside and " +
                "start again with the --roll-cycle the journal was made with (Chronicle makes the file anew)";
        }
                if (message != null && message.contains("Cannot assign requested address"))
        {
            return "--host " + config.host + " is not an address of this machine";
        }
        if (message != null && (ex instanceof IllegalStateException || ex instanceof java.io.UncheckedIOException))
        {
            return message;
        }
        return String.valueOf(ex);
    }

    @Override
    public Integer call() throws Exception
    {
        final GatewayConfig config;
        try
        {
            config = configure();
            config.conclude();
        }
        catch (final IllegalArgumentException | IOException ex)
        {
            System.err.println("stockengine: " + ex.getMessage());
            return 2;
        }
        // Registered before the start, so a SIGTERM right after "ready" is a graceful stop too. It acts only on a
        // server that takes commands: a stop during recovery (nothing acknowledged yet) or an exit on a start
        // failure keep the JVM's own status.
        final java.util.concurrent.atomic.AtomicReference<StockServer> running =
            new java.util.concurrent.atomic.AtomicReference<>();
        final CountDownLatch stopped = new CountDownLatch(1);
        final java.util.concurrent.atomic.AtomicBoolean starting = new java.util.concurrent.atomic.AtomicBoolean(true);
        final java.util.concurrent.atomic.AtomicBoolean serving = new java.util.concurrent.atomic.AtomicBoolean();
        final CountDownLatch startReturned = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            StockServer server = running.getAndSet(null);
            if (server == null && serving.get())
            {
                // HTTP takes commands a few milliseconds before the start returns (the binary port opens last):
                // a stop in that window waits for the start, so the commands in flight are drained and answered.
                awaitQuietly(startReturned);
                server = running.getAndSet(null);
            }
            if (server == null)
            {
                if (starting.get())
                {
                    log("shutdown: stopped before the engine was ready (recovering, or opening its ports): no " +
                        "final snapshot; whatever was acknowledged is in the journal and the next start recovers it " +
                        "(exit status 143, as for any process a SIGTERM ends)");
                }
                return;
            }
            log("shutdown: stopping (SIGTERM, SIGINT or SIGHUP: the JVM does not say which)");
            final boolean journalFailed = server.journalFailed();
            server.close();
            log(journalFailed ? "shutdown: done; the journal had failed, so this stop is reported as a failure " +
                "(exit status 1): fix the cause the log names, then start again" : "shutdown: done");
            stopped.countDown();
            // The JVM exits a SIGTERM with 143 once its hooks are done, and the main thread's exit(0) waits behind
            // it: a graceful stop that flushed, snapshotted and closed everything reports 0 itself. A server whose
            // journal failed reports 1, so a supervisor's restart-on-failure and exit-status alerts see it.
            System.out.flush();
            Runtime.getRuntime().halt(journalFailed ? 1 : 0);
        }, "shutdown"));
        try
        {
            final StockServer server = StockServer.start(config, ServerMain::log, () -> serving.set(true));
            starting.set(false);
            running.set(server);
        }
        catch (final io.stockengine.journal.JournalCorruptedException ex)
        {
            starting.set(false);
            System.err.println("stockengine: refusing to start: " + ex.getMessage());
            return 1;
        }
        catch (final io.stockengine.journal.DataDirLock.DataDirInUseException ex)
        {
            starting.set(false);
            System.err.println("stockengine: cannot start: " + ex.getMessage());
            return 1;
        }
        catch (final InternalError ex)
        {
            // How the JVM reports a fault on a memory-mapped file (SIGBUS): the journal's pages could not be written.
            starting.set(false);
            System.err.println("stockengine: cannot start: writing the journal's memory-mapped files faulted (" +
                ex.getMessage() + "): the disk holding " + config.dataDir + " is full or failing; free space or " +
                "replace the disk, then start again");
            return 1;
        }
        catch (final OutOfMemoryError ex)
        {
            starting.set(false);
            System.err.println("stockengine: cannot start: out of memory (" + ex.getMessage() + "): the ring and the " +
                "expected sizes need more heap than -Xmx gives (or the journal's state does, replayed); lower --ring-size, " +
                "--expected-balances or --expected-orders, or raise -Xmx");
            return 1;
        }
        catch (final Exception ex)
        {
            starting.set(false);
            System.err.println("stockengine: cannot start: " + startFailure(ex, config));
            return 1;
        }
        finally
        {
            startReturned.countDown();
        }
        log(collectorAdvice());
        stopped.await();
        return 0;
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Which collector runs, and a hint when it is not ZGC: with G1 (the JVM's default) the marketplace load test at
     * 12,750 requests/s had young pauses of 20 to 90 ms and a p99.9 of 97 to 130 ms; with ZGC 12 ms (README).
     */
    static String collectorAdvice()
    {
        final StringBuilder names = new StringBuilder();
        boolean z = false;
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            names.append(names.length() == 0 ? "" : ", ").append(gc.getName());
            z |= gc.getName().startsWith("ZGC");
        }
        return "gc: " + names + (z ? "" : " (for the shortest tails start with java -XX:+UseZGC -jar ...)");
    }

    GatewayConfig configure() throws IOException
    {
        final GatewayConfig config = new GatewayConfig();
        boolean journalInFile = false;
        if (configFile != null)
        {
            if (!Files.isRegularFile(configFile))
            {
                throw new IllegalArgumentException("--config " + configFile + " is not a readable file");
            }
            final Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(configFile))
            {
                properties.load(reader);
            }
            catch (final java.nio.charset.CharacterCodingException ex)
            {
                throw new IllegalArgumentException("--config " + configFile + " is not UTF-8 text; save it as UTF-8");
            }
            catch (final IOException ex)
            {
                throw new IllegalArgumentException("--config " + configFile + " cannot be read: " +
                    io.stockengine.journal.FileErrors.describe(ex));
            }
            try
            {
                apply(config, properties);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("--config " + configFile + ": " + ex.getMessage(), ex);
            }
            journalInFile = properties.containsKey("journal-thread");
        }
        config.dataDir = dataDir != null ? dataDir : config.dataDir;
        config.host = host != null ? host : config.host;
        config.httpPort = httpPort != null ? httpPort : config.httpPort;
        config.tcpPort = tcpPort != null ? tcpPort : config.tcpPort;
        config.durability = durability != null ? durability : config.durability;
        config.ringSize = ringSize != null ? ringSize : config.ringSize;
        config.waitStrategy = waitStrategy != null ? waitStrategy : config.waitStrategy;
        config.replyThread = replyThread != null ? replyThread : config.replyThread;
        config.journalThread = journalThread != null ? journalThread : config.journalThread;
        if (journalThread == null && !journalInFile && "own".equals(config.replyThread))
        {
            // A reply thread of its own only exists beside a journal thread of its own.
            config.journalThread = "own";
        }
        config.tickIntervalMillis = tickIntervalMillis != null ? tickIntervalMillis : config.tickIntervalMillis;
        config.ioThreads = ioThreads != null ? ioThreads : config.ioThreads;
        config.transport = transport != null ? transport : config.transport;
        config.maxBodyBytes = maxBodyBytes != null ? maxBodyBytes : config.maxBodyBytes;
        config.maxHeaderBytes = maxHeaderBytes != null ? maxHeaderBytes : config.maxHeaderBytes;
        config.maxInitialLineBytes = maxRequestLineBytes != null ? maxRequestLineBytes : config.maxInitialLineBytes;
        config.maxConnections = maxConnections != null ? maxConnections : config.maxConnections;
        config.maxInFlightPerConnection = maxInFlight != null ? maxInFlight : config.maxInFlightPerConnection;
        config.maxHttpInFlightPerConnection = maxHttpInFlight != null ? maxHttpInFlight :
            config.maxHttpInFlightPerConnection;
        config.maxStreams = maxStreams != null ? maxStreams : config.maxStreams;
        config.idleTimeoutSeconds = idleTimeoutSeconds != null ? idleTimeoutSeconds : config.idleTimeoutSeconds;
        config.requestTimeoutSeconds = requestTimeoutSeconds != null ? requestTimeoutSeconds :
            config.requestTimeoutSeconds;
        config.dedupWindowMillis = dedupWindowMillis != null ? dedupWindowMillis : config.dedupWindowMillis;
        config.dedupCapacity = dedupCapacity != null ? dedupCapacity : config.dedupCapacity;
        config.finishedOrderCapacity = finishedOrderCapacity != null ? finishedOrderCapacity :
            config.finishedOrderCapacity;
        config.dedupAnswerMib = dedupAnswerMib != null ? dedupAnswerMib : config.dedupAnswerMib;
        config.expectedBalances = expectedBalances != null ? expectedBalances : config.expectedBalances;
        config.expectedOrders = expectedOrders != null ? expectedOrders : config.expectedOrders;
        config.snapshots = !noSnapshots && config.snapshots;
        config.snapshotEveryEvents = snapshotEveryEvents != null ? snapshotEveryEvents : config.snapshotEveryEvents;
        config.snapshotEverySeconds = snapshotEverySeconds != null ? snapshotEverySeconds :
            config.snapshotEverySeconds;
        config.snapshotsKept = snapshotsKept != null ? snapshotsKept : config.snapshotsKept;
        config.rollCycle = rollCycle != null ? rollCycle : config.rollCycle;
        config.maxFrameBytes = maxFrameBytes != null ? maxFrameBytes : config.maxFrameBytes;
        io.stockengine.engine.WaitStrategies.create(config.waitStrategy);
        return config;
    }

    /** true or false, nothing else: "yes" must not turn snapshots off without a word. */
    private static boolean bool(final String key, final String value)
    {
        if (!"true".equalsIgnoreCase(value) && !"false".equalsIgnoreCase(value))
        {
            throw new IllegalArgumentException("setting '" + key + "' must be true or false, got '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    private static void apply(final GatewayConfig config, final Properties p)
    {
        for (final String key : p.stringPropertyNames())
        {
            final String value = p.getProperty(key).trim();
            try
            {
                switch (key)
                {
                    case "data-dir" -> config.dataDir = Path.of(value);
                    case "host" -> config.host = value;
                    case "http-port" -> config.httpPort = Integer.parseInt(value);
                    case "tcp-port" -> config.tcpPort = Integer.parseInt(value);
                    case "durability" -> config.durability = value;
                    case "ring-size" -> config.ringSize = Integer.parseInt(value);
                    case "wait-strategy" -> config.waitStrategy = value;
                    case "reply-thread" -> config.replyThread = value;
                    case "journal-thread" -> config.journalThread = value;
                    case "tick-interval-ms" -> config.tickIntervalMillis = Long.parseLong(value);
                    case "io-threads" -> config.ioThreads = Integer.parseInt(value);
                    case "transport" -> config.transport = value;
                    case "max-body-bytes" -> config.maxBodyBytes = Integer.parseInt(value);
                    case "max-header-bytes" -> config.maxHeaderBytes = Integer.parseInt(value);
                    case "max-request-line-bytes" -> config.maxInitialLineBytes = Integer.parseInt(value);
                    case "max-connections" -> config.maxConnections = Integer.parseInt(value);
                    case "max-in-flight" -> config.maxInFlightPerConnection = Integer.parseInt(value);
                    case "max-http-in-flight" -> config.maxHttpInFlightPerConnection = Integer.parseInt(value);
                    case "max-streams" -> config.maxStreams = Integer.parseInt(value);
                    case "idle-timeout-s" -> config.idleTimeoutSeconds = Integer.parseInt(value);
                    case "request-timeout-s" -> config.requestTimeoutSeconds = Integer.parseInt(value);
                    case "dedup-window-ms" -> config.dedupWindowMillis = Long.parseLong(value);
                    case "dedup-capacity" -> config.dedupCapacity = Integer.parseInt(value);
                    case "finished-order-capacity" -> config.finishedOrderCapacity = Integer.parseInt(value);
                    case "dedup-answer-mib" -> config.dedupAnswerMib = Integer.parseInt(value);
                    case "expected-balances" -> config.expectedBalances = Integer.parseInt(value);
                    case "expected-orders" -> config.expectedOrders = Integer.parseInt(value);
                    case "snapshots" -> config.snapshots = bool(key, value);
                    case "snapshot-every-events" -> config.snapshotEveryEvents = Long.parseLong(value);
                    case "snapshot-every-s" -> config.snapshotEverySeconds = Long.parseLong(value);
                    case "snapshots-kept" -> config.snapshotsKept = Integer.parseInt(value);
                    case "roll-cycle" -> config.rollCycle = value;
                    case "max-frame-bytes" -> config.maxFrameBytes = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown setting '" + key + "' in the config file" +
                        (key.equals("no-snapshots") ? " (snapshots=false turns snapshots off)" : ""));
                }
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("setting '" + key + "' must be a number, got '" + value + "'");
            }
        }
    }
}
