package io.stockengine.gateway.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.stockengine.engine.AvailabilityWatch;
import io.stockengine.engine.Command;

/**
 * The server-sent-events stream of availability changes: connections subscribe per channel; the engine reports
 * changes of watched channels in each command's slot, and the reply-thread observer ({@link #onChanges}) sends one
 * event per change to every subscriber of that channel. A policy change of a channel sends a {@code resync} event
 * (re-read GET /v1/availability). A comment line every few seconds keeps idle streams open.
 */
public final class AvailabilityHub
{
    private final AvailabilityWatch watch;
    private final Map<String, Set<Channel>> subscribers = new ConcurrentHashMap<>();

    public AvailabilityHub(final AvailabilityWatch watch)
    {
        this.watch = watch;
    }

    public AvailabilityWatch watch()
    {
        return watch;
    }

    /** Adds a subscriber; it is removed when its connection closes. Called on its event loop. */
    void subscribe(final String channel, final Channel connection)
    {
        subscribers.computeIfAbsent(channel, c -> new CopyOnWriteArraySet<>()).add(connection);
        watch.watch(channel);
        connection.closeFuture().addListener(f ->
        {
            final Set<Channel> set = subscribers.get(channel);
            if (set != null && set.remove(connection))
            {
                watch.unwatch(channel);
            }
        });
    }

    public int subscriberCount()
    {
        return subscribers.values().stream().mapToInt(Set::size).sum();
    }

    /** Reply thread: one event per change to each subscriber of its channel. */
    public void onChanges(final Command c)
    {
        for (int i = 0; i < c.changeCount; i++)
        {
            final Set<Channel> set = subscribers.get(c.changeChannel[i]);
            if (set == null || set.isEmpty())
            {
                continue;
            }
            final String event = c.changeSku[i] == null ?
                "event: resync\ndata: {\"channel\":\"" + c.changeChannel[i] + "\",\"seq\":" + c.seq + "}\n\n" :
                "event: availability\ndata: {\"channel\":\"" + c.changeChannel[i] + "\",\"sku\":\"" + c.changeSku[i] +
                "\",\"available\":" + c.changeAvailable[i] + ",\"seq\":" + c.seq + "}\n\n";
            send(set, event);
        }
    }

    /** Keeps idle streams from hitting the idle timeout. */
    public void heartbeat()
    {
        for (final Set<Channel> set : subscribers.values())
        {
            send(set, ": keep-alive\n\n");
        }
    }

    private static void send(final Set<Channel> set, final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (final Channel connection : set)
        {
            if (connection.isActive())
            {
                final ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(bytes.length).writeBytes(bytes);
                connection.writeAndFlush(new DefaultHttpContent(buffer));
            }
        }
    }
}
