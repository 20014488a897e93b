package io.stockengine.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class AvailabilityWatchTest
{
    private final AvailabilityWatch watch = new AvailabilityWatch();
    private final StockEngine engine = new StockEngine(new EngineConfig(), NoOpEventSink.INSTANCE).watch(watch);
    private final Command c = new Command();
    private long time = 1_000;

    private List<String> run(final java.util.function.Consumer<Command> fill)
    {
        c.reset();
        c.timestamp = time += 10;
        fill.accept(c);
        engine.process(c);
        final List<String> changes = new ArrayList<>();
        for (int i = 0; i < c.changeCount; i++)
        {
            changes.add(c.changeChannel[i] + ":" + c.changeSku[i] + "=" + c.changeAvailable[i]);
        }
        return changes;
    }

    private List<String> receive(final String sku, final long quantity)
    {
        return run(x ->
        {
            x.type = CommandType.RECEIVE;
            x.sku = sku;
            x.location = "WH1";
            x.quantity = quantity;
        });
    }

    @Test
    void shouldReportNothingWhileNobodyWatches()
    {
        assertEquals(List.of(), receive("A", 10));
    }

    @Test
    void shouldReportEachChangeOfAWatchedChannelsAvailabilityOnce()
    {
        watch.watch("web");
        assertEquals(List.of("web:A=10"), receive("A", 10));
        assertEquals(List.of("web:A=7"), run(x ->
        {
            x.type = CommandType.RESERVE;
            x.orderId = "o-1";
            x.channel = "web";
            x.line("A", null, 3);
        }));
        assertEquals(List.of(), run(x ->
        {
            x.type = CommandType.PICK;
            x.orderId = "o-1";
        }), "picking moves reserved to picked: what the channel may sell is unchanged");
        assertEquals(List.of("web:K=3"), run(x ->
        {
            x.type = CommandType.DEFINE_KIT;
            x.sku = "K";
            x.line("A", null, 2);
        }));
        assertEquals(List.of("web:A=6"), run(x ->
        {
            x.type = CommandType.SALE;
            x.channel = "pos";
            x.location = "WH1";
            x.line("A", null, 1);
        }), "the kit still has 3 (6 / 2): only A changed");
        assertEquals(List.of("web:A=4", "web:K=2"), run(x ->
        {
            x.type = CommandType.SET_SAFETY_STOCK;
            x.sku = "A";
            x.location = "WH1";
            x.quantity = 2;
        }));
        assertEquals(List.of("web:null=-1"), run(x ->
        {
            x.type = CommandType.CONFIGURE_CHANNEL;
            x.channel = "web";
            x.quantity = 1;
        }), "a policy change asks watchers to resync");
        assertEquals(List.of(), run(x ->
        {
            x.type = CommandType.CONFIGURE_CHANNEL;
            x.channel = "web";
            x.quantity = 1;
        }), "the same policy sent again changes nothing a watcher holds: no resync");
        assertEquals(List.of(), run(x ->
        {
            x.type = CommandType.CONFIGURE_CHANNEL;
            x.channel = "web";
            x.quantity = 1;
            x.key = "same-again";
        }), "nor with a key, which it binds");
        assertEquals(ResultCode.OK, c.result);
        watch.unwatch("web");
        assertEquals(List.of(), receive("A", 1));
    }

    /**
     * A channel's own resync covers what its configuration changed: no event per SKU follows it (a tester saw one
     * for every SKU of the channel, each with the value it had); the other channels are told their changes.
     */
    @Test
    void shouldSendTheReconfiguredChannelOnlyItsResync()
    {
        watch.watch("web");
        watch.watch("shop");
        assertEquals(List.of("shop:A=5", "web:A=5"), sorted(receive("A", 5)));
        assertEquals(List.of("shop:A=3", "web:null=-1"), sorted(run(x ->
        {
            x.type = CommandType.CONFIGURE_CHANNEL;
            x.channel = "web";
            x.line("A", "WH1", 2);
        })), "web fences 2 of A: shop may sell 3, and web re-reads");
        assertEquals(List.of("shop:A=4", "web:A=6"), sorted(receive("A", 1)),
            "after its resync web is told its next change");
    }

    private static List<String> sorted(final List<String> changes)
    {
        final List<String> copy = new ArrayList<>(changes);
        java.util.Collections.sort(copy);
        return copy;
    }

    /**
     * After a resync the watchers hold what they re-read, not what was reported before it: a change that brings a
     * SKU back to its value before the resync must still be sent.
     */
    @Test
    void shouldReportAReturnToAnEarlierValueAfterAResync()
    {
        watch.watch("web");
        assertEquals(List.of("web:A=3"), receive("A", 3));
        assertEquals(List.of("web:null=-1"), run(x ->
        {
            x.type = CommandType.CONFIGURE_CHANNEL;
            x.channel = "web";
            x.quantity = 1;
        }), "the buffer of 1 makes A 2 for web: watchers re-read it");
        assertEquals(List.of("web:A=3"), receive("A", 1), "4 on hand less the buffer: 3, news to a watcher at 2");
    }

    /**
     * Changes are not tracked while nobody watches, so a channel watched again starts afresh: its first change is
     * sent even when it lands on the value last sent before the pause.
     */
    @Test
    void shouldReportTheFirstChangeAfterTheChannelIsWatchedAgain()
    {
        watch.watch("web");
        assertEquals(List.of("web:A=5"), receive("A", 5));
        watch.unwatch("web");
        assertEquals(List.of(), run(x ->
        {
            x.type = CommandType.RESERVE;
            x.orderId = "o-w";
            x.channel = "web";
            x.line("A", null, 2);
        }), "3 left, reported to nobody");
        watch.watch("web");
        assertEquals(List.of("web:A=5"), run(x ->
        {
            x.type = CommandType.CANCEL;
            x.orderId = "o-w";
        }), "back to 5: the new watcher read 3 when it subscribed, so 5 is news");
    }

    /**
     * A channel no longer watched gives its slot back for the next, whose first change is reported whatever was
     * reported before under that slot; many channels watched one after another keep a slot each only while watched.
     * Past the most at once, the gateway refuses new ones (mayWatch).
     */
    @Test
    void shouldReuseTheSlotsOfChannelsNoLongerWatched()
    {
        receive("A", 10);
        watch.watch("keep");
        assertEquals(List.of("keep:A=11"), receive("A", 1));
        for (int i = 0; i < 200; i++)
        {
            final String channel = "ch-" + i;
            watch.watch(channel);
            // A count that leaves A as it was: only a channel with nothing reported yet hears of it, so a slot
            // reused with the last channel's values still in it would stay silent.
            assertEquals(List.of(channel + ":A=11"), run(x ->
            {
                x.type = CommandType.COUNT;
                x.sku = "A";
                x.location = "WH1";
                x.quantity = 11;
            }), "the first report for a channel newly watched, in a slot another left: " + channel);
            watch.unwatch(channel);
            receive("B", 1);
        }
        watch.unwatch("keep");
        for (int i = 0; i < AvailabilityWatch.MAX_CHANNELS; i++)
        {
            assertTrue(watch.mayWatch("many-" + i));
            watch.watch("many-" + i);
        }
        assertFalse(watch.mayWatch("one-more"), "as many channels as may be watched");
        assertTrue(watch.mayWatch("many-3"), "one watched already takes another watcher");
        final List<String> changes = receive("A", 1);
        assertEquals(AvailabilityWatch.MAX_CHANNELS, changes.size(), changes.toString());
    }

    @Test
    void shouldReportEveryWatchedChannelSeparately()
    {
        watch.watch("web");
        watch.watch("b2b");
        run(x ->
        {
            x.type = CommandType.CONFIGURE_CHANNEL;
            x.channel = "b2b";
            x.quantity = 4;
        });
        assertEquals(List.of("b2b:A=6", "web:A=10"), receive("A", 10));
    }

    /** A tick that expires a reservation answers no seq of its own; its changes carry the expiry's. */
    @Test
    void shouldStampChangesWithTheSequenceTheyAreAsOf()
    {
        watch.watch("web");
        receive("A", 10);
        assertEquals(c.seq, c.changeSeq);
        run(x ->
        {
            x.type = CommandType.RESERVE;
            x.orderId = "o-2";
            x.channel = "web";
            x.time = 100;
            x.line("A", null, 3);
        });
        final long reserved = c.seq;
        time += 1_000;
        assertEquals(List.of("web:A=10"), run(x -> x.type = CommandType.TICK));
        assertEquals(0, c.seq, "a tick answers nothing");
        final long expired = c.changeSeq;
        assertTrue(expired > reserved, () -> expired + " after " + reserved);
        run(x ->
        {
            x.type = CommandType.QUERY_ORDER;
            x.orderId = "o-2";
        });
        assertEquals(OrderStatus.EXPIRED, c.status);
        assertEquals(expired, c.seq, "the order's last event is its expiry");
    }
}
