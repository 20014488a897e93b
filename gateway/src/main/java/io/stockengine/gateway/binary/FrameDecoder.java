package io.stockengine.gateway.binary;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Cuts the TCP stream into frames: a little-endian i32 length, then that many bytes. Emits each whole frame, length
 * prefix included, as a retained slice of the cumulation (no copy); the next handler releases it.
 * <p>
 * A length below the frame header or above the limit cannot be recovered from (there is no way to find the next
 * frame), so the decoder counts a protocol error, tells the handlers after it ({@link #PROTOCOL_ERROR}, so they can
 * send what they owe for the frames before it), drops everything after it and closes the connection, instead of
 * throwing into the pipeline. Once the connection is closing it decodes nothing more.
 */
public final class FrameDecoder extends ByteToMessageDecoder
{
    /** The user event fired just before the decoder closes a connection whose stream it cannot parse. */
    public static final Object PROTOCOL_ERROR = new Object()
    {
        @Override
        public String toString()
        {
            return "PROTOCOL_ERROR";
        }
    };

    private final int maxFrameBytes;
    private final Runnable onProtocolError;
    private final boolean closes;
    private boolean failed;

    /**
     * @param maxFrameBytes   the largest length prefix accepted (the bytes after it).
     * @param onProtocolError counts a broken stream; runs on the event loop, must not throw.
     */
    public FrameDecoder(final int maxFrameBytes, final Runnable onProtocolError)
    {
        this(maxFrameBytes, onProtocolError, true);
    }

    /**
     * @param closes false when a handler after it closes the connection on {@link #PROTOCOL_ERROR} itself (the server,
     *               which first writes the answers it owes for earlier frames).
     */
    public FrameDecoder(final int maxFrameBytes, final Runnable onProtocolError, final boolean closes)
    {
        this.maxFrameBytes = maxFrameBytes;
        this.onProtocolError = onProtocolError;
        this.closes = closes;
    }

    /** Decodes nothing more: a handler after it found the stream broken and closes the connection itself. */
    public void stop()
    {
        failed = true;
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
    {
        if (failed || !ctx.channel().isActive())
        {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < FrameDescriptor.LENGTH_FIELD_LENGTH)
        {
            return;
        }
        final int length = in.getIntLE(in.readerIndex());
        if (length < FrameDescriptor.MIN_FRAME_LENGTH || length > maxFrameBytes)
        {
            failed = true;
            in.skipBytes(in.readableBytes());
            onProtocolError.run();
            ctx.fireUserEventTriggered(PROTOCOL_ERROR);
            if (closes)
            {
                ctx.close();
            }
            return;
        }
        if (in.readableBytes() - FrameDescriptor.LENGTH_FIELD_LENGTH < length)
        {
            return;
        }
        out.add(in.readRetainedSlice(FrameDescriptor.LENGTH_FIELD_LENGTH + length));
    }
}
