package io.stockengine.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.stockengine.engine.ResultCode;

/**
 * The HTTP load test reconnects without storming: a server restarting (nothing listening) or at its connection limit
 * (accepting and closing at once) saw every request connect anew, 11,000 connects a second, until one of them took
 * the server's port for a socket joined to itself and the restarted server could not bind it.
 */
@Timeout(30)
class HttpReconnectTest
{
    @Test
    void shouldWaitBetweenConnectsToAServerThatClosesThemAtOnce() throws Exception
    {
        final AtomicInteger accepted = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()))
        {
            final Socket[] first = new Socket[1];
            final Thread acceptor = new Thread(() ->
            {
                try
                {
                    while (true)
                    {
                        final Socket socket = server.accept();
                        if (accepted.incrementAndGet() == 1)
                        {
                            first[0] = socket;
                        }
                        else
                        {
                            socket.close();
                        }
                    }
                }
                catch (final IOException closed)
                {
                    // The test is over.
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            final HttpTarget target = new HttpTarget("127.0.0.1", server.getLocalPort(), 1, 1, 1, Duration.ofSeconds(5));
            try
            {
                final ConcurrentHashMap<Integer, AtomicInteger> outcomes = new ConcurrentHashMap<>();
                final Target.Completion count = (op, outcome) ->
                    outcomes.computeIfAbsent(outcome.code, c -> new AtomicInteger()).incrementAndGet();
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (first[0] == null && System.nanoTime() < deadline)
                {
                    Thread.sleep(1);
                }
                // The server drops the connection the load test made, and from then on refuses every new one.
                first[0].close();
                final int before = accepted.get();
                final long start = System.nanoTime();
                for (int i = 0; i < 1_000; i++)
                {
                    target.send(0, Op.stock("A"), count);
                    Thread.sleep(1);
                }
                final double seconds = (System.nanoTime() - start) / 1e9;
                final int connects = accepted.get() - before;
                System.out.printf("HttpReconnectTest: %d connects in %.2f s%n", connects, seconds);
                assertTrue(connects <= 2 + seconds * 15, connects + " connects in " + seconds + " s: a storm");
                assertTrue(connects >= 2, "it does go on trying: " + connects);
                assertEquals(0, outcomes.getOrDefault(ResultCode.OK, new AtomicInteger()).get(), "nothing answered");
            }
            finally
            {
                target.close();
            }
        }
    }
}
