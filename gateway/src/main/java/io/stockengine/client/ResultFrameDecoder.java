package io.stockengine.client;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.stockengine.gateway.binary.FrameDescriptor;
import io.stockengine.gateway.binary.ResultDescriptor;

/**
 * Splits the client's input into result frames of at most the client's limit. A frame over the limit is not a
 * broken stream: it is an answer the client chose not to hold (a wide availability query), and dropping the
 * connection for it would lose the answers behind it and, as the client resends what is safe to resend, ask the
 * same question again for ever. So such a frame is walked message by message: a message within the limit is passed
 * on as a frame of its own, and one over it is skipped as it arrives, never held, and reported as an
 * {@link OversizeAnswer} naming its command.
 * <p>
 * Anything else the framing rules refuse (a length below the minimum, a header or message that is not as the
 * protocol says) is a protocol error: it is counted and the connection is closed.
 */
final class ResultFrameDecoder extends ByteToMessageDecoder
{
    /** An answer over the client's limit, skipped: its command, its result code and its length in bytes. */
    record OversizeAnswer(long correlationId, int code, int length)
    {
    }

    private final int maxFrameBytes;
    private final Runnable onProtocolError;
    /** Bytes of the oversize frame being walked that are still to come (after its header); 0 when none is. */
    private long frameLeft;
    /** Bytes of the oversize message being skipped that are still to come. */
    private long skipLeft;
    private boolean failed;

    ResultFrameDecoder(final int maxFrameBytes, final Runnable onProtocolError)
    {
        this.maxFrameBytes = maxFrameBytes;
        this.onProtocolError = onProtocolError;
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
    {
        while (!failed && in.isReadable())
        {
            final int before = in.readableBytes();
            if (skipLeft > 0)
            {
                final int skipped = (int)Math.min(skipLeft, in.readableBytes());
                in.skipBytes(skipped);
                skipLeft -= skipped;
                frameLeft -= skipped;
            }
            else if (frameLeft > 0)
            {
                oversizeMessage(ctx, in, out);
            }
            else
            {
                frame(ctx, in, out);
            }
            if (in.readableBytes() == before)
            {
                return;
            }
        }
        if (failed)
        {
            in.skipBytes(in.readableBytes());
        }
    }

    private void frame(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
    {
        if (in.readableBytes() < FrameDescriptor.HEADER_LENGTH)
        {
            return;
        }
        final int start = in.readerIndex();
        final int length = in.getIntLE(start + FrameDescriptor.LENGTH_OFFSET);
        if (length < FrameDescriptor.MIN_FRAME_LENGTH)
        {
            fail(ctx);
            return;
        }
        if (length <= maxFrameBytes)
        {
            if (in.readableBytes() - FrameDescriptor.LENGTH_FIELD_LENGTH >= length)
            {
                out.add(in.readRetainedSlice(FrameDescriptor.LENGTH_FIELD_LENGTH + length));
            }
            return;
        }
        if (in.getUnsignedByte(start + FrameDescriptor.VERSION_OFFSET) != FrameDescriptor.VERSION ||
            in.getUnsignedByte(start + FrameDescriptor.KIND_OFFSET) != FrameDescriptor.KIND_RESULTS ||
            in.getShortLE(start + FrameDescriptor.RESERVED_OFFSET) != 0)
        {
            fail(ctx);
            return;
        }
        in.skipBytes(FrameDescriptor.HEADER_LENGTH);
        frameLeft = (long)length - (FrameDescriptor.HEADER_LENGTH - FrameDescriptor.LENGTH_FIELD_LENGTH);
    }

    /** The next message of an oversize frame: passed on whole when within the limit, else skipped and reported. */
    private void oversizeMessage(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
    {
        if (in.readableBytes() < FrameDescriptor.MESSAGE_HEADER_LENGTH)
        {
            return;
        }
        final int start = in.readerIndex();
        final int length = in.getIntLE(start + FrameDescriptor.MESSAGE_LENGTH_OFFSET);
        if (frameLeft < FrameDescriptor.MESSAGE_HEADER_LENGTH || length < FrameDescriptor.MESSAGE_HEADER_LENGTH ||
            length > frameLeft)
        {
            fail(ctx);
            return;
        }
        if (length <= maxFrameBytes - FrameDescriptor.HEADER_LENGTH)
        {
            if (in.readableBytes() < length)
            {
                return;
            }
            final ByteBuf frame = ctx.alloc().buffer(FrameDescriptor.HEADER_LENGTH + length);
            FrameDescriptor.beginFrame(frame, FrameDescriptor.KIND_RESULTS);
            frame.writeBytes(in, length);
            FrameDescriptor.endFrame(frame, 0);
            frameLeft -= length;
            out.add(frame);
            return;
        }
        out.add(new OversizeAnswer(in.getLongLE(start + ResultDescriptor.CORRELATION_OFFSET),
            in.getUnsignedByte(start + ResultDescriptor.CODE_OFFSET), length));
        // Its header is read here, so a decoder that reported something has consumed something (Netty checks).
        in.skipBytes(FrameDescriptor.MESSAGE_HEADER_LENGTH);
        frameLeft -= FrameDescriptor.MESSAGE_HEADER_LENGTH;
        skipLeft = length - FrameDescriptor.MESSAGE_HEADER_LENGTH;
    }

    private void fail(final ChannelHandlerContext ctx)
    {
        failed = true;
        onProtocolError.run();
        ctx.close();
    }
}
