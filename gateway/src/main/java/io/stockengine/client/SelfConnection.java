package io.stockengine.client;

import java.net.SocketAddress;

import io.netty.channel.Channel;

/**
 * A connect to a local port nothing listens on can join the socket to itself: when the kernel picks that same port
 * as the local one (the server's port lies in the ephemeral range, 32768 to 60999 on Linux), TCP's simultaneous
 * open connects the two ends. The connection then echoes what is written, and holds the port the server restarting
 * there needs. A client that reconnects in a loop while a server restarts meets it sooner or later (seen in a load
 * test: the restarted server refused to start, "port already in use").
 */
public final class SelfConnection
{
    private SelfConnection()
    {
    }

    /** True when the channel's two ends are the same address: close it and connect again later. */
    public static boolean of(final Channel channel)
    {
        final SocketAddress local = channel.localAddress();
        return local != null && local.equals(channel.remoteAddress());
    }
}
