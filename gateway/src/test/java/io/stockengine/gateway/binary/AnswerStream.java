package io.stockengine.gateway.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.stockengine.engine.ResultCode;

/** The answers a raw socket read until the end of its stream: whole result frames, then whatever was cut short. */
public final class AnswerStream
{
    /** The answers read, every one of them OK. */
    public final int count;
    /** The sum of their correlation ids. */
    public final long correlations;
    /** Bytes after the last whole frame: the stream ended in the middle of one. */
    public final int cutBytes;

    private AnswerStream(final int count, final long correlations, final int cutBytes)
    {
        this.count = count;
        this.correlations = correlations;
        this.cutBytes = cutBytes;
    }

    /** Reads to the end of the stream and checks every answer is OK. */
    public static AnswerStream readAllOk(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final byte[] buffer = new byte[4096];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer))
        {
            bytes.write(buffer, 0, n);
        }
        final ByteBuf answers = Unpooled.wrappedBuffer(bytes.toByteArray());
        final ResultDecoder result = new ResultDecoder();
        int count = 0;
        long correlations = 0;
        while (answers.readableBytes() >= FrameDescriptor.HEADER_LENGTH)
        {
            final int frameStart = answers.readerIndex();
            final int frameEnd = frameStart + FrameDescriptor.LENGTH_FIELD_LENGTH + answers.getIntLE(frameStart);
            if (frameEnd > answers.writerIndex())
            {
                break;
            }
            for (int offset = frameStart + FrameDescriptor.HEADER_LENGTH; offset < frameEnd; )
            {
                final int length = answers.getIntLE(offset + FrameDescriptor.MESSAGE_LENGTH_OFFSET);
                result.wrap(answers, offset, length);
                assertEquals(ResultCode.OK, result.code(), "command " + result.correlationId());
                correlations += result.correlationId();
                count++;
                offset += length;
            }
            answers.readerIndex(frameEnd);
        }
        return new AnswerStream(count, correlations, answers.readableBytes());
    }
}
