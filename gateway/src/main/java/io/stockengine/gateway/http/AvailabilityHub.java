package io.stockengine.gateway.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.EventExecutor;
import io.stockengine.engine.AvailabilityWatch;
import io.stockengine.engine.Command;
import io.stockengine.gateway.GatewayMetrics;

/**
 * The server-sent-events stream of availability changes: connections subscribe per channel; the engine reports
 * changes of watched channels in each command's slot, and one event per change goes to every subscriber of that
 * channel. A policy change of a channel sends a {@code resync} event (re-read GET /v1/availability). A comment line
 * every few seconds keeps idle streams open. Each event's {@code id} is its seq; a client that reconnects with a
 * {@code Last-Event-ID} is sent a resync first, since the changes it missed are not kept.
 * <p>
 * Threading: the reply thread ({@link #onChanges}) only copies each change into a ring of its own and schedules a
 * drain; an event loop renders and sends the events. The reply thread is the logic thread when the journal runs
 * there, so it must neither allocate nor wait: when the ring is full (subscribers far behind), the changes that do
 * not fit are dropped and every subscriber is sent a {@code resync} instead, which asks it to re-read what it
 * would have missed.
 * <p>
 * Slow subscribers: one whose connection is not writable (past its high water mark, so it is not reading) is sent
 * nothing, so a slow reader costs at most its water mark and never a growing queue of events. The events it misses
 * are dropped for it alone; once its connection is writable again it is sent one {@code resync} naming the newest
 * change it missed, before anything else. Its connection tells the hub ({@link #caughtUp}). A subscriber that stays
 * stuck is closed by the idle timeout, as its writes never complete.
 */
public final class AvailabilityHub
{
    /** Changes waiting for the event loop; a power of two. */
    static final int RING = 1 << 14;
    private static final int MASK = RING - 1;

