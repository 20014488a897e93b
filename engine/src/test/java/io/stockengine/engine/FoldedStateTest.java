package io.stockengine.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A state folded from the engine's events, as the snapshot writer and a replay build it, beside the live engine's.
 */
class FoldedStateTest
{
    private static final long T0 = 1_800_000_000_000L;

    private static void defineKit(final StockEngine engine, final String kit, final long units)
    {
        final Command c = new Command();
        c.reset();
        c.type = CommandType.DEFINE_KIT;
        c.sku = kit;
        c.line("A", null, units);
        c.timestamp = T0;
        engine.process(c);
        assertEquals(ResultCode.OK, c.result, kit);
    }

    /**
     * A component's kits are listed in the order they were defined (a redefined kit moves to the end), which is
     * the order availability changes of kits are reported in; a snapshot rebuilt them in kit-id order (a reviewer).
     */
    @Test
    void shouldKeepTheOrderOfAComponentsKitsThroughASnapshot() throws java.io.IOException
    {
        final InventoryState state = new InventoryState(new EngineConfig());
        final StockEngine engine = new StockEngine(state, NoOpEventSink.INSTANCE);
        defineKit(engine, "K1", 1);
        defineKit(engine, "K2", 2);
        defineKit(engine, "K1", 3);
        final int a = state.symbol(EventSink.SYMBOL_SKU, "A");
        final int[] before = state.kits.kitsOf(a).clone();
        assertEquals(state.symbol(EventSink.SYMBOL_SKU, "K2"), before[0], "K1, redefined, went last");
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        state.writeSnapshot(new java.io.DataOutputStream(bytes));
        final InventoryState restored = InventoryState.readSnapshot(
            new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())), new EngineConfig());
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, restored.kits.kitsOf(a));
        assertEquals(state.stateHash(), restored.stateHash());
    }

    /**
     * The live engine drops expiry entries as it expires orders; the fold never expires anything itself, and once
     * kept an entry for every TTL ever set (10,000 here, in memory and in each snapshot), a reviewer found.
     */
    @Test
    void shouldNotKeepExpiriesNoOrderAwaitsAny()
    {
        final InventoryState folded = new InventoryState(new EngineConfig());
        final StockEngine live = new StockEngine(new EngineConfig(), folded);
        final Command c = new Command();
        c.reset();
        c.type = CommandType.RECEIVE;
        c.key = "r-1";
        c.sku = "A";
        c.location = "WH1";
        c.quantity = 1_000_000;
        c.amount = 1;
        c.timestamp = T0;
        live.process(c);
        assertEquals(ResultCode.OK, c.result);
        for (int i = 0; i < 10_000; i++)
        {
            c.reset();
            c.type = CommandType.RESERVE;
            c.orderId = "o-" + i;
            c.channel = "web";
            c.time = 1_000;
            c.line("A", "WH1", 1);
            c.timestamp = T0 + i;
            live.process(c);
            assertEquals(ResultCode.OK, c.result);
            if (i % 3 == 1)
            {
                // Some finish before their TTL: their entries are dead long before they are due.
                c.reset();
                c.type = i % 2 == 0 ? CommandType.CANCEL : CommandType.SHIP;
                c.orderId = "o-" + i;
                c.timestamp = T0 + i;
                live.process(c);
                assertEquals(ResultCode.OK, c.result);
            }
        }
        assertTrue(folded.orders().expiryEntries() <= live.state().orders().expiryEntries() + 1_000,
            "while the TTLs run: folded " + folded.orders().expiryEntries() + ", live " +
            live.state().orders().expiryEntries());
        c.reset();
        c.type = CommandType.TICK;
        c.timestamp = T0 + 1_000_000;
        live.process(c);
        assertEquals(0, live.state().orders().expiryEntries());
        assertEquals(0, folded.orders().expiryEntries(), "every order has expired or finished");
        assertEquals(live.state().stateHash(), folded.stateHash());
    }

    /** 10 units of A at WH1, and a fence of {@code units} of them for channel mkt. */
    private static void fenceFor(final StockEngine engine, final long units)
    {
        final Command receive = command(CommandType.RECEIVE, T0);
        receive.key = "r";
        receive.sku = "A";
        receive.location = "WH1";
        receive.quantity = 10;
        engine.process(receive);
        final Command configure = command(CommandType.CONFIGURE_CHANNEL, T0);
        configure.channel = "mkt";
        configure.line("A", "WH1", units);
        engine.process(configure);
        assertEquals(ResultCode.OK, configure.result);
    }

    private static void reserveFenced(final StockEngine engine, final String orderId, final long units)
    {
        final Command reserve = command(CommandType.RESERVE, T0);
        reserve.orderId = orderId;
        reserve.channel = "mkt";
        reserve.line("A", "WH1", units);
        engine.process(reserve);
        assertEquals(ResultCode.OK, reserve.result);
    }

    /** The balance {@link #fenceFor} fences: A at WH1. */
    private static int fencedBalance(final InventoryState state)
    {
        return state.balances.find(state.symbol(EventSink.SYMBOL_SKU, "A"), state.symbol(EventSink.SYMBOL_LOCATION,
            "WH1"));
    }

    private static Command command(final int type, final long timestamp)
    {
        final Command c = new Command();
        c.reset();
        c.type = type;
        c.timestamp = timestamp;
        return c;
    }

    /**
     * A journal written before fences counted what open orders hold from them replays as it was decided: its
     * reconfiguration (the older record types) forgets the units the orders took, and its fence starts full; the
     * current records keep them counted.
     */
    @Test
    void shouldReplayAnOlderJournalsReconfigurationAsItWasDecided()
    {
        for (final boolean older : new boolean[] { true, false })
        {
            final InventoryState state = new InventoryState(new EngineConfig());
            final StockEngine engine = new StockEngine(state, NoOpEventSink.INSTANCE);
            fenceFor(engine, 4);
            reserveFenced(engine, "m1", 4);

            final int channel = state.symbol(EventSink.SYMBOL_CHANNEL, "mkt");
            final int sku = state.symbol(EventSink.SYMBOL_SKU, "A");
            final int location = state.symbol(EventSink.SYMBOL_LOCATION, "WH1");
            final int b = state.balances.find(sku, location);
            state.channelConfigured(state.lastSeq() + 1, channel, 1, 0, new int[0], !older);
            state.allocationSet(state.lastSeq() + 1, channel, sku, location, 4, older ? -1 : 0);
            assertEquals(older ? 4 : 0, state.channels.fence(channel, b), "unused after the reconfiguration");

            final Command cancel = command(CommandType.CANCEL, T0);
            cancel.orderId = "m1";
            engine.process(cancel);
            assertEquals(ResultCode.OK, cancel.result);
            assertEquals(4, state.channels.fence(channel, b), "older: nothing given back; current: m1's 4 back");
        }
    }

    /**
     * A fence restored from a snapshot written before fence quantities were kept has none: the channel's
     * configuration shows what it covers now (unused and held by orders), and that sent back changes nothing.
     */
    @Test
    void shouldShowAFenceRestoredWithoutItsQuantityAsWhatItCovers() throws java.io.IOException
    {
        final InventoryState state = new InventoryState(new EngineConfig());
        final StockEngine engine = new StockEngine(state, NoOpEventSink.INSTANCE);
        fenceFor(engine, 4);
        reserveFenced(engine, "m1", 1);
        final int channel = state.symbol(EventSink.SYMBOL_CHANNEL, "mkt");
        final int b = fencedBalance(state);
        // The channels as a version 2 snapshot holds them: per channel its buffer, whether configured, no sourcing
        // list, and its fences as (balance, unused units), with no quantities.
        final java.io.ByteArrayOutputStream old = new java.io.ByteArrayOutputStream();
        final java.io.DataOutputStream out = new java.io.DataOutputStream(old);
        out.writeInt(channel + 1);
        for (int c = 0; c <= channel; c++)
        {
            out.writeLong(0);
            out.writeBoolean(c == channel);
            out.writeBoolean(false);
            out.writeInt(c == channel ? 1 : 0);
            if (c == channel)
            {
                out.writeInt(b);
                out.writeLong(3);
            }
        }
        state.channels.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(old.toByteArray())), false);
        assertEquals(-1, state.channels.allocated(channel, b));

        final Command query = command(CommandType.QUERY_CHANNEL, T0);
        query.channel = "mkt";
        engine.process(query);
        assertEquals(ResultCode.OK, query.result);
        assertEquals(1, query.rowCount, "one fence, no sourcing list");
        assertEquals(4, query.itemTotals[0], "3 unused and 1 held by m1");
        assertEquals(3, query.rowValues[0]);

        final Command again = command(CommandType.CONFIGURE_CHANNEL, T0);
        again.channel = "mkt";
        again.line("A", "WH1", query.itemTotals[0]);
        engine.process(again);
        assertEquals(ResultCode.OK, again.result);
        assertEquals(3, state.channels.fence(channel, b), "sent back, the fence covers what it did");
        assertEquals(4, state.channels.allocated(channel, b), "and its quantity is known again");
    }

    /**
     * What a channel's orders hold from its fences is not in a snapshot: the load counts it again from the orders'
     * lines, so a restored engine gives back into a fence exactly what the live one would.
     */
    @Test
    void shouldCountWhatOrdersHoldFromFencesAgainWhenASnapshotIsLoaded() throws java.io.IOException
    {
        final InventoryState live = new InventoryState(new EngineConfig());
        final StockEngine engine = new StockEngine(live, NoOpEventSink.INSTANCE);
        fenceFor(engine, 4);
        reserveFenced(engine, "m1", 2);
        reserveFenced(engine, "m2", 2);
        final Command lower = command(CommandType.CONFIGURE_CHANNEL, T0);
        lower.channel = "mkt";
        lower.line("A", "WH1", 1);
        engine.process(lower);
        assertEquals(ResultCode.OK, lower.result);

        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        live.writeSnapshot(new java.io.DataOutputStream(bytes));
        final InventoryState restored = InventoryState.readSnapshot(
            new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())), new EngineConfig());
        final int channel = live.symbol(EventSink.SYMBOL_CHANNEL, "mkt");
        final int b = fencedBalance(live);
        assertEquals(4, live.channels.held(channel, b));
        assertEquals(4, restored.channels.held(channel, b), "counted again from the lines");
        assertEquals(live.stateHash(), restored.stateHash());

        final StockEngine again = new StockEngine(restored, NoOpEventSink.INSTANCE);
        for (final StockEngine each : new StockEngine[] { engine, again })
        {
            for (final String id : new String[] { "m1", "m2" })
            {
                final Command cancel = command(CommandType.CANCEL, T0);
                cancel.orderId = id;
                each.process(cancel);
                assertEquals(ResultCode.OK, cancel.result);
            }
        }
        assertEquals(1, live.channels.fence(channel, b), "filled to its quantity, no further");
        assertEquals(live.channels.fence(channel, b), restored.channels.fence(channel, b));
        assertEquals(live.stateHash(), restored.stateHash());
    }
}
