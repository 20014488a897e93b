package io.stockengine.gateway;

import java.nio.file.Path;

/**
 * Settings of the server: where it listens, its limits, and the engine and journal settings it passes on. Every
 * limit has a safe default; {@link #conclude()} validates everything once.
 */
public final class GatewayConfig
{
    public String host = "127.0.0.1";
    public int httpPort = 8080;
    public int tcpPort = 9090;
    public Path dataDir = Path.of("data");
    public String durability = "process";
    public int ringSize = 1 << 16;
    public String waitStrategy = "sleeping";
    /** shared: the journal thread answers; own: a reply thread of its own. */
    public String replyThread = "shared";
    /** logic: the logic thread journals and answers too; own: a journal thread of its own. */
    public String journalThread = "logic";
    public long tickIntervalMillis = 50;
    public int ioThreads = 2;
    /**
     * Netty's transport for the ports: {@code nio} (the JDK's selector, the default) or {@code epoll} (Netty's native
     * one, where the machine has it). Netty 4.2's epoll transport takes a socket out of its epoll set when it has
     * nothing to wait for (the client ended its side, no write pending) and then fails the next write that must
     * wait, so a client that ends its side while answers are still queued can lose them; NIO has no such fault. The
     * two measured the same here.
     */
    public String transport = "nio";
    public int maxBodyBytes = 1 << 20;
    public int maxHeaderBytes = 16 * 1024;
    public int maxInitialLineBytes = 8 * 1024;
    /**
     * Open connections at most, HTTP and binary together. Each may come to hold {@link #CONNECTION_WORST_BYTES} when
     * its client stops reading (its write high-water mark, then the answers of what it has in flight), so the
     * default lets at most half of the heap go to connections: 10,000, or fewer on a smaller heap (682 at 2 GB).
     */
    public int maxConnections = defaultMaxConnections(Runtime.getRuntime().maxMemory());
    /** Binary commands a connection may have in the ring at once; more wait in the socket (TCP back-pressure). */
    public int maxInFlightPerConnection = 4_096;
    /**
     * Pipelined HTTP requests a connection may have unanswered at once; more wait in the socket. Lower than the binary
     * port's: a client that pipelines and stops reading leaves every answer of these in the server's memory, a few
     * KB each as JSON (about 14 MB a connection at 4,096, which 200 such clients made a 2 GB heap run out of).
     */
    public int maxHttpInFlightPerConnection = 128;
    /**
     * Availability streams open at once. Every change a stream's channel sees is rendered and handed to each of its
     * streams by one event loop, which also serves ordinary requests: a tester's 320 unread streams under a burst of
     * changes made a /health on that loop wait 15 s. A stream past the limit is refused 503 with Retry-After. By
     * default ({@code -1}) a quarter of {@link #maxConnections}, at most 256, so streams never take every connection.
     */
    public int maxStreams = -1;
    public int idleTimeoutSeconds = 60;
    /** A request must arrive whole within this of its first bytes (a client trickling bytes is never idle). */
    public int requestTimeoutSeconds = 30;
    /** Largest binary frame accepted; a bigger length prefix closes the connection. */
    public int maxFrameBytes = 1 << 20;
    public long dedupWindowMillis = 7L * 86_400_000L;
    /** Idempotency keys kept at most; the oldest go first when full. */
    public int dedupCapacity = 10_000_000;
    /** Finished orders kept at most (for returns and retried reservations); the oldest go first when full. */
    public int finishedOrderCapacity = 10_000_000;
    /**
     * MiB for the original answers of keyed order actions and transfers (an order action's answer is the order as
     * the action left it: about 32 bytes a line), so their retries repeat them; the oldest go first when full.
     */
    public int dedupAnswerMib = 64;
    /**
     * Balances and open orders the engine sizes its indexes for at start. Past them an index doubles, re-placing
     * every entry on the logic thread at once (304 ms measured when the 5,242,880th balance was created), so a
     * large catalogue should say how large it is.
     */
    public int expectedBalances = 1 << 16;
    public int expectedOrders = 1 << 14;
    public boolean snapshots = true;
    public String rollCycle = "LARGE_DAILY";
    /** A snapshot after this many events since the last one, or after this long, whichever comes first. */
    public long snapshotEveryEvents = 50_000_000L;
    public long snapshotEverySeconds = 600;
    public int snapshotsKept = 2;

    /** What one connection may hold at worst: the 1 MiB write high-water mark and its in-flight answers. */
    static final long CONNECTION_WORST_BYTES = 1_536 * 1024L;

    /**
     * Answers of queries with more rows than this are large: one may be a few hundred KB (an availability answer of
     * 10,000 rows is 333 KB of JSON) for a request of a few. Small answers are bounded by the in-flight limits.
     */
    public static final int LARGE_ANSWER_ROWS = 64;

    /**
     * The unread answers past which a large query answer is not given but refused OVERLOADED (nothing to apply: it
     * is a read): 128 pipelined availability queries of 10,000 rows on each of 8 connections that did not read took
     * a 512 MB heap (a tester), since the in-flight limits count requests, not bytes. The write high-water mark, so a
     * connection stays within {@link #CONNECTION_WORST_BYTES}.
     */
    public static final long ANSWER_BACKLOG_BYTES = 1024 * 1024L;

