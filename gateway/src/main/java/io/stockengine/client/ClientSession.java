package io.stockengine.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.collections.Long2ObjectHashMap;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.stockengine.engine.ResultCode;
import io.stockengine.gateway.binary.AsciiStringCache;
import io.stockengine.gateway.binary.CommandEncoder;
import io.stockengine.gateway.binary.FieldNames;
import io.stockengine.gateway.binary.FrameDescriptor;
import io.stockengine.gateway.binary.ResultDecoder;

/**
 * The client's connection and everything in flight on it, confined to one event loop so nothing here needs a lock:
 * requests arrive as tasks on the loop, get a correlation id and a place in {@link #pending}, and are encoded into
 * the current batch frame, which is written when it is full or when the loop has run the requests queued with it
 * (or after the flush delay). Results complete the requests' futures on the loop.
 * <p>
 * A request is encoded only while the connection takes more bytes; otherwise (no connection, or the server reads
 * nothing more and the socket's buffers are full) it waits in {@link #queue}, in the order issued. What waits there
 * has not left the client, so when its timeout passes it fails with {@link StockClientException.Kind#NOT_SENT} and
 * is dropped; one already written fails with {@link StockClientException.Kind#TIMEOUT}, its outcome unknown.
 * <p>
 * When the connection drops, a request that may have reached the server is sent again on the next connection only
 * if repeating it is safe ({@link Request#safeToRetry}); the others fail with
 * {@link StockClientException.Kind#CONNECTION_LOST}. Requests that never left the client are simply sent later.
 * Reconnection backs off exponentially between the configured bounds.
 */
final class ClientSession
{
    private static final Comparator<Request> BY_CORRELATION = Comparator.comparingLong(r -> r.correlationId);
    private static final int STRING_CACHE_SLOTS = 1024;

    private final String host;
    private final int port;
    private final long flushDelayNanos;
    private final int maxBatchCommands;
    private final int maxBatchBytes;
    private final int maxFrameBytes;
    private final int maxPending;
    private final long requestTimeoutNanos;
    private final long reconnectMinNanos;
    private final long reconnectMaxNanos;
    private final EventLoopGroup group;
    private final EventLoop loop;
    /** Set once by {@link #start}, read on the loop at shutdown. */
    private volatile java.util.concurrent.Future<?> expiry;
    private final Bootstrap bootstrap;
    private final Long2ObjectHashMap<Request> pending = new Long2ObjectHashMap<>();
    /**
     * Requests in {@link #pending} not written to the current connection, in the order issued (resends first, as
     * they were issued first); those that timed out meanwhile are skipped when it is drained.
     */
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private boolean draining;
    private final CommandEncoder encoder = new CommandEncoder();
    private final ResultDecoder decoder = new ResultDecoder();
    private final AsciiStringCache strings = new AsciiStringCache(STRING_CACHE_SLOTS);
    private final Runnable flushTask = this::flushFromTask;
    private final Runnable connectTask = this::connect;
    private final CompletableFuture<Void> firstConnection = new CompletableFuture<>();
    private final AtomicLong protocolErrors = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean connected;

    // Event loop only.
    private Channel channel;
    private ByteBuf batch;
    private int batchFrame;
    private int batchCount;
    /**
     * Number of the batch being filled; every batch up to {@link #flushedUpTo} has been handed to the connection
     * (and written to the socket, or failed: see {@link #failedFrom}).
     */
    private long batchNo = 1;
    private long flushedUpTo;
    /**
     * The first batch whose write to the current connection failed: the server never read it whole, and a frame cut
     * short is dropped unapplied, so neither it nor any later batch (a failed write closes the connection) arrived.
     */
    private long failedFrom = Long.MAX_VALUE;
    private boolean flushScheduled;
    private long nextCorrelationId;
    private long backoffNanos;
    private final int maxInboundFrameBytes;

