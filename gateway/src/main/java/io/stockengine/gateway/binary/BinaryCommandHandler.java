package io.stockengine.gateway.binary;

import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.stockengine.engine.Command;
import io.stockengine.engine.CommandCallback;
import io.stockengine.engine.CommandFiller;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.ResultCode;
import io.stockengine.gateway.GatewayConfig;
import io.stockengine.gateway.GatewayMetrics;

/**
 * One binary connection: decodes each frame's commands, publishes the valid ones to the ring and answers the rest
 * at once, then writes back what the engine answers.
 * <p>
 * Inbound, on the event loop: a frame that is not well formed closes the connection (a protocol error); inside a
 * well-formed frame each command is parsed and validated in place, refused with INVALID_REQUEST naming the field,
 * or published with a static filler whose argument is this handler (no allocation per command), or answered
 * OVERLOADED when the ring is full. Those immediate answers go out in one write and flush per read.
 * <p>
 * Outbound, from the engine's reply thread: each result is appended to a buffer the reply thread owns while it
 * writes, left in {@link #outbox}, and one drain task per burst hands it to the event loop, which writes and flushes
 * it once. So results of commands answered together leave in one write, however many there were, and the reply
 * thread never waits for the event loop.
 * <p>
 * Back-pressure: reading stops while more than {@code maxInFlightPerConnection} commands are in the ring or the
 * socket is not writable (a client that does not read its answers), and resumes when half of them are answered.
 * Commands of one read that arrive past the limit are still published: the limit is reached at a frame boundary.
 */
public final class BinaryCommandHandler extends ChannelInboundHandlerAdapter
{
    private static final CommandFiller<BinaryCommandHandler> FILL = BinaryCommandHandler::fill;
    private static final CommandCallback REPLY = BinaryCommandHandler::reply;
    private static final int STRING_CACHE_SLOTS = 256;
    private static final int INITIAL_REPLY_BYTES = 1024;

    private final CommandPublisher publisher;
    private final GatewayMetrics metrics;
    private final int maxInFlight;
    private final int resumeInFlight;
    private final CommandDecoder decoder = new CommandDecoder();
    private final AsciiStringCache strings = new AsciiStringCache(STRING_CACHE_SLOTS);
    /** Commands published and not yet answered: incremented by the filler, decremented by the reply thread. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** How long a connection closing on a protocol error waits for the client to end its side after ours. */
    private final long lingerSeconds;
    /**
     * Commands whose answers are not yet in the outbox. Unlike {@link #inFlight} it falls only after the answer is in
     * the outbox, so a connection closing on a protocol error can tell that every answer it owes is written.
     */
    private final AtomicInteger owed = new AtomicInteger();
    /** The server stops gracefully: read nothing more, answer what was read, close. */
    static final Object STOPPING = new Object();
    /**
     * A protocol error was read, or the client shut its sending side: nothing more is read, and the connection closes
     * once its answers are written.
     */
    private boolean closing;
    /**
     * Closing on a protocol error while the client may still be sending: what it sends is read and dropped, and the
     * end of the stream is sent (a FIN) before the close. Closing a socket with unread input makes the kernel reset
     * the connection, and a reset throws away the answers the client has not read yet, of commands that applied.
     */
    private boolean lingering;
    /** The client shut its sending side: nothing it sends can arrive unread any more. */
    private boolean inputEnded;
    /** The answers are written and the end of the stream sent; the close follows the client's end or the linger. */
    private boolean outputEnded;
    /** Results encoded by the reply thread and not yet taken by the event loop. */
    private final AtomicReference<ByteBuf> outbox = new AtomicReference<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    /** Set in handlerAdded, before any command is published; the ring's publication makes it visible to the reply thread. */
    private ChannelHandlerContext ctx;

    // Event loop only.
    private ByteBuf immediate;
    private int immediateFrame;
    private boolean paused;
    private long readNanos;

    // Reply thread only: where the frame being appended to starts in the buffer it put in the outbox.
    private int replyFrame;

