package io.stockengine.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Array helpers for writing the state to a snapshot stream and reading it back. Snapshots are written off the
 * logic thread (by a follower's replica), so these may allocate.
 */
final class SnapshotIO
{
    private static final int BLOCK_VALUES = 4096;

    private SnapshotIO()
    {
    }

    /**
     * Values gathered into a block and handed to the stream in one call, the same bytes DataOutput's writeInt and
     * writeLong would give (big-endian). One DataOutput call per value, each a call into a synchronized stream,
     * made writing a ten-million-balance snapshot take seconds more than the file's own writing.
     */
    static final class Block
    {
        private static final int BYTES = 1 << 16;
        private final DataOutput out;
        private final byte[] bytes = new byte[BYTES];
        private final ByteBuffer buffer = ByteBuffer.wrap(bytes);

        Block(final DataOutput out)
        {
            this.out = out;
        }

        Block putByte(final int value) throws IOException
        {
            if (!buffer.hasRemaining())
            {
                flush();
            }
            buffer.put((byte)value);
            return this;
        }

        Block putShort(final int value) throws IOException
        {
            if (buffer.remaining() < Short.BYTES)
            {
                flush();
            }
            buffer.putShort((short)value);
            return this;
        }

        Block putInt(final int value) throws IOException
        {
            if (buffer.remaining() < Integer.BYTES)
            {
                flush();
            }
            buffer.putInt(value);
            return this;
        }

        Block putLong(final long value) throws IOException
        {
            if (buffer.remaining() < Long.BYTES)
            {
                flush();
            }
            buffer.putLong(value);
            return this;
        }

        /** Hands what is gathered to the stream: before anything else writes to it. */
        void flush() throws IOException
        {
            out.write(bytes, 0, buffer.position());
            buffer.clear();
        }
    }

    static void writeInts(final DataOutput out, final int[] values, final int count) throws IOException
    {
        final Block block = new Block(out).putInt(count);
        for (int i = 0; i < count; i++)
        {
            block.putInt(values[i]);
        }
        block.flush();
    }

    /** In blocks: one DataInput call per value made the arrays of a ten-million-balance state slow to load. */
    static int[] readInts(final DataInput in, final int minLength) throws IOException
    {
        final int count = in.readInt();
        final int[] values = new int[Math.max(count, minLength)];
        final byte[] block = new byte[Math.min(count, BLOCK_VALUES) * Integer.BYTES];
        final ByteBuffer buffer = ByteBuffer.wrap(block);
        for (int first = 0; first < count; first += BLOCK_VALUES)
        {
            final int n = Math.min(BLOCK_VALUES, count - first);
            in.readFully(block, 0, n * Integer.BYTES);
            buffer.clear();
            buffer.asIntBuffer().get(values, first, n);
        }
        return values;
    }

    static void writeLongs(final DataOutput out, final long[] values, final int count) throws IOException
    {
        final Block block = new Block(out).putInt(count);
        for (int i = 0; i < count; i++)
        {
            block.putLong(values[i]);
        }
        block.flush();
    }

    static long[] readLongs(final DataInput in, final int minLength) throws IOException
    {
        final int count = in.readInt();
        final long[] values = new long[Math.max(count, minLength)];
        final byte[] block = new byte[Math.min(count, BLOCK_VALUES) * Long.BYTES];
        final ByteBuffer buffer = ByteBuffer.wrap(block);
        for (int first = 0; first < count; first += BLOCK_VALUES)
        {
            final int n = Math.min(BLOCK_VALUES, count - first);
            in.readFully(block, 0, n * Long.BYTES);
            buffer.clear();
            buffer.asLongBuffer().get(values, first, n);
        }
        return values;
    }

    static void writeString(final DataOutput out, final String value) throws IOException
    {
        out.writeBoolean(value != null);
        if (value != null)
        {
            out.writeUTF(value);
        }
    }

    static String readString(final DataInput in) throws IOException
    {
        return in.readBoolean() ? in.readUTF() : null;
    }

    static void writeStrings(final DataOutput out, final String[] values, final int count) throws IOException
    {
        out.writeInt(count);
        for (int i = 0; i < count; i++)
        {
            writeString(out, values[i]);
        }
    }

    static String[] readStrings(final DataInput in, final int minLength) throws IOException
    {
        final int count = in.readInt();
        final String[] values = new String[Math.max(count, minLength)];
        for (int i = 0; i < count; i++)
        {
            values[i] = readString(in);
        }
        return values;
    }

    static void check(final boolean condition, final String what) throws IOException
    {
        if (!condition)
        {
            throw new IOException("snapshot is inconsistent: " + what);
        }
    }
}
