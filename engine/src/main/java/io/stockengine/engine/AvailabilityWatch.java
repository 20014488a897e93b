package io.stockengine.engine;

import java.util.Arrays;

/**
 * The channels someone is watching for availability changes (the gateway's server-sent-events stream). The
 * gateway changes the set from its IO threads; the logic thread reads it once per command with a single volatile
 * read and, when it is not empty, reports every change of a touched SKU's channel availability in the command's
 * slot ({@link Command#changeCount}). Nothing is tracked while nobody watches.
 */
public final class AvailabilityWatch
{
    private static final String[] NONE = new String[0];

    private volatile String[] channels = NONE;
    private final java.util.Map<String, Integer> watchers = new java.util.HashMap<>();

    /**
     * Channels watched at once at most. The logic thread reports every change of each watched channel, over all its
     * sourcing locations, and keeps what it reported per channel and SKU: a tester's 256 streams, each of a made-up
     * channel, made a one-SKU adjustment take 566 us instead of 3.4 us and the reported values grow by 256 per SKU.
     */
    public static final int MAX_CHANNELS = 32;

    /** Adds one watcher of a channel. Called on IO threads. */
    public synchronized void watch(final String channel)
    {
        watchers.merge(channel, 1, Integer::sum);
        publish();
    }

    /**
     * Whether a watcher of the channel may be added: the channel is watched already, or fewer than
     * {@link #MAX_CHANNELS} are. Two IO threads asking at once for two new channels may both be told yes, so the
     * logic thread copes with a few more (see {@code StockEngine.publishChanges}). Called on IO threads.
     */
    public synchronized boolean mayWatch(final String channel)
    {
        return watchers.containsKey(channel) || watchers.size() < MAX_CHANNELS;
    }

    /** Removes one watcher of a channel. Called on IO threads. */
    public synchronized void unwatch(final String channel)
    {
        watchers.computeIfPresent(channel, (c, n) -> n == 1 ? null : n - 1);
        publish();
    }

    private void publish()
    {
        final String[] next = watchers.keySet().toArray(new String[0]);
        Arrays.sort(next);
        channels = next;
    }

    /** The watched channels; logic thread. */
    String[] channels()
    {
        return channels;
    }
}