    ClientSession(final StockClientBuilder settings)
    {
        host = settings.host;
        port = settings.port;
        flushDelayNanos = settings.flushDelayNanos;
        maxBatchCommands = settings.maxBatchCommands;
        maxBatchBytes = settings.maxBatchBytes;
        maxFrameBytes = settings.maxFrameBytes;
        maxPending = settings.maxPending;
        maxInboundFrameBytes = settings.maxInboundFrameBytes;
        requestTimeoutNanos = settings.requestTimeoutNanos;
        reconnectMinNanos = settings.reconnectMinNanos;
        reconnectMaxNanos = settings.reconnectMaxNanos;
        backoffNanos = reconnectMinNanos;
        // Random high bits: ids of different clients rarely meet in the journal, where they name the commands.
        nextCorrelationId = ((System.nanoTime() ^ System.identityHashCode(this)) & 0x7FFF_FFFFL) << 32 | 1;
        final EventLoopGroup shared = settings.eventLoopGroup;
        // A shared group decides the transport (its loops only take channels of their own kind), belongs to the
        // caller, and is never stopped here: this client only takes one of its loops.
        final boolean epoll = shared instanceof IoEventLoopGroup io ? io.isIoType(EpollIoHandler.class) :
            settings.nativeTransport && Epoll.isAvailable();
        group = shared != null ? null :
            new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        loop = (group != null ? group : shared).next();
        bootstrap = new Bootstrap().group(loop).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)Math.min(Integer.MAX_VALUE, settings.connectTimeoutMillis))
            .handler(new ClientInitializer(new ClientHandler(this), settings.maxInboundFrameBytes,
                settings.heartbeatSeconds, protocolErrors::incrementAndGet));
    }

    /**
     * On a caller's shared group: fails what is left when the caller stops the group under an open client, whose
     * futures, and the request timeout that would have ended them, ran on the loop that is gone (a tester's futures
     * waited for ever). Runs after the loop has terminated, so nothing else touches the session's state.
     */
    private final io.netty.util.concurrent.FutureListener<Object> loopStopped = stopped ->
    {
        closed = true;
        failEverything(new StockClientException(StockClientException.Kind.CLOSED, "the event loop group given to " +
            "the client was shut down while the client was open: close the client first"));
    };
    /**
     * Set by the first {@link #failEverything}: it runs on the loop (a close) or after the loop has terminated (the
     * listener above, or a close the loop refused), and a close racing the listener must leave the work to one of them.
     */
    private final java.util.concurrent.atomic.AtomicBoolean everythingFailed =
        new java.util.concurrent.atomic.AtomicBoolean();

    void start()
    {
        if (group == null)
        {
            loop.terminationFuture().addListener(loopStopped);
        }
        loop.execute(connectTask);
        if (requestTimeoutNanos > 0)
        {
            final long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10),
                Math.min(TimeUnit.SECONDS.toNanos(1), requestTimeoutNanos / 10));
            expiry = loop.scheduleAtFixedRate(this::expire, period, period, TimeUnit.NANOSECONDS);
        }
    }

    /** The periodic request-timeout check, or null (for tests: a closed client must have cancelled it). */
    java.util.concurrent.Future<?> expiryTask()
    {
        return expiry;
    }

    CompletableFuture<Void> firstConnection()
    {
        return firstConnection;
    }

    boolean isConnected()
    {
        return connected;
    }

    long protocolErrors()
    {
        return protocolErrors.get();
    }

    long connections()
    {
        return connections.get();
    }

    /** Any thread: hands a request to the event loop, or fails it when the client is closed. */
    <R extends Request> R enqueue(final R request)
    {
        if (closed)
        {
            request.completeExceptionally(closedException());
            return request;
        }
        try
        {
            loop.execute(request);
        }
        catch (final RejectedExecutionException ex)
        {
            request.completeExceptionally(closedException());
        }
        return request;
    }

    /** Event loop: registers a request and sends it if connected. */
    void submit(final Request request)
    {
        if (closed)
        {
            request.completeExceptionally(closedException());
            return;
        }
        if (pending.size() >= maxPending)
        {
            request.complete(CommandResult.local(request.type, ResultCode.OVERLOADED, null));
            return;
        }
        long id = nextCorrelationId++;
        if (id == 0)
        {
            id = nextCorrelationId++;
        }
        request.correlationId = id;
        request.deadlineNanos = requestTimeoutNanos > 0 ? System.nanoTime() + requestTimeoutNanos : 0;
        pending.put(id, request);
        if (channel != null && queue.isEmpty() && channel.isWritable())
        {
            send(request);
        }
        else
        {
            queue.addLast(request);
        }
    }

    /**
     * Encodes queued requests while the connection takes more bytes. Past its write buffer's high-water mark (the
     * server has stopped reading, at its in-flight limit or slowed down) they stay queued unencoded, so one whose
     * timeout passes there can be dropped instead of being sent late.
     */
    private void drain()
    {
        // Netty reports writability changes from inside a flush, and send() flushes when a request does not fit its
        // batch, before encoding that request: a nested drain would encode the requests queued after it first.
        if (draining)
        {
            return;
        }
        draining = true;
        try
        {
            while (channel != null && channel.isWritable())
            {
                final Request request = queue.pollFirst();
                if (request == null)
                {
                    return;
                }
                if (pending.get(request.correlationId) == request)
                {
                    send(request);
                }
            }
        }
        finally
        {
            draining = false;
        }
    }

    /** Event loop: the connection's write buffer emptied below its low-water mark, or filled past the high one. */
    void onWritabilityChanged(final Channel ch)
    {
        if (ch == channel)
        {
            drain();
        }
    }

    private void send(final Request request)
    {
        if (batch == null)
        {
            batch = channel.alloc().ioBuffer(Math.min(maxBatchBytes, 4096));
            batchFrame = FrameDescriptor.beginFrame(batch, FrameDescriptor.KIND_COMMANDS);
        }
        final int mark = batch.writerIndex();
        final String field = request.encode(encoder, batch);
        if (field != null)
        {
            batch.writerIndex(mark);
            refuseLocally(request, field);
            return;
        }
        final int frameBytes = FrameDescriptor.frameBytes(batch, batchFrame) - FrameDescriptor.LENGTH_FIELD_LENGTH;
        if (frameBytes > maxFrameBytes || (batchCount > 0 && frameBytes > maxBatchBytes))
        {
            // Written before this command, the batch stays within maxBatchBytes (a lone larger command aside), so
            // a server whose frame limit is below this client's maxFrameBytes but not below maxBatchBytes still
            // takes every batch: a frame past its limit closes the connection, and the resends would meet it again.
            batch.writerIndex(mark);
            if (batchCount == 0)
            {
                refuseLocally(request, FieldNames.countField(request.type));
                return;
            }
            flush();
            send(request);
            return;
        }
        request.batch = batchNo;
        batchCount++;
        if (batchCount >= maxBatchCommands || FrameDescriptor.frameBytes(batch, batchFrame) >= maxBatchBytes)
        {
            flush();
        }
        else if (!flushScheduled)
        {
            flushScheduled = true;
            if (flushDelayNanos == 0)
            {
                // Runs after the requests already queued on the loop: one frame per burst, no timer.
                loop.execute(flushTask);
            }
            else
            {
                loop.schedule(flushTask, flushDelayNanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    /** A command the layout cannot carry: answered INVALID_REQUEST without asking the server. */
    private void refuseLocally(final Request request, final String field)
    {
        pending.remove(request.correlationId);
        request.complete(CommandResult.local(request.type, ResultCode.INVALID_REQUEST, field));
    }

    private void flushFromTask()
    {
        flushScheduled = false;
        if (channel != null)
        {
            flush();
        }
    }

    private void flush()
    {
        final ByteBuf frame = batch;
        if (frame == null)
        {
            return;
        }
        batch = null;
        if (batchCount == 0)
        {
            frame.release();
            return;
        }
        FrameDescriptor.endFrame(frame, batchFrame);
        batchCount = 0;
        final long written = batchNo++;
        flushedUpTo = written;
        final Channel ch = channel;
        channel.writeAndFlush(frame).addListener((ChannelFutureListener)future ->
        {
            if (!future.isSuccess())
            {
                writeFailed(ch, written);
            }
        });
    }

    private void writeFailed(final Channel ch, final long failedBatch)
    {
        if (ch == channel && failedBatch < failedFrom)
        {
            failedFrom = failedBatch;
        }
    }

    /**
     * Whether the server may have read the request whole, on this connection or an earlier one: an encoded request
     * counts from the moment it is in a batch (its bytes will be written), until that batch's write is known to have
     * failed.
     */
    private boolean mayHaveArrived(final Request request)
    {
        return request.sentBefore || (request.batch != Request.UNSENT && request.batch < failedFrom);
    }

    private void connect()
    {
        if (closed || channel != null)
        {
            return;
        }
        bootstrap.connect(host, port).addListener((ChannelFutureListener)future ->
        {
            if (!future.isSuccess())
            {
                reconnectLater();
            }
        });
    }

    private void reconnectLater()
    {
        if (closed)
        {
            return;
        }
        final long delay = backoffNanos;
        backoffNanos = Math.min(reconnectMaxNanos, backoffNanos * 2);
        loop.schedule(connectTask, delay, TimeUnit.NANOSECONDS);
    }

    void onConnected(final Channel ch)
    {
        if (closed)
        {
            ch.close();
            return;
        }
        if (SelfConnection.of(ch))
        {
            // Nothing listened, and the kernel gave the connect the server's own port as its local one: TCP's
            // simultaneous open joins the socket to itself. The client would read its own frames, and the port
            // would be taken from the server starting there (seen: a restart refused, "port already in use").
            ch.close();
            reconnectLater();
            return;
        }
        channel = ch;
        connected = true;
        failedFrom = Long.MAX_VALUE;
        connections.incrementAndGet();
        firstConnection.complete(null);
        drain();
        if (channel != null)
        {
            flush();
        }
    }

    void onDisconnected(final Channel ch)
    {
        if (ch != channel)
        {
            return;
        }
        channel = null;
        connected = false;
        if (batch != null)
        {
            batch.release();
            batch = null;
        }
        batchCount = 0;
        final ArrayList<Request> resend = new ArrayList<>();
        final ArrayList<Request> lost = new ArrayList<>();
        for (final Request request : pending.values())
        {
            if (request.batch == Request.UNSENT)
            {
                continue;
            }
            final boolean written = request.batch <= flushedUpTo && request.batch < failedFrom;
            if (!written || request.safeToRetry())
            {
                request.sentBefore |= written;
                request.batch = Request.UNSENT;
                resend.add(request);
            }
            else
            {
                lost.add(request);
            }
        }
        // Ahead of the queue, in the order issued: every request written to this connection was issued before any
        // still queued, so the queue stays in issue order (a reservation is resent before the pick that follows it).
        resend.sort(BY_CORRELATION);
        for (int i = resend.size() - 1; i >= 0; i--)
        {
            queue.addFirst(resend.get(i));
        }
        flushedUpTo = batchNo++;
        if (!lost.isEmpty())
        {
            final StockClientException cause = new StockClientException(StockClientException.Kind.CONNECTION_LOST,
                "the connection dropped while the command was in flight; it may or may not have been applied");
            for (final Request request : lost)
            {
                pending.remove(request.correlationId);
                request.completeExceptionally(cause);
            }
        }
        reconnectLater();
    }

    void onFrame(final Channel ch, final ByteBuf frame)
    {
        if (ch != channel)
        {
            return;
        }
        if (FrameDescriptor.messageCount(frame, FrameDescriptor.KIND_RESULTS) < 0)
        {
            protocolError(ch);
            return;
        }
        // Reset only once the server answers: one that accepts and drops connections at once still gets backed off.
        backoffNanos = reconnectMinNanos;
        final int end = frame.writerIndex();
        int offset = frame.readerIndex() + FrameDescriptor.HEADER_LENGTH;
        while (offset < end)
        {
            final int length = frame.getIntLE(offset + FrameDescriptor.MESSAGE_LENGTH_OFFSET);
            decoder.wrap(frame, offset, length);
            final Request request = pending.remove(decoder.correlationId());
            if (!decoder.parse())
            {
                // The frame's framing checked out, so the messages after this one are where they should be: only
                // this answer is unreadable (a row kind this client does not know, from a newer server, or a
                // damaged body). Dropping the connection would resend what is safe to resend and meet it again.
                if (request != null)
                {
                    request.completeExceptionally(new StockClientException(
                        StockClientException.Kind.ANSWER_UNREADABLE, "the server answered " +
                        ResultCode.name(decoder.code()) + " in a form this client cannot read (row kind " +
                        decoder.rowKind() + ", " + length + " bytes): a server newer than this client?"));
                }
                protocolErrors.incrementAndGet();
                offset += length;
                continue;
            }
            if (request != null && decoder.type() != request.type)
            {
                // The answer is not to this command (a server defect, or not a stockengine server): reading it as
                // the command's result could tell a caller that a reservation was made when a query was answered.
                request.completeExceptionally(new StockClientException(StockClientException.Kind.ANSWER_UNREADABLE,
                    "the server answered " + ResultCode.name(decoder.code()) + " for a command of type " +
                    decoder.type() + " under the correlation id of a command of type " + request.type));
                protocolErrors.incrementAndGet();
            }
            else if (request != null)
            {
                request.complete(CommandResult.decode(decoder, strings));
            }
            offset += length;
        }
    }

    /**
     * An answer over the client's frame limit was skipped: its command fails with {@link
     * StockClientException.Kind#ANSWER_TOO_LARGE}, and is not asked again (the same answer would come back).
     */
    void onOversizeAnswer(final Channel ch, final ResultFrameDecoder.OversizeAnswer answer)
    {
        if (ch != channel)
        {
            return;
        }
        backoffNanos = reconnectMinNanos;
        final Request request = pending.remove(answer.correlationId());
        if (request != null)
        {
            request.completeExceptionally(new StockClientException(StockClientException.Kind.ANSWER_TOO_LARGE,
                "the server answered " + ResultCode.name(answer.code()) + " in " + answer.length() + " bytes, more " +
                "than this client's maxInboundFrameBytes (" + maxInboundFrameBytes + "): ask for less at " +
                "once (fewer SKUs) or raise the limit"));
        }
    }

    private void protocolError(final Channel ch)
    {
        protocolErrors.incrementAndGet();
        ch.close();
    }

    void heartbeat(final Channel ch)
    {
        if (ch == channel && batch == null)
        {
            final ByteBuf frame = ch.alloc().ioBuffer(FrameDescriptor.HEADER_LENGTH);
            FrameDescriptor.endFrame(frame, FrameDescriptor.beginFrame(frame, FrameDescriptor.KIND_COMMANDS));
            ch.writeAndFlush(frame, ch.voidPromise());
        }
    }

    private void expire()
    {
        if (pending.isEmpty())
        {
            return;
        }
        final long now = System.nanoTime();
        ArrayList<Request> expired = null;
        for (final Request request : pending.values())
        {
            if (now - request.deadlineNanos > 0)
            {
                if (expired == null)
                {
                    expired = new ArrayList<>();
                }
                expired.add(request);
            }
        }
        if (expired == null)
        {
            return;
        }
        StockClientException timeout = null;
        StockClientException notSent = null;
        for (final Request request : expired)
        {
            pending.remove(request.correlationId);
            if (mayHaveArrived(request))
            {
                if (timeout == null)
                {
                    timeout = new StockClientException(StockClientException.Kind.TIMEOUT,
                        "no answer within the request timeout; the command may or may not have been applied");
                }
                request.completeExceptionally(timeout);
            }
            else
            {
                if (notSent == null)
                {
                    notSent = new StockClientException(StockClientException.Kind.NOT_SENT,
                        "not sent within the request timeout (no connection, or the server read nothing more); " +
                        "the command was not applied and will not be sent");
                }
                request.completeExceptionally(notSent);
            }
        }
        // Deadlines follow the order issued, so the expired are the head of the queue: dropped now, or a client
        // that stays disconnected would keep every command it is given until it connects again.
        while (!queue.isEmpty() && pending.get(queue.peekFirst().correlationId) != queue.peekFirst())
        {
            queue.pollFirst();
        }
    }

    /** Any thread: fails what is pending, closes the connection and stops the event loop. */
    void close(final long timeoutMillis)
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            loop.execute(this::shutdown);
        }
        catch (final RejectedExecutionException ex)
        {
            // The caller's group is stopping: the loop-stopped listener fails what is left once it has terminated,
            // unless it has already (its listeners run on another thread, maybe after this close).
            if (loop.isTerminated())
            {
                failEverything(closedException());
            }
        }
        if (group == null)
        {
            if (!loop.inEventLoop())
            {
                try
                {
                    // Tasks run in order: once this one has, the shutdown above has closed the connection.
                    loop.submit(() -> { }).awaitUninterruptibly(timeoutMillis * 2);
                }
                catch (final RejectedExecutionException ex)
                {
                    // The owner stopped the group already; the connection went with it.
                }
            }
            return;
        }
        final var terminated = group.shutdownGracefully(0, timeoutMillis, TimeUnit.MILLISECONDS);
        if (!loop.inEventLoop())
        {
            terminated.awaitUninterruptibly(timeoutMillis * 2);
        }
    }

    private void shutdown()
    {
        if (group == null)
        {
            // Or the listener would keep this session reachable for as long as the caller's loop lives.
            loop.terminationFuture().removeListener(loopStopped);
        }
        failEverything(closedException());
    }

    private void failEverything(final StockClientException cause)
    {
        if (!everythingFailed.compareAndSet(false, true))
        {
            return;
        }
        if (expiry != null)
        {
            // On a caller's shared event loop the task would otherwise run, and keep this session reachable, for as
            // long as the loop lives.
            expiry.cancel(false);
        }
        if (batch != null)
        {
            batch.release();
            batch = null;
        }
        final ArrayList<Request> left = new ArrayList<>(pending.values());
        pending.clear();
        queue.clear();
        for (final Request request : left)
        {
            request.completeExceptionally(cause);
        }
        firstConnection.completeExceptionally(cause);
        if (channel != null)
        {
            channel.close();
            channel = null;
        }
        connected = false;
    }

    private static StockClientException closedException()
    {
        return new StockClientException(StockClientException.Kind.CLOSED, "the client is closed");
    }
}
