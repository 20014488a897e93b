package io.stockengine.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Array helpers for writing the state to a snapshot stream and reading it back. Snapshots are written off the
 * logic thread (by a follower's replica), so these may allocate.
 */
final class SnapshotIO
{
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

    static int[] readInts(final DataInput in, final int minLength) throws IOException
    {
        final int count = in.readInt();
        final int[] values = new int[Math.max(count, minLength)];
        for (int i = 0; i < count; i++)
        {
            values[i] = in.readInt();
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
        for (int i = 0; i < count; i++)
        {
            values[i] = in.readLong();
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
