package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.stockengine.engine.AvailabilityWatch;
import io.stockengine.engine.Command;
import io.stockengine.gateway.GatewayMetrics;

/**
 * The hand-over between the reply thread and the event loop that sends the stream's events: order, channels
 * without subscribers, and what a subscriber is told when more changes come than the ring holds.
 */
class AvailabilityHubTest
{
    private static Command changes(final long seq, final String channel, final String... skus)
    {
        final Command c = new Command();
        c.changeSeq = seq;
        for (int i = 0; i < skus.length; i++)
        {
            c.change(channel, skus[i], 10 + i);
        }
        return c;
    }

    /**
     * The events written, one string each, and "" for the stream's end: a drain hands a connection its events
     * together, in parts that each end where an event does.
     */
    private static List<String> events(final EmbeddedChannel subscriber)
    {
        subscriber.runPendingTasks();
        final List<String> events = new ArrayList<>();
        HttpContent content;
        while ((content = subscriber.readOutbound()) != null)
        {
            final String part = content.content().toString(StandardCharsets.UTF_8);
            content.release();
            if (part.isEmpty())
            {
                events.add(part);
                continue;
            }
            assertTrue(part.endsWith("\n\n"), "a part ends where an event does: " + part);
            for (int start = 0, end; start < part.length(); start = end + 2)
            {
                end = part.indexOf("\n\n", start);
                events.add(part.substring(start, end + 2));
            }
        }
        return events;
    }

    @Test
    void shouldSendTheChangesOfSubscribedChannelsInOrderOnTheEventLoop()
    {
        final EmbeddedChannel subscriber = new EmbeddedChannel();
        final GatewayMetrics metrics = new GatewayMetrics();
        final AvailabilityHub hub = new AvailabilityHub(new AvailabilityWatch(), subscriber.eventLoop(), metrics);
        hub.subscribe("web", subscriber);

        hub.onChanges(changes(7, "web", "A", "B"));
        hub.onChanges(changes(8, "shop", "A"));
        hub.onChanges(changes(9, "web", (String)null));

        assertEquals(List.of(
            "event: availability\nid: 7\ndata: {\"channel\":\"web\",\"sku\":\"A\",\"available\":10,\"seq\":7}\n\n",
            "event: availability\nid: 7\ndata: {\"channel\":\"web\",\"sku\":\"B\",\"available\":11,\"seq\":7}\n\n",
            "event: resync\nid: 9\ndata: {\"channel\":\"web\",\"seq\":9}\n\n"), events(subscriber));
        assertEquals(3, metrics.streamEvents.get());
        assertEquals(1, metrics.streamSubscribers.get());
        subscriber.finishAndReleaseAll();
        assertEquals(0, metrics.streamSubscribers.get(), "a closed stream is no longer counted");
    }

    /**
     * A drain hands each connection its events together, in parts of about 16 KiB, not one write and flush each: from
     * the sender every write is a task on the connection's event loop, and 320 streams taking a burst of 20,000
     * changes one write at a time starved the ordinary requests on those loops (a tester).
     */
    @Test
    void shouldHandAConnectionTheEventsOfADrainTogether()
    {
        final EmbeddedChannel subscriber = new EmbeddedChannel();
        final AvailabilityHub hub = new AvailabilityHub(new AvailabilityWatch(), subscriber.eventLoop(),
            new GatewayMetrics());
        hub.subscribe("web", subscriber);
        final String[] skus = new String[1_000];
        for (int i = 0; i < skus.length; i++)
        {
            skus[i] = "SKU-" + i;
        }
        hub.onChanges(changes(5, "web", skus));
        subscriber.runPendingTasks();
        int parts = 0;
        long bytes = 0;
        HttpContent content;
        while ((content = subscriber.readOutbound()) != null)
        {
            parts++;
            bytes += content.content().readableBytes();
            assertTrue(content.content().readableBytes() < AvailabilityHub.HANDOVER_BYTES + 200, "a part's size");
            content.release();
        }
        assertTrue(bytes > 80_000, "1,000 events: " + bytes);
        assertEquals((bytes + AvailabilityHub.HANDOVER_BYTES - 1) / AvailabilityHub.HANDOVER_BYTES, parts,
            "whole parts of 16 KiB, then the rest");
        subscriber.finishAndReleaseAll();
    }

    @Test
    void shouldDropWhatTheRingCannotHoldAndTellEverySubscriberToResync()
    {
        final EmbeddedChannel web = new EmbeddedChannel();
        final EmbeddedChannel shop = new EmbeddedChannel();
        final GatewayMetrics metrics = new GatewayMetrics();
        final AvailabilityHub hub = new AvailabilityHub(new AvailabilityWatch(), web.eventLoop(), metrics);
        hub.subscribe("web", web);
        hub.subscribe("shop", shop);

        // The event loop runs nothing while the reply thread fills the ring and goes past it.
        for (int seq = 1; seq <= AvailabilityHub.RING + 5; seq++)
        {
            hub.onChanges(changes(seq, "web", "S"));
        }
        assertEquals(5, metrics.streamDroppedChanges.get(), "the changes past the ring's end");
        final List<String> sent = events(web);
        assertEquals(AvailabilityHub.RING + 1, sent.size(), "every change the ring held, then one resync");
        assertEquals("event: availability\nid: 1\ndata: {\"channel\":\"web\",\"sku\":\"S\",\"available\":10,\"seq\":1}\n\n",
            sent.get(0));
        assertEquals("event: availability\nid: " + AvailabilityHub.RING + "\ndata: {\"channel\":\"web\",\"sku\":\"S\",\"available\":10," +
            "\"seq\":" + AvailabilityHub.RING + "}\n\n", sent.get(AvailabilityHub.RING - 1));
        assertEquals("event: resync\nid: " + (AvailabilityHub.RING + 5) + "\ndata: {\"channel\":\"web\",\"seq\":" +
            (AvailabilityHub.RING + 5) + "}\n\n",
            sent.get(AvailabilityHub.RING), "the resync names the newest change that was dropped");
        assertEquals(List.of("event: resync\nid: " + (AvailabilityHub.RING + 5) + "\ndata: {\"channel\":\"shop\",\"seq\":" +
            (AvailabilityHub.RING + 5) + "}\n\n"), events(shop), "a dropped change could have been anyone's: every subscriber resyncs");

        // Once drained, the ring takes changes again, and one resync was enough.
        hub.onChanges(changes(AvailabilityHub.RING + 6, "web", "T"));
        assertEquals(List.of("event: availability\nid: " + (AvailabilityHub.RING + 6) + "\ndata: {\"channel\":\"web\",\"sku\":\"T\",\"available\":10," +
            "\"seq\":" + (AvailabilityHub.RING + 6) + "}\n\n"), events(web));
        assertNull(shop.readOutbound());
        web.finishAndReleaseAll();
        shop.finishAndReleaseAll();
    }

