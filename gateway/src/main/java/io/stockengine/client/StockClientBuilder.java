package io.stockengine.client;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.channel.EventLoopGroup;

/**
 * Settings; {@link #build()} starts connecting in the background, {@link #connect()} also waits for the first
 * connection.
 */
public final class StockClientBuilder
{
    String host = "127.0.0.1";
    int port = 9090;
    boolean nativeTransport;
    long flushDelayNanos;
    int maxBatchCommands = 256;
    int maxBatchBytes = 64 * 1024;
    int maxFrameBytes = 1 << 20;
    int maxInboundFrameBytes = 64 << 20;
    int maxPending = 1_000_000;
    long connectTimeoutMillis = 5_000;
    long requestTimeoutNanos = TimeUnit.SECONDS.toNanos(30);
    long reconnectMinNanos = TimeUnit.MILLISECONDS.toNanos(50);
    long reconnectMaxNanos = TimeUnit.SECONDS.toNanos(2);
    int heartbeatSeconds = 20;
    EventLoopGroup eventLoopGroup;

    StockClientBuilder()
    {
    }

    public StockClientBuilder host(final String host)
    {
        this.host = java.util.Objects.requireNonNull(host, "host");
        return this;
    }

    public StockClientBuilder port(final int port)
    {
        this.port = port;
        return this;
    }

    /**
     * Runs this client on a loop of a group the caller owns and shuts down; the group's transport (epoll or NIO)
     * is used, whatever {@link #nativeTransport} says. By default each client starts a loop of its own: fine for
     * one client, but sixty-four clients on a two-core machine would be sixty-four threads. Close the clients before
     * shutting the group down: a client whose loop stops under it fails what it had pending, and every later call,
     * with {@link StockClientException.Kind#CLOSED}.
     */
    public StockClientBuilder eventLoopGroup(final EventLoopGroup group)
    {
        this.eventLoopGroup = group;
        return this;
    }

    /** Use epoll where available instead of NIO. */
    public StockClientBuilder nativeTransport(final boolean nativeTransport)
    {
        this.nativeTransport = nativeTransport;
        return this;
    }

    /**
     * How long a batch may wait for more commands. Zero (the default) writes a batch as soon as the event loop
     * has taken the commands issued while it was busy: no timer, and batches grow with the load by themselves.
     */
    public StockClientBuilder flushDelay(final Duration delay)
    {
        this.flushDelayNanos = nanos(delay, "flushDelay");
        return this;
    }

    /** A batch is written as soon as it holds this many commands. */
    public StockClientBuilder maxBatchCommands(final int commands)
    {
        this.maxBatchCommands = commands;
        return this;
    }

    /** A batch is written as soon as its frame reaches this many bytes. */
    public StockClientBuilder maxBatchBytes(final int bytes)
    {
        this.maxBatchBytes = bytes;
        return this;
    }

    /**
     * The server's frame limit ({@code max-frame-bytes}): no frame the client writes is longer. Set it when the
     * server's is lower than this client's {@link #maxBatchBytes} (64 KiB): a frame past the server's limit closes
     * the connection, and the commands in it, resent on the next one, would close it again until they time out.
     */
    public StockClientBuilder maxFrameBytes(final int bytes)
    {
        this.maxFrameBytes = bytes;
        return this;
    }

    /** The longest result frame accepted (a large availability answer can be big). */
    public StockClientBuilder maxInboundFrameBytes(final int bytes)
    {
        this.maxInboundFrameBytes = bytes;
        return this;
    }

    /** Commands waiting for an answer at once; more are answered OVERLOADED by the client itself. */
    public StockClientBuilder maxPending(final int commands)
    {
        this.maxPending = commands;
        return this;
    }

    /** How long {@link #connect()} tries to connect; at least a millisecond, at most {@link #MAX_DURATION}. */
    public StockClientBuilder connectTimeout(final Duration timeout)
    {
        this.connectTimeoutMillis = TimeUnit.NANOSECONDS.toMillis(nanos(timeout, "connectTimeout"));
        return this;
    }

    /**
     * How long a command may wait for its answer, reconnections included; zero waits for ever. Past it the command
     * fails with {@link StockClientException.Kind#TIMEOUT} if it was written to a connection (outcome unknown), or
     * {@link StockClientException.Kind#NOT_SENT} if it never was (not applied, and never sent later).
     */
    public StockClientBuilder requestTimeout(final Duration timeout)
    {
        this.requestTimeoutNanos = nanos(timeout, "requestTimeout");
        return this;
    }

    /** The first and the longest wait between connection attempts; it doubles from one to the other. */
    public StockClientBuilder reconnectDelay(final Duration min, final Duration max)
    {
        this.reconnectMinNanos = nanos(min, "reconnectDelay min");
        this.reconnectMaxNanos = nanos(max, "reconnectDelay max");
        return this;
    }

    /** An empty frame after this many idle seconds keeps the server's idle timeout away; 0 = never. */
    public StockClientBuilder heartbeatSeconds(final int seconds)
    {
        this.heartbeatSeconds = seconds;
        return this;
    }

    /** Starts the client; it connects in the background and commands wait for the connection. */
    public StockClient build()
    {
        validate();
        return new StockClient(this);
    }

    /**
     * Starts the client and waits for its first connection (up to the connect timeout).
     *
     * @throws StockClientException {@link StockClientException.Kind#CONNECT_FAILED} when it did not connect.
     */
    public StockClient connect()
    {
        final StockClient client = build();
        try
        {
            client.session().firstConnection().get(connectTimeoutMillis, TimeUnit.MILLISECONDS);
            return client;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            client.close();
            throw new StockClientException(StockClientException.Kind.CONNECT_FAILED, "interrupted", ex);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            client.close();
            throw new StockClientException(StockClientException.Kind.CONNECT_FAILED,
                "could not connect to " + host + ":" + port, ex);
        }
    }

    private void validate()
    {
        require(!host.isBlank(), "host must not be blank");
        require(port >= 1 && port <= 65_535, "port must be 1..65535");
        require(flushDelayNanos >= 0, "flush delay must not be negative");
        require(maxBatchCommands >= 1, "max batch commands must be at least 1");
        require(maxBatchBytes >= 64, "max batch bytes must be at least 64");
        require(maxFrameBytes >= 1024, "max frame bytes must be at least 1024, as the server's");
        require(maxInboundFrameBytes >= 1024, "max inbound frame bytes must be at least 1024");
        require(maxPending >= 1, "max pending must be at least 1");
        require(connectTimeoutMillis >= 1, "connect timeout must be at least a millisecond");
        require(requestTimeoutNanos >= 0, "request timeout must not be negative");
        require(reconnectMinNanos > 0 && reconnectMaxNanos >= reconnectMinNanos,
            "reconnect delays must be positive, min <= max");
        require(heartbeatSeconds >= 0, "heartbeat seconds must not be negative");
    }

    /**
     * The longest duration a setting takes: a year. Deadlines are the monotonic clock plus a setting, and a
     * duration near {@code Long.MAX_VALUE} nanoseconds would wrap them into the past.
     */
    public static final Duration MAX_DURATION = Duration.ofDays(366);

    private static long nanos(final Duration duration, final String name)
    {
        java.util.Objects.requireNonNull(duration, name);
        require(duration.compareTo(MAX_DURATION) <= 0, name + " must be at most " + MAX_DURATION.toDays() +
            " days");
        return duration.toNanos();
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(message);
        }
    }
}
