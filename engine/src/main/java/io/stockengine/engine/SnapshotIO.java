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

    static void writeInts(final DataOutput out, final int[] values, final int count) throws IOException
    {
        out.writeInt(count);
        for (int i = 0; i < count; i++)
        {
            out.writeInt(values[i]);
        }
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
        out.writeInt(count);
        for (int i = 0; i < count; i++)
        {
            out.writeLong(values[i]);
        }
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