    /**
     * The reply thread fills the ring past its end while the event loop is still sending the changes before them:
     * the resync for what it dropped must follow every change queued before the drop. It was sent at the end of the
     * drain that was running, ahead of 16,383 older changes, so a client that re-read on the resync then applied
     * their stale values.
     */
    @Test
    void shouldSendTheResyncForADropOnlyAfterEveryChangeQueuedBeforeIt()
    {
        final AvailabilityHub[] hub = new AvailabilityHub[1];
        final boolean[] injected = { false };
        final EmbeddedChannel web = new EmbeddedChannel(new io.netty.channel.ChannelOutboundHandlerAdapter()
        {
            @Override
            public void write(final io.netty.channel.ChannelHandlerContext ctx, final Object msg,
                final io.netty.channel.ChannelPromise promise)
            {
                if (!injected[0])
                {
                    // The first change is being sent: meanwhile the reply thread queues and drops many more.
                    injected[0] = true;
                    for (int seq = 2; seq <= AvailabilityHub.RING + 5; seq++)
                    {
                        hub[0].onChanges(changes(seq, "web", "S"));
                    }
                }
                ctx.write(msg, promise);
            }
        });
        final GatewayMetrics metrics = new GatewayMetrics();
        // A sender of its own, as in the server: a task it is given while draining runs after the drain (an
        // embedded channel's loop would run it inside, which no real event loop does).
        final io.netty.util.concurrent.DefaultEventExecutor sender =
            new io.netty.util.concurrent.DefaultEventExecutor();
        hub[0] = new AvailabilityHub(new AvailabilityWatch(), sender, metrics);
        hub[0].subscribe("web", web);
        hub[0].onChanges(changes(1, "web", "S"));
        for (int drains = 0; drains < 3; drains++)
        {
            sender.submit(() -> { }).syncUninterruptibly();
        }
        sender.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();

        final List<String> sent = events(web);
        // The ring frees the first change's slot once the drain has rendered it, before the drain hands the events
        // over (where the reply thread queues the others here): 4 of them do not fit.
        final int kept = AvailabilityHub.RING + 1;
        assertEquals(AvailabilityHub.RING + 5 - kept, metrics.streamDroppedChanges.get(), "the changes past the ring");
        assertEquals(kept + 1, sent.size(), "every change the ring held, then one resync");
        for (int i = 0; i < kept; i++)
        {
            assertEquals("event: availability\nid: " + (i + 1) + "\ndata: {\"channel\":\"web\",\"sku\":\"S\",\"available\":10," +
                "\"seq\":" + (i + 1) + "}\n\n", sent.get(i), "change " + i);
        }
        assertEquals("event: resync\nid: " + (AvailabilityHub.RING + 5) + "\ndata: {\"channel\":\"web\",\"seq\":" +
            (AvailabilityHub.RING + 5) + "}\n\n",
            sent.get(kept), "after the older changes, naming the newest dropped");
        web.finishAndReleaseAll();
    }

    /** A stopped journal ends every stream with a last event that says why, and a stream opened after it too. */
    @Test
    void shouldTellEveryStreamTheJournalStoppedAndEndIt()
    {
        final EmbeddedChannel web = new EmbeddedChannel();
        final EmbeddedChannel late = new EmbeddedChannel();
        final AvailabilityHub hub = new AvailabilityHub(new AvailabilityWatch(), web.eventLoop(), new GatewayMetrics());
        hub.subscribe("web", web);
        hub.onChanges(changes(3, "web", "A"));

        hub.journalStopped();
        hub.subscribe("shop", late);

        final String unavailable = "event: unavailable\ndata: {\"channel\":\"web\",\"detail\":\"the journal stopped " +
            "after a failure; no change will be sent until the server is restarted, then re-read and reconnect\"}\n\n";
        assertEquals(List.of(
            "event: availability\nid: 3\ndata: {\"channel\":\"web\",\"sku\":\"A\",\"available\":10,\"seq\":3}\n\n",
            unavailable, ""), events(web), "the change before it, then the reason, then the stream's end");
        assertEquals(List.of(unavailable.replace("\"web\"", "\"shop\""), ""), events(late));
        org.junit.jupiter.api.Assertions.assertFalse(web.isOpen(), "the connection is closed");
        org.junit.jupiter.api.Assertions.assertFalse(late.isOpen());
        web.finishAndReleaseAll();
        late.finishAndReleaseAll();
    }
}
