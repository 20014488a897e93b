package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.stockengine.engine.AvailabilityWatch;
import io.stockengine.gateway.ConnectionLimiter;
import io.stockengine.gateway.GatewayConfig;
import io.stockengine.gateway.GatewayMetrics;

/**
 * Write back-pressure over a real socket: a client that pipelines far more requests than it reads answers must not
 * make the server buffer the answers without bound. The server here is the HTTP pipeline alone
 * ({@link HttpServerInitializer}) on one event loop, so the test can look at the server's side of the connection.
 */
@Timeout(120)
class HttpBackPressureTest
{
    /**
     * About 3.5 MB of answers: more than the server may hold for a client that reads none, and several times what it
     * answers before it stops reading. Not more: under the paranoid leak detector each request is costly.
     */
    private static final int REQUESTS = 20_000;
    /** What the connection may hold unwritten: the high water mark, plus the answers to the rest of one read. */
    private static final long MAX_PENDING_BYTES = 2L * 1024 * 1024;

    private static GatedEngine engine;
    private static GatewayMetrics metrics;
    private static EventLoopGroup group;
    private static Channel server;
    private static final BlockingQueue<SocketChannel> ACCEPTED = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws InterruptedException
    {
        LeakWatch.install();
        engine = new GatedEngine(true);
        metrics = new GatewayMetrics();
        final Operations operations = new Operations(engine, metrics, new ZeroJournalStats());
        // One event loop: the second connection is only served if the first one does not keep it busy.
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        final HttpServerInitializer http = new HttpServerInitializer(engine, new GatewayConfig().conclude(), metrics,
            operations, new ConnectionLimiter(100, metrics),
            new AvailabilityHub(new AvailabilityWatch(), group.next(), metrics));
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            // Small kernel buffers on both sides, so unread answers reach the server's own buffer after kilobytes,
            // not the megabytes the kernel would otherwise take first.
            .childOption(ChannelOption.SO_SNDBUF, 32 * 1024)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel channel)
                {
                    ACCEPTED.add(channel);
                    channel.pipeline().addLast(http);
                }
            })
            .bind("127.0.0.1", 0).sync().channel();
    }

    @AfterAll
    static void stop()
    {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        engine.close();
        LeakWatch.assertNoLeaks();
    }

    private static int port()
    {
        return ((java.net.InetSocketAddress)server.localAddress()).getPort();
    }

    private static void await(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "never happened: " + what);
            // Sleeping, not spinning: the server and the client's writer need the machine's cores.
            Thread.sleep(1);
        }
    }

    /** Even requests are health checks, odd ones name a missing resource whose 404 says which request it was. */
    private static String path(final int request)
    {
        return request % 2 == 0 ? "/health" : "/missing/" + request;
    }

    @Test
    void shouldStopReadingWhileTheClientReadsNoAnswersAndStillServeOthers() throws Exception
    {
        final StringBuilder requests = new StringBuilder(REQUESTS * 48);
        for (int i = 0; i < REQUESTS; i++)
        {
            requests.append(RawHttp.request("GET", path(i), null));
        }
        final byte[] bytes = requests.toString().getBytes(StandardCharsets.ISO_8859_1);
        try (RawHttp slow = new RawHttp(port(), 16 * 1024))
        {
            final Thread writer = new Thread(() -> slow.write(bytes), "pipelining-writer");
            writer.setDaemon(true);
            writer.start();
            final SocketChannel served = ACCEPTED.poll(30, TimeUnit.SECONDS);
            assertNotNull(served, "the connection was accepted");

            await(() -> !served.config().isAutoRead(), "the server stops reading the connection");
            final long pending = served.eventLoop().submit(() -> served.unsafe().outboundBuffer() == null ? 0L :
                served.unsafe().outboundBuffer().totalPendingWriteBytes()).get(30, TimeUnit.SECONDS);
            assertTrue(pending < MAX_PENDING_BYTES, pending + " bytes of answers held for a client that reads none");
            assertTrue(metrics.httpRequests.get() < REQUESTS, "requests are left in the socket, not buffered as answers");

            try (RawHttp other = new RawHttp(port()))
            {
                final Reply health = other.exchange(RawHttp.request("GET", "/health", null));
                assertEquals(200, health.status(), "another connection on the same event loop is served");
            }
            for (int i = 0; i < REQUESTS; i++)
            {
                final Reply reply = slow.read();
                assertNotNull(reply, "answer " + i + " of " + REQUESTS + " arrived");
                if (i % 2 == 0)
                {
                    assertEquals(200, reply.status(), reply.body());
                    assertEquals("UP", reply.json().get("status"));
                }
                else
                {
                    assertEquals(404, reply.status(), reply.body());
                    assertEquals("no such resource: " + path(i), reply.json().get("detail"), "answer in its turn");
                }
            }
            writer.join(TimeUnit.SECONDS.toMillis(30));
            assertTrue(served.isActive(), "the connection stays open");
        }
    }
}
