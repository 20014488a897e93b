package io.stockengine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Both ports share the connection limit, and neither takes the last places: a binary client leaking connections left
 * no place for a /health check (a security tester), and a flood of HTTP connections none for the binary clients.
 */
class ConnectionLimiterTest
{
    @Test
    void shouldLeaveEachPortAFewPlacesTheOtherCannotTake()
    {
        assertEquals(0, ConnectionLimiter.reserve(1));
        assertEquals(1, ConnectionLimiter.reserve(2));
        assertEquals(2, ConnectionLimiter.reserve(20));
        assertEquals(16, ConnectionLimiter.reserve(10_000));

        final GatewayMetrics metrics = new GatewayMetrics();
        final ConnectionLimiter binary = ConnectionLimiter.forPort(20, metrics);
        final ConnectionLimiter http = ConnectionLimiter.forPort(20, metrics);
        final List<EmbeddedChannel> open = new ArrayList<>();
        for (int i = 0; i < 18; i++)
        {
            final EmbeddedChannel channel = new EmbeddedChannel(binary);
            assertTrue(channel.isActive(), "binary connection " + i);
            open.add(channel);
        }
        final EmbeddedChannel leaked = new EmbeddedChannel(binary);
        assertFalse(leaked.isActive(), "the binary port leaves the last 2 places to HTTP");
        for (int i = 0; i < 2; i++)
        {
            final EmbeddedChannel health = new EmbeddedChannel(http);
            assertTrue(health.isActive(), "an HTTP connection in the place kept for it");
            open.add(health);
        }
        assertFalse(new EmbeddedChannel(http).isActive(), "the shared limit of 20 is full");
        assertEquals(2, metrics.rejectedConnections.get());
        assertEquals(20, metrics.openConnections.get());

        open.remove(0).close();
        assertTrue(new EmbeddedChannel(binary).isActive(), "a place freed is taken again");
        for (final EmbeddedChannel channel : open)
        {
            channel.close();
        }
        assertEquals(1, metrics.openConnections.get());
    }
}
