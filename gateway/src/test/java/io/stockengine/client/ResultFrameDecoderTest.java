package io.stockengine.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.stockengine.gateway.binary.FrameDescriptor;
import io.stockengine.gateway.binary.ResultDescriptor;

/**
 * The client's framing: frames within the limit pass whole; a frame over it is walked, its messages within the limit
 * passed on as frames of their own and those over it skipped and reported, however the bytes arrive.
 */
class ResultFrameDecoderTest
{
    private static final int LIMIT = 1024;

    /** A message of {@code length} bytes: a header naming its correlation id and code, then filler. */
    private static void message(final ByteBuf frame, final long correlationId, final int code, final int length)
    {
        final int start = frame.writerIndex();
        frame.writeIntLE(length).writeByte(19).writeByte(code).writeByte(0).writeByte(1).writeLongLE(correlationId);
        frame.writeZero(length - FrameDescriptor.MESSAGE_HEADER_LENGTH);
        assertEquals(length, frame.writerIndex() - start);
    }

    private static List<Object> decode(final ByteBuf input, final int chunk, final AtomicInteger errors)
    {
        final EmbeddedChannel channel = new EmbeddedChannel(new ResultFrameDecoder(LIMIT, errors::incrementAndGet));
        while (input.isReadable())
        {
            channel.writeInbound(input.readRetainedSlice(Math.min(chunk, input.readableBytes())));
        }
        input.release();
        final List<Object> out = new ArrayList<>();
        for (Object read = channel.readInbound(); read != null; read = channel.readInbound())
        {
            out.add(read);
        }
        channel.finishAndReleaseAll();
        return out;
    }

    /** The correlation ids of a frame's messages, checking that it is a well-formed result frame. */
    private static List<Long> ids(final Object frame)
    {
        final ByteBuf buffer = assertInstanceOf(ByteBuf.class, frame);
        try
        {
            final int count = FrameDescriptor.messageCount(buffer, FrameDescriptor.KIND_RESULTS);
            final List<Long> ids = new ArrayList<>();
            int offset = buffer.readerIndex() + FrameDescriptor.HEADER_LENGTH;
            for (int i = 0; i < count; i++)
            {
                ids.add(buffer.getLongLE(offset + ResultDescriptor.CORRELATION_OFFSET));
                offset += buffer.getIntLE(offset);
            }
            return ids;
        }
        finally
        {
            buffer.release();
        }
    }

    @ParameterizedTest(name = "{0} bytes at a time")
    @ValueSource(ints = {1, 7, 100, 1 << 20})
    void shouldPassMessagesWithinTheLimitAndReportThoseOverIt(final int chunk)
    {
        final ByteBuf input = Unpooled.buffer();
        int start = FrameDescriptor.beginFrame(input, FrameDescriptor.KIND_RESULTS);
        message(input, 1, 0, 100);
        message(input, 2, 0, 60);
        FrameDescriptor.endFrame(input, start);
        start = FrameDescriptor.beginFrame(input, FrameDescriptor.KIND_RESULTS);
        message(input, 3, 0, 200);
        message(input, 4, 1, 5_000);
        message(input, 5, 0, LIMIT - FrameDescriptor.HEADER_LENGTH);
        message(input, 6, 0, LIMIT - FrameDescriptor.HEADER_LENGTH + 1);
        FrameDescriptor.endFrame(input, start);
        start = FrameDescriptor.beginFrame(input, FrameDescriptor.KIND_RESULTS);
        message(input, 7, 0, 50);
        FrameDescriptor.endFrame(input, start);
        final AtomicInteger errors = new AtomicInteger();

        final List<Object> out = decode(input, chunk, errors);

        assertEquals(6, out.size(), out.toString());
        assertEquals(List.of(1L, 2L), ids(out.get(0)), "a frame within the limit, whole");
        assertEquals(List.of(3L), ids(out.get(1)), "a message of the oversize frame, as a frame of its own");
        assertEquals(new ResultFrameDecoder.OversizeAnswer(4, 1, 5_000), out.get(2));
        assertEquals(List.of(5L), ids(out.get(3)), "exactly at the limit once framed");
        assertEquals(new ResultFrameDecoder.OversizeAnswer(6, 0, LIMIT - FrameDescriptor.HEADER_LENGTH + 1),
            out.get(4));
        assertEquals(List.of(7L), ids(out.get(5)), "the next frame, read as usual");
        assertEquals(0, errors.get());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a length below the minimum", "a commands frame", "a message longer than its frame",
        "a message shorter than a header"})
    void shouldCloseOnBrokenFraming(final String what)
    {
        final ByteBuf input = Unpooled.buffer();
        final int start = FrameDescriptor.beginFrame(input, what.equals("a commands frame") ?
            FrameDescriptor.KIND_COMMANDS : FrameDescriptor.KIND_RESULTS);
        message(input, 1, 0, 3_000);
        FrameDescriptor.endFrame(input, start);
        switch (what)
        {
            case "a length below the minimum" -> input.setIntLE(start, 3);
            case "a message longer than its frame" -> input.setIntLE(start + FrameDescriptor.HEADER_LENGTH, 3_001);
            case "a message shorter than a header" -> input.setIntLE(start + FrameDescriptor.HEADER_LENGTH, 15);
            default -> { }
        }
        final AtomicInteger errors = new AtomicInteger();
        final EmbeddedChannel channel = new EmbeddedChannel(new ResultFrameDecoder(LIMIT, errors::incrementAndGet));

        channel.writeInbound(input);

        assertNull(channel.readInbound());
        assertEquals(1, errors.get());
        assertFalse(channel.isOpen());
        channel.finishAndReleaseAll();
    }
}