    /** Whether an answer is a large query answer, which a connection with too much unread is refused. */
    public static boolean largeQueryAnswer(final io.stockengine.engine.Command answer, final int type)
    {
        return io.stockengine.engine.CommandType.isQuery(type) && answer.rowCount > LARGE_ANSWER_ROWS;
    }

    /** Half of the heap over {@link #CONNECTION_WORST_BYTES}, from 256 to 10,000. */
    static int defaultMaxConnections(final long maxHeapBytes)
    {
        return (int)Math.max(256, Math.min(10_000, maxHeapBytes / 2 / CONNECTION_WORST_BYTES));
    }

    public GatewayConfig conclude()
    {
        // An empty value would be the working directory, where a typo or an unset variable should not put a journal.
        require(dataDir != null && !dataDir.toString().isBlank(), "data-dir must name a directory, got an empty value");
        requirePort("http-port", httpPort);
        requirePort("tcp-port", tcpPort);
        require(httpPort == 0 || httpPort != tcpPort, "http-port and tcp-port must differ, both are " + httpPort);
        require(ringSize >= 2 && ringSize <= 1 << 22 && Integer.bitCount(ringSize) == 1,
            "ring-size must be a power of two from 2 to 4194304, got " + ringSize);
        require(tickIntervalMillis > 0 && tickIntervalMillis <= 100,
            "tick-interval-ms must be 1..100 so reservations expire on time, got " + tickIntervalMillis);
        require(ioThreads >= 1, "io-threads must be at least 1");
        require(transport.equals("nio") || transport.equals("epoll"), "transport must be nio or epoll, got " +
            transport);
        require(maxBodyBytes >= 1024, "max-body-bytes must be at least 1024");
        require(maxHeaderBytes >= 1024, "max-header-bytes must be at least 1024");
        // Up to what a thousand SKUs of the longest names need, with room: a longer line only holds more buffer.
        require(maxInitialLineBytes >= 1024 && maxInitialLineBytes <= 131_072,
            "max-request-line-bytes must be 1024..131072, got " + maxInitialLineBytes);
        require(maxConnections >= 1, "max-connections must be at least 1");
        require(maxInFlightPerConnection >= 1, "max-in-flight must be at least 1");
        if (maxStreams == -1)
        {
            maxStreams = Math.min(256, Math.max(1, maxConnections / 4));
        }
        require(maxStreams >= 0 && maxStreams <= 100_000, "max-streams must be 0..100000, got " + maxStreams);
        require(maxHttpInFlightPerConnection >= 1 && maxHttpInFlightPerConnection <= 65_536,
            "max-http-in-flight must be 1..65536, got " + maxHttpInFlightPerConnection);
        require(idleTimeoutSeconds >= 1, "idle-timeout-s must be at least 1");
        require(requestTimeoutSeconds >= 1, "request-timeout-s must be at least 1");
        // The largest valid command (1,000 lines of the longest names) is about 110 KB; past 4 MiB a frame only
        // adds to what a slow sender makes the connection hold.
        require(maxFrameBytes >= 1024 && maxFrameBytes <= 4 << 20, "max-frame-bytes must be 1024..4194304, got " +
            maxFrameBytes);
        require(snapshotEveryEvents >= 1, "snapshot-every-events must be at least 1, got " + snapshotEveryEvents);
        require(snapshotEverySeconds >= 1 && snapshotEverySeconds <= 31_536_000L,
            "snapshot-every-s must be 1..31536000, got " + snapshotEverySeconds);
        require(snapshotsKept >= 1 && snapshotsKept <= 1_000, "snapshots-kept must be 1..1000, got " + snapshotsKept);
        try
        {
            new io.stockengine.journal.JournalConfig().rollCycle(rollCycle).rollCycle();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("roll-cycle: " + ex.getMessage(), ex);
        }
        require(dedupWindowMillis >= 1, "dedup-window-ms must be at least 1, got " + dedupWindowMillis);
        require(dedupCapacity >= 1, "dedup-capacity must be at least 1, got " + dedupCapacity);
        require(finishedOrderCapacity >= 1, "finished-order-capacity must be at least 1, got " +
            finishedOrderCapacity);
        require(dedupAnswerMib >= 0 && dedupAnswerMib <= 4_096, "dedup-answer-mib must be 0..4096, got " +
            dedupAnswerMib);
        require(expectedBalances >= 1 && expectedBalances <= 600_000_000,
            "expected-balances must be 1..600000000, got " + expectedBalances);
        require(expectedOrders >= 1 && expectedOrders <= 600_000_000,
            "expected-orders must be 1..600000000, got " + expectedOrders);
        require("process".equals(durability) || "sync".equals(durability),
            "durability must be process or sync, got " + durability);
        require("shared".equals(replyThread) || "own".equals(replyThread),
            "reply-thread must be shared or own, got " + replyThread);
        require("own".equals(journalThread) || "logic".equals(journalThread),
            "journal-thread must be own or logic, got " + journalThread);
        require(!"logic".equals(journalThread) || "shared".equals(replyThread),
            "journal-thread logic answers on the logic thread: it cannot be combined with reply-thread own");
        return this;
    }

    private static void requirePort(final String name, final int port)
    {
        require(port >= 0 && port <= 65_535, name + " must be 0..65535 (0 = any free port), got " + port);
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(message);
        }
    }
}
