package io.stockengine.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** {@link Command#copyOutputsFrom}: what a gateway keeps of an answer after the slot is reused. */
class CommandTest
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private static StockEngine engineWithLocations(final int locations)
    {
        final StockEngine engine = new StockEngine(new EngineConfig(), NoOpEventSink.INSTANCE);
        final Command c = new Command();
        for (int l = 0; l < locations; l++)
        {
            c.reset();
            c.type = CommandType.RECEIVE;
            c.timestamp = 1;
            c.key = "k" + l;
            c.sku = "A";
            c.location = "L" + l;
            c.quantity = l + 1;
            c.amount = 100;
            engine.process(c);
        }
        return engine;
    }

    private static Command stockOf(final StockEngine engine, final String sku)
    {
        final Command c = new Command();
        c.type = CommandType.QUERY_STOCK;
        c.timestamp = 2;
        c.sku = sku;
        engine.process(c);
        return c;
    }

    @Test
    void shouldCopyEveryRowOfAnAnswerLargerThanTheHoldersArrays()
    {
        final Command slot = stockOf(engineWithLocations(20), "A");
        assertEquals(20, slot.rowCount, "more rows than a fresh command's arrays hold");

        final Command kept = new Command().copyOutputsFrom(slot);
        assertEquals(slot.result, kept.result);
        assertEquals(slot.seq, kept.seq);
        assertEquals(slot.rowCount, kept.rowCount);
        assertArrayEquals(Arrays.copyOf(slot.rowSku, 20), Arrays.copyOf(kept.rowSku, 20));
        assertArrayEquals(Arrays.copyOf(slot.rowLocation, 20), Arrays.copyOf(kept.rowLocation, 20));
        assertArrayEquals(Arrays.copyOf(slot.rowValues, 20 * Command.STOCK_FIELDS),
            Arrays.copyOf(kept.rowValues, 20 * Command.STOCK_FIELDS));
        assertEquals(20, kept.value(19, Command.STOCK_FIELDS, Command.STOCK_SELLABLE));

        // The slot is reused for the next command: what was kept must not change with it, so it must not share
        // the slot's arrays.
        assertNotSame(slot.rowValues, kept.rowValues);
        assertNotSame(slot.rowSku, kept.rowSku);
        slot.reset();
        Arrays.fill(slot.rowValues, -1);
        Arrays.fill(slot.rowSku, "overwritten");
        Arrays.fill(slot.rowLocation, "overwritten");
        assertEquals(20, kept.value(19, Command.STOCK_FIELDS, Command.STOCK_SELLABLE));
        assertEquals("L19", kept.rowLocation[19]);
    }

    /** A command's events of up to {@link Command#RETAINED_EVENT_BYTES} fit the slot's buffer after any trim. */
    @Test
    void shouldKeepAnEventBufferThatHoldsEveryCommandUpToTheRetainedSize()
    {
        final Command slot = new Command();
        for (final int bytes : new int[] { 3_000, 4_096, 9_000, 3_000, 4_096 })
        {
            slot.events.setMemory(0, bytes, (byte)1);
            slot.releaseReferences();
            assertTrue(slot.events.capacity() <= Command.RETAINED_EVENT_BYTES, "trimmed after " + bytes);
        }
        final org.agrona.ExpandableArrayBuffer kept = slot.events;
        slot.events.setMemory(0, Command.RETAINED_EVENT_BYTES, (byte)2);
        slot.releaseReferences();
        assertSame(kept, slot.events, "a command of the retained size grows nothing and is not trimmed");
    }

    @Test
    void shouldReuseTheHoldersArraysWithoutAllocatingOnceTheyAreLargeEnough()
    {
        final StockEngine engine = engineWithLocations(12);
        final Command big = stockOf(engine, "A");
        final Command none = stockOf(engine, "B");
        final Command kept = new Command().copyOutputsFrom(big);
        final String[] rows = kept.rowSku;
        final long[] values = kept.rowValues;
        for (int i = 0; i < 20_000; i++)
        {
            // Warm the copy up, so what is measured below is the copy and not the interpreter.
            kept.copyOutputsFrom((i & 1) == 0 ? big : none);
        }
        final long before = THREADS.getCurrentThreadAllocatedBytes();
        kept.copyOutputsFrom(none);
        kept.copyOutputsFrom(big);
        final long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        // -1 (the JVM cannot measure) twice would pass as nothing allocated; checked after the measured copies.
        assertTrue(before > 0, "no allocation reading");
        assertEquals(0, allocated, "bytes allocated by copying into arrays that are large enough");
        assertSame(rows, kept.rowSku);
        assertSame(values, kept.rowValues);
        assertEquals(12, kept.rowCount);

        kept.copyOutputsFrom(none);
        assertEquals(0, none.rowCount, "an unknown SKU has no stock record");
        assertEquals(none.result, kept.result);
        assertEquals(0, kept.rowCount);
        assertNull(kept.outName);
    }

    /**
     * A slot gives back what one large command grew once its reply is done, so a ring of such commands cannot hold
     * gigabytes; a slot whose commands stay within the kept sizes keeps its arrays (no allocation per command).
     */
    @Test
    void shouldGiveBackWhatALargeCommandGrewAndKeepWhatASmallOneUses()
    {
        final StockEngine engine = engineWithLocations(200);
        final Command slot = stockOf(engine, "A");
        assertEquals(200, slot.rowCount);
        for (int i = 0; i < 100; i++)
        {
            slot.line("S-" + i, null, 1);
        }
        slot.events.putLong(20_000, 1);
        slot.change("web", "A", 1);
        for (int i = 0; i < 100; i++)
        {
            slot.change("web", "B" + i, i);
        }
        slot.releaseReferences();
        assertTrue(slot.rowSku.length <= Command.RETAINED_ROWS, "rows: " + slot.rowSku.length);
        assertTrue(slot.rowValues.length <= Command.RETAINED_ROWS * Command.STOCK_FIELDS);
        assertTrue(slot.itemTotals.length <= Command.RETAINED_ROWS);
        assertTrue(slot.lineSku.length <= Command.RETAINED_LINES, "lines: " + slot.lineSku.length);
        assertTrue(slot.changeChannel.length <= Command.RETAINED_ROWS);
        assertTrue(slot.events.capacity() <= Command.RETAINED_EVENT_BYTES);

        // A query of 60 rows (within the kept size) grows the arrays once; afterwards they stay.
        final StockEngine smaller = engineWithLocations(60);
        slot.reset();
        slot.type = CommandType.QUERY_STOCK;
        slot.timestamp = 2;
        slot.sku = "A";
        smaller.process(slot);
        assertEquals(60, slot.rowCount);
        slot.releaseReferences();
        final String[] rows = slot.rowSku;
        final long[] values = slot.rowValues;
        slot.reset();
        slot.type = CommandType.QUERY_STOCK;
        slot.timestamp = 3;
        slot.sku = "A";
        smaller.process(slot);
        slot.releaseReferences();
        assertSame(rows, slot.rowSku);
        assertSame(values, slot.rowValues);
    }

    /** An answer holder keeps arrays a slot would give back, up to the rows it is told to keep. */
    @Test
    void shouldKeepAnAnswerHoldersArraysUpToTheRowsItKeeps()
    {
        final Command big = stockOf(engineWithLocations(200), "A");
        final Command holder = new Command().copyOutputsFrom(big);
        final String[] rows = holder.rowSku;
        final long[] values = holder.rowValues;
        holder.releaseReferencesKeeping(512);
        assertSame(rows, holder.rowSku, "200 rows are within the 512 kept");
        assertSame(values, holder.rowValues);
        assertNull(holder.rowSku[0], "the references are dropped all the same");
        holder.copyOutputsFrom(big);
        holder.releaseReferencesKeeping(100);
        assertTrue(holder.rowSku.length <= 100, "past the rows kept the arrays go: " + holder.rowSku.length);
    }
}

