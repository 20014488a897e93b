package io.stockengine.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.NoOpEventSink;
import io.stockengine.engine.StockEngine;

/**
 * A small-scale run of the benchmarks' workload, so a broken mix fails the build rather than a long benchmark run:
 * the stream has the intended proportions, replays cycle after cycle with every command accepted, and producing
 * and applying it allocates nothing.
 */
class MarketplaceMixTest
{
    /** Engine time per command: large, so a 15-minute TTL fits many times into these short cycles. */
    private static final long STEP_MILLIS = 200;

    @Test
    void shouldHaveTheMarketplaceProportions()
    {
        final MarketplaceMix mix = new MarketplaceMix(new Catalogue(1_000, 4), 5_000, STEP_MILLIS, 50, 1);
        final int[] counts = new int[CommandType.COUNT_OF_TYPES];
        for (int i = 0; i < mix.length(); i++)
        {
            counts[mix.type(i)]++;
        }
        assertEquals(20_000, counts[CommandType.RESERVE]);
        assertEquals(10_000, counts[CommandType.SHIP]);
        assertEquals(5_000, counts[CommandType.CANCEL]);
        assertEquals(15_000, counts[CommandType.QUERY_AVAILABILITY] + counts[CommandType.QUERY_STOCK_AT]);
    }

    @Test
    void shouldReplayEveryCycleWithoutRefusalsOrAllocation()
    {
        final Catalogue catalogue = new Catalogue(2_000, 10);
        final MarketplaceMix mix = new MarketplaceMix(catalogue, 5_000, STEP_MILLIS, 50, 7);
        final StockEngine engine = new StockEngine(mix.engineConfig(catalogue), NoOpEventSink.INSTANCE);
        catalogue.receiveAll(engine, Catalogue.EPOCH_MILLIS);
        final Command c = new Command();
        long now = mix.warmUp(engine, c, Catalogue.EPOCH_MILLIS, 3);
        final int openOrders = engine.state().orders().liveOrders();

        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(thread);
        now = mix.warmUp(engine, c, now, 2);
        final long allocated = threads.getThreadAllocatedBytes(thread) - before;

        // -1 (the JVM cannot measure) twice would pass as nothing allocated; checked after the measured cycles.
        assertTrue(before > 0, "no allocation reading");
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes over two cycles");
        final int liveAfter = engine.state().orders().liveOrders();
        assertTrue(Math.abs(liveAfter - openOrders) < openOrders / 10,
            "the order book should be in a steady state: " + openOrders + " then " + liveAfter);
        assertTrue(now > Catalogue.EPOCH_MILLIS);
    }
}
