package io.stockengine.gateway.binary;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Frames of commands as a client pipelines them, encoded once into the bytes a test writes to a raw socket. */
public final class Batches
{
    /** Encodes the command of one correlation id (ids run from 1) and ends it. */
    @FunctionalInterface
    public interface Command
    {
        void encode(CommandEncoder encoder, ByteBuf buffer, long correlationId);
    }

    private Batches()
    {
    }

    /** {@code frames} COMMANDS frames of {@code perFrame} commands each. */
    public static byte[] encode(final int frames, final int perFrame, final Command command)
    {
        final ByteBuf batch = Unpooled.buffer();
        final CommandEncoder encoder = new CommandEncoder();
        for (int f = 0; f < frames; f++)
        {
            final int start = FrameDescriptor.beginFrame(batch, FrameDescriptor.KIND_COMMANDS);
            for (int i = 0; i < perFrame; i++)
            {
                command.encode(encoder, batch, (long)f * perFrame + i + 1);
                encoder.end();
            }
            FrameDescriptor.endFrame(batch, start);
        }
        final byte[] bytes = new byte[batch.readableBytes()];
        batch.readBytes(bytes);
        batch.release();
        return bytes;
    }
}
