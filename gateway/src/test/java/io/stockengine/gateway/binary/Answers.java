package io.stockengine.gateway.binary;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;

/** Result messages read back from an {@code EmbeddedChannel}'s outbound side, checked as a client would. */
final class Answers
{
    /** One result message, copied out of its frame. */
    public record Answer(int type, int code, boolean replayed, long correlationId, long seq, String field, int status,
        long outTime, String name, String name2, String name3, int rowKind, List<Row> rows, long[] items)
    {
    }

    public record Row(String sku, String location, long[] values)
    {
    }

    private Answers()
    {
    }

    /** Runs the channel's pending tasks (the drains), then decodes and releases everything it wrote. */
    public static List<Answer> drain(final EmbeddedChannel channel)
    {
        channel.runPendingTasks();
        final List<Answer> answers = new ArrayList<>();
        ByteBuf written;
        while ((written = channel.readOutbound()) != null)
        {
            try
            {
                decodeFrames(written, answers);
            }
            finally
            {
                written.release();
            }
        }
        return answers;
    }

    /** Decodes every frame in {@code bytes} (from its reader index), failing on anything malformed. */
    public static void decodeFrames(final ByteBuf bytes, final List<Answer> out)
    {
        int offset = bytes.readerIndex();
        final int end = bytes.writerIndex();
        final ResultDecoder decoder = new ResultDecoder();
        while (offset < end)
        {
            final int length = bytes.getIntLE(offset);
            final ByteBuf frame = bytes.slice(offset, FrameDescriptor.LENGTH_FIELD_LENGTH + length);
            assertTrue(FrameDescriptor.messageCount(frame, FrameDescriptor.KIND_RESULTS) >= 0, "malformed frame");
            int message = FrameDescriptor.HEADER_LENGTH;
            while (message < frame.writerIndex())
            {
                final int messageLength = frame.getIntLE(message);
                decoder.wrap(frame, message, messageLength);
                assertTrue(decoder.parse(), "malformed result");
                out.add(answer(decoder));
                message += messageLength;
            }
            offset += FrameDescriptor.LENGTH_FIELD_LENGTH + length;
        }
    }

    private static Answer answer(final ResultDecoder d)
    {
        final int stride = RowKind.stride(d.rowKind());
        final List<Row> rows = new ArrayList<>();
        for (int row = 0; row < d.rowCount(); row++)
        {
            final long[] values = new long[stride];
            for (int v = 0; v < stride; v++)
            {
                values[v] = d.value(row, v);
            }
            rows.add(new Row(WireStrings.read(d.buffer(), d.rowSkuOffset(row), d.rowSkuLength(row)),
                WireStrings.read(d.buffer(), d.rowLocationOffset(row), d.rowLocationLength(row)), values));
        }
        final long[] items = new long[d.itemCount()];
        for (int i = 0; i < items.length; i++)
        {
            items[i] = d.itemTotal(i);
        }
        return new Answer(d.type(), d.code(), d.replayed(), d.correlationId(), d.seq(), string(d, 0), d.status(),
            d.outTime(), string(d, 1), string(d, 2), string(d, 3), d.rowKind(), rows, items);
    }

    private static String string(final ResultDecoder d, final int slot)
    {
        return WireStrings.read(d.buffer(), d.stringOffset(slot), d.stringLength(slot));
    }
}