    private final AvailabilityWatch watch;
    private final EventExecutor sender;
    private final GatewayMetrics metrics;
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);
    private final Map<String, Set<Subscriber>> subscribers = new ConcurrentHashMap<>();
    private final String[] ringChannel = new String[RING];
    private final String[] ringSku = new String[RING];
    private final long[] ringAvailable = new long[RING];
    private final long[] ringSeq = new long[RING];
    /** Changes written by the reply thread; its ordered write publishes the entries below it. */
    private final AtomicLong written = new AtomicLong();
    /** Changes sent by the event loop; the slots below it may be written again. */
    private final AtomicLong sent = new AtomicLong();
    /**
     * Drops by the reply thread (its only writer), in this order: where in the ring's stream of changes the newest
     * drop fell ({@link #dropPosition}: every change queued before it is older), its sequence, then the count. The
     * sender reads them the other way round, so the position it reads is at least that of the seq it reads: once
     * it has sent everything up to that position, a resync naming the seq comes after every older change.
     */
    private volatile long dropPosition;
    private volatile long droppedSeq;
    private volatile long drops;
    /** Drops the sender has sent a resync for; the sender's own. */
    private long resyncedDrops;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** Set when the server stops: streams opened from then on are ended at once. */
    private volatile boolean closed;
    /** Set when the journal stops: streams opened from then on are told so and ended at once. */
    private volatile boolean journalStopped;
    private final Runnable drain = this::drain;
    private final int maxStreams;
    /** Streams open or about to open: the places {@link #reserve} took. */
    private final java.util.concurrent.atomic.AtomicInteger streams = new java.util.concurrent.atomic.AtomicInteger();
    /**
     * Subscribers with events pending in the drain under way. A drain hands each connection its events together, in
     * parts of at most {@link #HANDOVER_BYTES}, instead of one write and one flush for each event: written from the
     * sender, every write was a task on the connection's own event loop, and 320 unread streams with a burst of
     * 20,000 changes queued millions of them, which starved the ordinary requests on those loops (a tester's
     * /health took 15 s).
     */
    private final java.util.ArrayList<Subscriber> handing = new java.util.ArrayList<>();
    /**
     * The most events handed to one connection at once. Netty counts a write against the connection's high water mark
     * when it is handed over, so a subscriber's writability (checked before each event) lags by at most this.
     */
    static final int HANDOVER_BYTES = 16 * 1024;

    /** {@code sender} is the event loop that renders and sends every event; no limit on the streams open. */
    public AvailabilityHub(final AvailabilityWatch watch, final EventExecutor sender, final GatewayMetrics metrics)
    {
        this(watch, sender, metrics, Integer.MAX_VALUE);
    }

    /** As above, with at most {@code maxStreams} open at once ({@link #reserve}). */
    public AvailabilityHub(final AvailabilityWatch watch, final EventExecutor sender, final GatewayMetrics metrics,
        final int maxStreams)
    {
        this.watch = watch;
        this.sender = sender;
        this.metrics = metrics;
        this.maxStreams = maxStreams;
    }

    public int maxStreams()
    {
        return maxStreams;
    }

    /**
     * Takes a place for a stream about to open ({@link #subscribe} follows at once), false when every place is taken;
     * the place is given back when the stream's connection closes.
     */
    boolean reserve()
    {
        while (true)
        {
            final int open = streams.get();
            if (open >= maxStreams)
            {
                return false;
            }
            if (streams.compareAndSet(open, open + 1))
            {
                return true;
            }
        }
    }

    public AvailabilityWatch watch()
    {
        return watch;
    }

    /**
     * One stream connection. Whether it missed events, and which, is read and written by the sender's event loop
     * only.
     */
    static final class Subscriber
    {
        final String channel;
        final Channel connection;
        /** Events were dropped for it while it was not writable: it is owed a resync. */
        boolean missed;
        /** The newest change it missed. */
        long missedSeq;
        /** Events of the drain under way not yet handed to its connection, or null. */
        ByteBuf pending;

        Subscriber(final String channel, final Channel connection)
        {
            this.channel = channel;
            this.connection = connection;
        }
    }

    /**
     * Adds a subscriber, in a place {@link #reserve} took; it is removed, and its place given back, when its connection
     * closes. Called on its event loop.
     */
    Subscriber subscribe(final String channel, final Channel connection)
    {
        final Subscriber subscriber = new Subscriber(channel, connection);
        connection.pipeline().addLast("stream-end", new StreamEnd());
        // Added and removed under the map's lock for the channel, so the set of a channel whose last stream left
        // goes (a set kept for every name ever streamed grew without end) and a stream never joins a set that went.
        subscribers.compute(channel, (name, set) ->
        {
            final Set<Subscriber> joined = set != null ? set : new CopyOnWriteArraySet<>();
            joined.add(subscriber);
            return joined;
        });
        watch.watch(channel);
        metrics.streamSubscribers.incrementAndGet();
        connection.closeFuture().addListener(f ->
        {
            streams.decrementAndGet();
            final boolean[] removed = { false };
            subscribers.computeIfPresent(channel, (name, set) ->
            {
                removed[0] = set.remove(subscriber);
                return set.isEmpty() ? null : set;
            });
            if (removed[0])
            {
                watch.unwatch(channel);
                metrics.streamSubscribers.decrementAndGet();
            }
        });
        if (journalStopped)
        {
            // Subscribed as the journal stopped: journalStopped may have gone past this stream already.
            endUnavailable(subscriber);
        }
        else if (closed)
        {
            // Subscribed while the server stops: closeAll may have gone past this stream already.
            end(connection);
        }
        return subscriber;
    }

    /**
     * The last stage a stream's writes pass before the HTTP encoder: after the last chunk (the server stopping),
     * anything still on its way (an event the sender had queued, a keep-alive from another thread) is dropped, as
     * the encoder would refuse it. Touched on the connection's event loop only.
     */
    private static final class StreamEnd extends io.netty.channel.ChannelOutboundHandlerAdapter
    {
        private boolean ended;

        @Override
        public void write(final io.netty.channel.ChannelHandlerContext ctx, final Object msg,
            final io.netty.channel.ChannelPromise promise)
        {
            if (ended)
            {
                io.netty.util.ReferenceCountUtil.release(msg);
                promise.trySuccess();
                return;
            }
            ended = msg instanceof LastHttpContent;
            ctx.write(msg, promise);
        }
    }

    private static void end(final Channel connection)
    {
        connection.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * The subscriber's connection is writable again: it is sent the resync it is owed, if any, by the sender (which
     * owns what it missed). Called on the connection's event loop.
     */
    void caughtUp(final Subscriber subscriber)
    {
        try
        {
            sender.execute(() -> resyncIfMissed(subscriber));
        }
        catch (final RejectedExecutionException ex)
        {
            // The server is shutting down: its streams are closing, nobody is left to send to.
        }
    }

    private void resyncIfMissed(final Subscriber subscriber)
    {
        final Channel connection = subscriber.connection;
        if (subscriber.missed && connection.isActive() && connection.isWritable())
        {
            subscriber.missed = false;
            write(connection, resync(subscriber.channel, subscriber.missedSeq));
            metrics.streamEvents.incrementAndGet();
        }
    }

    /**
     * The server is stopping: every stream gets its last chunk, so a client sees the response end properly rather
     * than cut short, and its connection is closed. Waits (at most {@code timeoutMillis}) until they are, since an
     * event loop that shuts down closes its connections before it runs the writes still queued for them. Not on an
     * event loop.
     */
    public void closeAll(final long timeoutMillis)
    {
        closed = true;
        final java.util.List<Channel> ending = new java.util.ArrayList<>();
        for (final Set<Subscriber> set : subscribers.values())
        {
            for (final Subscriber subscriber : set)
            {
                end(subscriber.connection);
                ending.add(subscriber.connection);
            }
        }
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (final Channel connection : ending)
        {
            final long left = deadline - System.nanoTime();
            if (left <= 0 || !connection.closeFuture().awaitUninterruptibly(left,
                java.util.concurrent.TimeUnit.NANOSECONDS))
            {
                return;
            }
        }
    }

    /**
     * The journal stopped: nothing will change until a restart, so a stream left open would say nothing for good
     * while every command is refused. Each is sent an {@code unavailable} event and ended; a client that reconnects
     * is refused with 503 like every request. Any thread: the sender does it, after the changes it has queued, so
     * none of them reaches a client after the stream's end.
     */
    public void journalStopped()
    {
        journalStopped = true;
        try
        {
            sender.execute(() ->
            {
                for (final Set<Subscriber> set : subscribers.values())
                {
                    for (final Subscriber subscriber : set)
                    {
                        endUnavailable(subscriber);
                    }
                }
            });
        }
        catch (final RejectedExecutionException ex)
        {
            // The server is shutting down: its streams are closing, nobody is left to tell.
        }
    }

    private static void endUnavailable(final Subscriber subscriber)
    {
        write(subscriber.connection, unavailable(subscriber.channel));
        end(subscriber.connection);
    }

    /** No id: the client's Last-Event-ID stays that of the last change it was sent. */
    static String unavailable(final String channel)
    {
        return "event: unavailable\ndata: {\"channel\":\"" + channel + "\",\"detail\":\"the journal stopped after a " +
            "failure; no change will be sent until the server is restarted, then re-read and reconnect\"}\n\n";
    }

    public int subscriberCount()
    {
        return subscribers.values().stream().mapToInt(Set::size).sum();
    }

    /** Reply thread: queues the command's changes that have subscribers for the event loop, allocating nothing. */
    public void onChanges(final Command c)
    {
        long position = written.get();
        final long limit = sent.get() + RING;
        boolean queued = false;
        int dropped = 0;
        for (int i = 0; i < c.changeCount; i++)
        {
            final Set<Subscriber> set = subscribers.get(c.changeChannel[i]);
            if (set == null || set.isEmpty())
            {
                continue;
            }
            if (position == limit)
            {
                // Once full, the ring stays full for the rest of this command: its drops are published once below.
                dropped++;
                continue;
            }
            final int slot = (int)position & MASK;
            ringChannel[slot] = c.changeChannel[i];
            ringSku[slot] = c.changeSku[i];
            ringAvailable[slot] = c.changeAvailable[i];
            ringSeq[slot] = c.changeSeq;
            position++;
            queued = true;
        }
        if (dropped > 0)
        {
            dropPosition = position;
            droppedSeq = Math.max(droppedSeq, c.changeSeq);
            drops += dropped;
            metrics.streamDroppedChanges.addAndGet(dropped);
            queued = true;
        }
        if (!queued)
        {
            return;
        }
        // A full (volatile) store, not lazySet: the drain clears its flag and then reads this; with a lazy store the
        // flag could be read as still set before the position became visible, and a change would wait for the
        // next one (store-then-load reordering, which x86 allows).
        written.set(position);
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true))
        {
            try
            {
                sender.execute(drain);
            }
            catch (final RejectedExecutionException ex)
            {
                // The server is shutting down: its streams are closing, nobody is left to send to.
                drainScheduled.set(false);
            }
        }
    }

    /**
     * Event loop: sends every queued change, then a resync to everyone if changes had to be dropped, once every
     * change queued before the drop is sent (a resync ahead of older changes would leave a client that re-read on
     * it with their stale values).
     */
    private void drain()
    {
        drainScheduled.set(false);
        final long end = written.get();
        for (long position = sent.get(); position < end; position++)
        {
            final int slot = (int)position & MASK;
            final String channel = ringChannel[slot];
            final String sku = ringSku[slot];
            ringChannel[slot] = null;
            ringSku[slot] = null;
            final Set<Subscriber> set = subscribers.get(channel);
            if (set != null && !set.isEmpty())
            {
                final long seq = ringSeq[slot];
                send(set, sku == null ? resync(channel, seq) :
                    "event: availability\nid: " + seq + "\ndata: {\"channel\":\"" + channel + "\",\"sku\":\"" + sku +
                    "\",\"available\":" + ringAvailable[slot] + ",\"seq\":" + seq + "}\n\n", seq, sku == null);
            }
        }
        sent.lazySet(end);
        handOver();
        final long dropped = drops;
        if (dropped != resyncedDrops)
        {
            final long seq = droppedSeq;
            if (dropPosition <= end)
            {
                resyncedDrops = dropped;
                for (final Map.Entry<String, Set<Subscriber>> entry : subscribers.entrySet())
                {
                    send(entry.getValue(), resync(entry.getKey(), seq), seq, true);
                }
                handOver();
            }
            // Else changes queued before the drop are still to come: the drain the reply thread scheduled with them
            // sends them, then this resync.
        }
    }

    /** The id of an event is its seq, so a client that reconnects says how far it got (see the stream's start). */
    static String resync(final String channel, final long seq)
    {
        return "event: resync\nid: " + seq + "\ndata: {\"channel\":\"" + channel + "\",\"seq\":" + seq + "}\n\n";
    }

    /**
     * Keeps idle streams from hitting the idle timeout; a subscriber that is not writable is skipped, since a
     * keep-alive it cannot take says nothing. Any thread: it touches nothing of what a subscriber missed.
     */
    public void heartbeat()
    {
        for (final Set<Subscriber> set : subscribers.values())
        {
            for (final Subscriber subscriber : set)
            {
                final Channel connection = subscriber.connection;
                if (connection.isActive() && connection.isWritable())
                {
                    write(connection, KEEP_ALIVE);
                }
            }
        }
    }

    /**
     * Sender: writes the event to every open subscriber of the set that can take it, after the resync one is owed
     * (which a resync event itself replaces); one that cannot take it misses it.
     */
    private void send(final Set<Subscriber> set, final String event, final long seq, final boolean isResync)
    {
        final byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
        int written = 0;
        for (final Subscriber subscriber : set)
        {
            final Channel connection = subscriber.connection;
            if (!connection.isActive())
            {
                continue;
            }
            if (!connection.isWritable())
            {
                subscriber.missed = true;
                subscriber.missedSeq = Math.max(subscriber.missedSeq, seq);
                continue;
            }
            if (subscriber.missed)
            {
                subscriber.missed = false;
                if (!isResync)
                {
                    queue(subscriber, resync(subscriber.channel, subscriber.missedSeq).getBytes(StandardCharsets.UTF_8));
                    written++;
                }
            }
            queue(subscriber, bytes);
            written++;
        }
        metrics.streamEvents.addAndGet(written);
    }

    /** Adds an event to what the drain hands the subscriber's connection, handing a full part over at once. */
    private void queue(final Subscriber subscriber, final byte[] bytes)
    {
        if (subscriber.pending == null)
        {
            subscriber.pending = ByteBufAllocator.DEFAULT.buffer(Math.max(bytes.length, 256));
            handing.add(subscriber);
        }
        subscriber.pending.writeBytes(bytes);
        if (subscriber.pending.readableBytes() >= HANDOVER_BYTES)
        {
            final ByteBuf part = subscriber.pending;
            subscriber.pending = ByteBufAllocator.DEFAULT.buffer(256);
            subscriber.connection.writeAndFlush(new DefaultHttpContent(part));
        }
    }

    /** Hands every connection what the drain gathered for it. */
    private void handOver()
    {
        for (int i = 0, n = handing.size(); i < n; i++)
        {
            final Subscriber subscriber = handing.get(i);
            final ByteBuf part = subscriber.pending;
            subscriber.pending = null;
            if (part.isReadable())
            {
                subscriber.connection.writeAndFlush(new DefaultHttpContent(part));
            }
            else
            {
                part.release();
            }
        }
        handing.clear();
    }

    private static void write(final Channel connection, final String text)
    {
        write(connection, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(final Channel connection, final byte[] bytes)
    {
        final ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(bytes.length).writeBytes(bytes);
        connection.writeAndFlush(new DefaultHttpContent(buffer));
    }
}