    public BinaryCommandHandler(final CommandPublisher publisher, final GatewayConfig config,
        final GatewayMetrics metrics)
    {
        this.publisher = publisher;
        this.metrics = metrics;
        this.maxInFlight = config.maxInFlightPerConnection;
        // As long as a silent connection is kept: the answers may still be on their way to a client that reads
        // slowly, and closing while it sends would reset the connection and throw them away.
        this.lingerSeconds = Math.max(1, config.idleTimeoutSeconds);
        this.resumeInFlight = config.maxInFlightPerConnection / 2;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final ByteBuf frame = (ByteBuf)msg;
        try
        {
            metrics.binaryFrames.incrementAndGet();
            if (!ctx.channel().isActive() || closing)
            {
                return;
            }
            if (FrameDescriptor.messageCount(frame, FrameDescriptor.KIND_COMMANDS) < 0)
            {
                protocolError();
                return;
            }
            readNanos = System.nanoTime();
            final int end = frame.writerIndex();
            int offset = frame.readerIndex() + FrameDescriptor.HEADER_LENGTH;
            while (offset < end)
            {
                final int length = frame.getIntLE(offset + FrameDescriptor.MESSAGE_LENGTH_OFFSET);
                onMessage(frame, offset, length);
                offset += length;
            }
        }
        finally
        {
            frame.release();
        }
    }

    private void onMessage(final ByteBuf frame, final int offset, final int length)
    {
        final int type = frame.getUnsignedByte(offset + FrameDescriptor.MESSAGE_TYPE_OFFSET);
        final long correlationId = frame.getLongLE(offset + FrameDescriptor.MESSAGE_CORRELATION_OFFSET);
        decoder.wrap(frame, offset, length);
        String field = decoder.parse();
        if (field == null)
        {
            field = CommandValidator.validate(decoder);
        }
        if (field != null)
        {
            metrics.binaryBadRequests.incrementAndGet();
            answerNow(type, correlationId, ResultCode.INVALID_REQUEST, field);
            return;
        }
        if (!publisher.tryPublish(FILL, this))
        {
            if (publisher.stopping())
            {
                // Not an overload, which a client would retry here in a moment and an alert would count as one:
                // nothing was applied, and the restarted server takes the same command (its key) safely.
                answerNow(type, correlationId, ResultCode.UNAVAILABLE, null);
                return;
            }
            metrics.overloaded.incrementAndGet();
            answerNow(type, correlationId, ResultCode.OVERLOADED, null);
            return;
        }
        if (!paused && inFlight.get() >= maxInFlight)
        {
            pause();
        }
    }

    /**
     * Fills a ring slot from the message the decoder is on (publishing thread). A slot is published even when its
     * filler throws, so a decoding defect must not leave a half-filled command: it becomes a TICK (which changes
     * nothing) carrying the original type in {@code bucket}, and is answered INTERNAL_ERROR.
     */
    private static void fill(final Command command, final BinaryCommandHandler handler)
    {
        handler.inFlight.incrementAndGet();
        handler.owed.incrementAndGet();
        try
        {
            handler.decoder.decodeInto(command, handler.strings);
        }
        catch (final RuntimeException ex)
        {
            final int type = handler.decoder.type();
            command.reset();
            command.type = CommandType.TICK;
            command.bucket = type;
            command.correlationId = handler.decoder.correlationId();
        }
        command.callback = REPLY;
        command.attachment = handler;
        command.startNanos = handler.readNanos;
    }

    private static void reply(final Command command)
    {
        ((BinaryCommandHandler)command.attachment).onResult(command);
    }

