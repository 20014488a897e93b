package io.stockengine.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class SnapshotIOTest
{
    /**
     * A snapshot written in blocks must be byte for byte what DataOutput writes value by value, or files written
     * before would no longer load (and the checksum of the same state would differ).
     */
    @Test
    void shouldWriteTheSameBytesAsDataOutputAcrossBlockBoundaries() throws IOException
    {
        final long seed = Long.getLong("stock.test.seed", System.nanoTime());
        System.out.println("SnapshotIOTest seed=" + seed + " (rerun with -Dstock.test.seed=" + seed + ")");
        final SplittableRandom random = new SplittableRandom(seed);
        final ByteArrayOutputStream expectedBytes = new ByteArrayOutputStream();
        final DataOutputStream expected = new DataOutputStream(expectedBytes);
        final ByteArrayOutputStream actualBytes = new ByteArrayOutputStream();
        final DataOutputStream actual = new DataOutputStream(actualBytes);
        final SnapshotIO.Block block = new SnapshotIO.Block(actual);
        // Bytes, shorts, ints and longs mixed so that values straddle the 64 KiB block end at every offset the mix produces.
        for (int i = 0; i < 100_000; i++)
        {
            switch (random.nextInt(4))
            {
                case 0 ->
                {
                    final int value = random.nextInt();
                    expected.writeInt(value);
                    block.putInt(value);
                }
                case 1 ->
                {
                    final long value = random.nextLong();
                    expected.writeLong(value);
                    block.putLong(value);
                }
                case 2 ->
                {
                    final int value = random.nextInt(1 << 16);
                    expected.writeShort(value);
                    block.putShort(value);
                }
                default ->
                {
                    final int value = random.nextInt(256);
                    expected.writeByte(value);
                    block.putByte(value);
                }
            }
            if (i % 30_000 == 0)
            {
                // Something else writes to the stream between blocks, as the snapshot's writers do.
                block.flush();
                actual.writeUTF("between-" + i);
                expected.writeUTF("between-" + i);
            }
        }
        block.flush();
        assertArrayEquals(expectedBytes.toByteArray(), actualBytes.toByteArray(), "seed " + seed);
    }

    @Test
    void shouldReadBackWhatTheArrayWritersWrite() throws IOException
    {
        final int[] ints = new int[10_000];
        final long[] longs = new long[10_000];
        for (int i = 0; i < ints.length; i++)
        {
            ints[i] = i * 31 - 5_000;
            longs[i] = (long)i * Integer.MAX_VALUE;
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(bytes);
        SnapshotIO.writeInts(out, ints, 9_999);
        SnapshotIO.writeLongs(out, longs, 10_000);
        SnapshotIO.writeInts(out, ints, 0);
        final DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        final int[] intsBack = SnapshotIO.readInts(in, 0);
        assertEquals(9_999, intsBack.length);
        for (int i = 0; i < intsBack.length; i++)
        {
            assertEquals(ints[i], intsBack[i]);
        }
        assertArrayEquals(longs, SnapshotIO.readLongs(in, 0));
        assertEquals(0, SnapshotIO.readInts(in, 0).length);
        assertEquals(-1, in.read(), "nothing left over");
    }
}
