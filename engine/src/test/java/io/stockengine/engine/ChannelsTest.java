package io.stockengine.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.junit.jupiter.api.Test;

/**
 * A channel's configuration in force survives a snapshot, so that the same configuration sent after a restart is still
 * recognised; a snapshot from before it was kept (version 2) leaves it unknown, and the snapshots written after it
 * must read back too.
 */
class ChannelsTest
{
    private static final int WEB = 0;
    private static final int[] SOURCING = { 1, 0 };

    private final Balances balances = new Balances(16);
    private final int a = balances.findOrCreate(0, 0);
    private final int b = balances.findOrCreate(1, 0);

    private Channels configured()
    {
        final Channels channels = new Channels();
        channels.configure(balances, WEB, 2, SOURCING.length, SOURCING, 10);
        channels.setFence(balances, WEB, a, 3, 3, 11);
        channels.setFence(balances, WEB, b, 0, 0, 12);
        channels.changeFence(balances, WEB, a, -2);
        return channels;
    }

    private static boolean same(final Channels channels, final int[] fenced, final long[] quantities)
    {
        return channels.isConfiguredAs(WEB, 2, SOURCING.length, SOURCING, fenced.length, fenced, quantities);
    }

    private static Channels read(final byte[] bytes, final boolean withAllocations) throws IOException
    {
        final Channels channels = new Channels();
        channels.read(new DataInputStream(new ByteArrayInputStream(bytes)), withAllocations);
        return channels;
    }

    private static byte[] write(final Channels channels) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        channels.write(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    @Test
    void shouldRecogniseOnlyTheConfigurationInForce()
    {
        final Channels channels = configured();
        assertTrue(same(channels, new int[] { b, a }, new long[] { 0, 3 }), "allocations in any order");
        assertEquals(12, channels.configuredSeq(WEB));
        assertFalse(same(channels, new int[] { a, b }, new long[] { 1, 0 }), "the unused units are not the quantity");
        assertFalse(same(channels, new int[] { a }, new long[] { 3 }), "an allocation fewer");
        assertFalse(same(channels, new int[] { a, -1 }, new long[] { 3, 0 }), "a balance that does not exist");
        assertFalse(same(channels, new int[] { a, a }, new long[] { 3, 3 }), "one balance twice");
        assertFalse(channels.isConfiguredAs(WEB, 2, 2, new int[] { 0, 1 }, 2, new int[] { a, b }, new long[] { 3, 0 }),
            "the sourcing locations in another order");
        assertFalse(channels.isConfiguredAs(WEB, 1, 2, SOURCING, 2, new int[] { a, b }, new long[] { 3, 0 }),
            "another buffer");
        assertFalse(channels.isConfiguredAs(1, 0, 0, SOURCING, 0, new int[0], new long[0]), "a channel never configured");
    }

    @Test
    void shouldKeepTheConfigurationThroughASnapshot() throws IOException
    {
        final Channels channels = configured();
        final Channels copy = read(write(channels), true);
        assertTrue(same(copy, new int[] { a, b }, new long[] { 3, 0 }));
        assertEquals(12, copy.configuredSeq(WEB));
        assertEquals(1, copy.fence(WEB, a), "the unused units");
        assertEquals(channels.hash(7, 1), copy.hash(7, 1));
    }

    @Test
    void shouldReadAVersion2SnapshotWithTheConfigurationUnknownAndWriteOneThatReadsBack() throws IOException
    {
        final ByteArrayOutputStream old = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(old);
        // Version 2's layout: per channel buffer, configured, has locations, locations, fences as (balance, unused).
        out.writeInt(1);
        out.writeLong(2);
        out.writeBoolean(true);
        out.writeBoolean(true);
        SnapshotIO.writeInts(out, SOURCING, SOURCING.length);
        out.writeInt(2);
        out.writeInt(a);
        out.writeLong(1);
        out.writeInt(b);
        out.writeLong(0);
        final Channels fromOld = read(old.toByteArray(), false);
        assertEquals(1, fromOld.fence(WEB, a));
        assertFalse(same(fromOld, new int[] { a, b }, new long[] { 3, 0 }), "the configuration in force is unknown");

        final Channels rewritten = read(write(fromOld), true);
        assertFalse(same(rewritten, new int[] { a, b }, new long[] { 3, 0 }), "and stays unknown");
        assertEquals(1, rewritten.fence(WEB, a));
        assertEquals(fromOld.hash(7, 1), rewritten.hash(7, 1));

        rewritten.configure(balances, WEB, 2, SOURCING.length, SOURCING, 20);
        rewritten.setFence(balances, WEB, a, 3, 3, 21);
        rewritten.setFence(balances, WEB, b, 0, 0, 22);
        assertTrue(same(rewritten, new int[] { a, b }, new long[] { 3, 0 }), "known again once configured");
    }
}