    /** Reply thread: encode the answer into the outbox and make sure a drain will write it. */
    private void onResult(final Command c)
    {
        final boolean undecodable = c.type == CommandType.TICK;
        final int type = undecodable ? c.bucket : c.type;
        metrics.answered(type, undecodable ? ResultCode.INTERNAL_ERROR : c.result, System.nanoTime() - c.startNanos);
        // Before the answer is handed over, so a drain that writes it also sees the lower count and may resume reads.
        inFlight.decrementAndGet();
        final Channel channel = ctx.channel();
        if (!channel.isActive())
        {
            owed.decrementAndGet();
            return;
        }
        ByteBuf buffer = outbox.getAndSet(null);
        if (buffer == null)
        {
            buffer = ctx.alloc().ioBuffer(INITIAL_REPLY_BYTES);
            replyFrame = FrameDescriptor.beginFrame(buffer, FrameDescriptor.KIND_RESULTS);
        }
        else if (FrameDescriptor.frameBytes(buffer, replyFrame) >= FrameDescriptor.TARGET_FRAME_BYTES)
        {
            replyFrame = FrameDescriptor.beginFrame(buffer, FrameDescriptor.KIND_RESULTS);
        }
        try
        {
            if (undecodable)
            {
                ResultEncoder.encodeRefusal(buffer, type, c.correlationId, ResultCode.INTERNAL_ERROR, null);
            }
            else if (c.result == ResultCode.OK && GatewayConfig.largeQueryAnswer(c, type) &&
                written(channel) > GatewayConfig.ANSWER_BACKLOG_BYTES)
            {
                // A client not reading its answers would otherwise have thousands of large ones held for it. What
                // this batch encoded so far is not counted: the engine bounds a batch's answers (its row budget),
                // and counting them refused a client that read at once but had 8 large queries in one batch.
                ResultEncoder.encodeRefusal(buffer, type, c.correlationId, ResultCode.OVERLOADED, null);
            }
            else
            {
                ResultEncoder.encode(buffer, c);
            }
        }
        catch (final IllegalStateException ex)
        {
            ResultEncoder.encodeRefusal(buffer, type, c.correlationId, ResultCode.INTERNAL_ERROR, null);
        }
        finally
        {
            FrameDescriptor.endFrame(buffer, replyFrame);
            outbox.set(buffer);
            owed.decrementAndGet();
        }
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true))
        {
            try
            {
                ctx.executor().execute(drain);
            }
            catch (final RejectedExecutionException ex)
            {
                // The event loop is shutting down with the server: nobody will write this any more.
                final ByteBuf orphan = outbox.getAndSet(null);
                if (orphan != null)
                {
                    orphan.release();
                }
            }
        }
    }

    /** Bytes written to the connection and not yet taken by its socket; any thread (a volatile read). */
    private static long written(final Channel channel)
    {
        final io.netty.channel.ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    /** Event loop: write whatever the reply thread has left, in one write and flush. */
    private void drain()
    {
        drainScheduled.set(false);
        final ByteBuf buffer = outbox.getAndSet(null);
        if (buffer != null)
        {
            if (ctx.channel().isActive())
            {
                ctx.writeAndFlush(buffer, ctx.voidPromise());
            }
            else
            {
                buffer.release();
            }
        }
        if (closing)
        {
            closeIfAnswered();
        }
        else
        {
            resumeIfDrained();
        }
    }

    private void answerNow(final int type, final long correlationId, final int code, final String field)
    {
        if (type < CommandType.COUNT_OF_TYPES)
        {
            metrics.answered(type, code, System.nanoTime() - readNanos);
        }
        if (immediate == null)
        {
            immediate = ctx.alloc().ioBuffer(INITIAL_REPLY_BYTES);
            immediateFrame = FrameDescriptor.beginFrame(immediate, FrameDescriptor.KIND_RESULTS);
        }
        else if (FrameDescriptor.frameBytes(immediate, immediateFrame) >= FrameDescriptor.TARGET_FRAME_BYTES)
        {
            immediateFrame = FrameDescriptor.beginFrame(immediate, FrameDescriptor.KIND_RESULTS);
        }
        ResultEncoder.encodeRefusal(immediate, type, correlationId, code, field);
        FrameDescriptor.endFrame(immediate, immediateFrame);
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        flushImmediate();
    }

    private void flushImmediate()
    {
        final ByteBuf answers = immediate;
        if (answers != null)
        {
            immediate = null;
            ctx.writeAndFlush(answers, ctx.voidPromise());
        }
    }

    /** A frame that cannot be parsed: there is no telling where the next one starts, so the connection goes. */
    private void protocolError()
    {
        metrics.binaryProtocolErrors.incrementAndGet();
        closeLingering();
    }

    /**
     * Closes on a protocol error: as {@link #closeWhenAnswered}, but the client's input goes on being read (the
     * decoder drops it) until the answers are written, the end of the stream is sent, and the client ends its side
     * or the idle timeout passes.
     */
    private void closeLingering()
    {
        if (closing)
        {
            return;
        }
        lingering = true;
        closeWhenAnswered();
        ctx.channel().config().setAutoRead(true);
    }

    /**
     * Reads nothing more and closes the connection once the answers of the frames already read (before a broken one,
     * or before the end of input) are written: those went to the engine, and a client told nothing of a command that
     * was applied could only guess.
     */
    private void closeWhenAnswered()
    {
        if (closing)
        {
            return;
        }
        closing = true;
        paused = true;
        ctx.channel().config().setAutoRead(false);
        // The rest of this read is not decoded either: it could only be counted as more broken frames.
        final FrameDecoder frames = ctx.pipeline().get(FrameDecoder.class);
        if (frames != null)
        {
            frames.stop();
        }
        flushImmediate();
        closeIfAnswered();
    }

    /** Event loop: closes, after what was written, once no answer is owed and none waits in the outbox. */
    private void closeIfAnswered()
    {
        if (outputEnded || owed.get() != 0 || outbox.get() != null || !ctx.channel().isActive())
        {
            return;
        }
        if (!lingering || inputEnded)
        {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        outputEnded = true;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written ->
        {
            if (!written.isSuccess() || !(ctx.channel() instanceof DuplexChannel duplex))
            {
                ctx.close();
                return;
            }
            duplex.shutdownOutput().addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            ctx.executor().schedule(() -> ctx.close(), lingerSeconds, TimeUnit.SECONDS);
        });
    }

    private void pause()
    {
        paused = true;
        ctx.channel().config().setAutoRead(false);
    }

    private void resumeIfDrained()
    {
        if (paused && !closing && inFlight.get() <= resumeInFlight && ctx.channel().isWritable())
        {
            paused = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        if (!ctx.channel().isWritable())
        {
            if (!paused)
            {
                pause();
            }
        }
        else
        {
            resumeIfDrained();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event)
    {
        if (event == FrameDecoder.PROTOCOL_ERROR)
        {
            // The decoder leaves the closing to this handler, which first answers what earlier frames are owed.
            closeLingering();
            return;
        }
        if (event == STOPPING)
        {
            // Lingering, as on a protocol error: a client still sending would otherwise leave input unread at the
            // close, and the kernel's reset would throw away answers of applied commands it had not read yet (a
            // tester: 56,838 of 103,250 over a stop). What it sends from here on is read and dropped, never applied.
            closeLingering();
            return;
        }
        if (event instanceof ChannelInputShutdownEvent)
        {
            // The client sent all it will: answer what its frames are owed, then close (a half of a frame left in
            // the decoder is dropped, as at any close).
            inputEnded = true;
            if (outputEnded)
            {
                ctx.close();
                return;
            }
            if (closing)
            {
                closeIfAnswered();
            }
            else
            {
                closeWhenAnswered();
            }
            return;
        }
        if (event instanceof IdleStateEvent)
        {
            // Silent for the whole timeout: close, unless the silence is ours (commands still in the ring, or
            // answered and not yet written: inFlight falls before the answer reaches the outbox).
            if (inFlight.get() == 0 && owed.get() == 0 && outbox.get() == null)
            {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        if (immediate != null)
        {
            immediate.release();
            immediate = null;
        }
        final ByteBuf pending = outbox.getAndSet(null);
        if (pending != null)
        {
            pending.release();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        // A reset by the peer or a failed write is the network's doing; anything else is ours, and counted.
        if (!(cause instanceof IOException))
        {
            metrics.binaryHandlerErrors.incrementAndGet();
        }
        ctx.close();
    }

    /** Commands of this connection in the ring (for tests and diagnostics). */
    public int inFlight()
    {
        return inFlight.get();
    }
}
