package io.stockengine.benchmarks.peers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * The closed loop over HTTP/1.1: {@code connections} keep-alive connections on a small shared event loop group
 * (as wrk and pgbench run many connections on a few threads), each keeping {@code depth} requests on the wire with
 * HTTP pipelining; the server answers in order, so each answer is matched to the oldest request. A reservation is
 * {@code PUT /v1/orders/{orderId}} with one line, the API's reserve ({@code shared/API.md}).
 */
final class HttpDriver
{
    private static final byte[] REQUEST_START = "PUT /v1/orders/".getBytes(StandardCharsets.US_ASCII);

    private HttpDriver()
    {
    }

    static List<Tally> run(final RunSpec spec) throws InterruptedException
    {
        final byte[][] requestEnds = requestEnds(spec.host() + ":" + spec.httpPort(), spec.skus());
        final boolean epoll = Epoll.isAvailable();
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(spec.clientThreads(),
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try
        {
            final CountDownLatch drained = new CountDownLatch(spec.connections());
            final List<Connection> connections = new ArrayList<>();
            final List<Channel> channels = new ArrayList<>();
            for (int i = 0; i < spec.connections(); i++)
            {
                final Connection connection = new Connection(spec, requestEnds, spec.seed() + i, drained);
                connections.add(connection);
                final Bootstrap bootstrap = new Bootstrap().group(group)
                    .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<Channel>()
                    {
                        @Override
                        protected void initChannel(final Channel ch)
                        {
                            ch.pipeline().addLast(connection);
                        }
                    });
                final Channel channel = bootstrap.connect(spec.host(), spec.httpPort()).sync().channel();
                channels.add(channel);
            }
            final RunSpec.Window window = spec.startWindow();
            for (int i = 0; i < connections.size(); i++)
            {
                final Connection connection = connections.get(i);
                channels.get(i).eventLoop().execute(() -> connection.start(window));
            }
            if (!drained.await(spec.drainTimeoutMillis(), TimeUnit.MILLISECONDS))
            {
                throw new IllegalStateException("HTTP connections did not drain: answers are missing");
            }
            for (final Channel channel : channels)
            {
                channel.close().sync();
            }
            final List<Tally> tallies = new ArrayList<>();
            for (final Connection connection : connections)
            {
                tallies.add(connection.tally);
            }
            return tallies;
        }
        finally
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Everything of a request after the order id, per SKU: built once, so a request is three copies. */
    static byte[][] requestEnds(final String hostHeader, final int skus)
    {
        final byte[][] ends = new byte[skus + 1][];
        for (int sku = 1; sku <= skus; sku++)
        {
            final String body = "{\"channel\":\"" + Workload.CHANNEL + "\",\"lines\":[{\"sku\":\"" +
                Workload.skuName(sku) + "\",\"location\":\"" + Workload.LOCATION + "\",\"quantity\":1}]}";
            ends[sku] = (" HTTP/1.1\r\nHost: " + hostHeader + "\r\nContent-Type: application/json\r\nContent-Length: " +
                body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
        }
        return ends;
    }

    /**
     * Writes the unsigned id in lower-case hex, as {@link Workload#orderId} spells it, without a String.
     *
     * @return how many bytes of {@code into} (16 at least) it took.
     */
    static int hex(final long id, final byte[] into)
    {
        final int digits = Math.max(1, (64 - Long.numberOfLeadingZeros(id) + 3) / 4);
        for (int i = digits - 1, shift = 0; i >= 0; i--, shift += 4)
        {
            into[i] = (byte)Character.forDigit((int)(id >>> shift) & 0xF, 16);
        }
        return digits;
    }

    static Tally.Outcome outcome(final int status, final boolean replayed)
    {
        return switch (status)
        {
            case 201 -> replayed ? Tally.Outcome.DUPLICATE : Tally.Outcome.RESERVED;
            case 409 -> Tally.Outcome.REJECTED;
            case 503 -> Tally.Outcome.OVERLOADED;
            default -> Tally.Outcome.ERROR;
        };
    }

    /**
     * One connection, entirely on its event loop: requests on the wire are a FIFO of (sent time, order id, SKU);
     * answers read together are followed by new requests written together and flushed once per read.
     */
    private static final class Connection extends ByteToMessageDecoder
    {
        private final Workload workload;
        private final int skus;
        private final int depth;
        private final byte[][] requestEnds;
        private final SplittableRandom random;
        private final CountDownLatch drained;
        private final HttpResponseScanner scanner = new HttpResponseScanner();
        private final Tally tally = new Tally();
        private final long[] sent;
        private final long[] ids;
        private final int[] skuOf;
        private final byte[] hex = new byte[16];
        private RunSpec.Window window;
        private ChannelHandlerContext context;
        private int head;
        private int outstanding;
        private boolean unflushed;
        private boolean done;

        Connection(final RunSpec spec, final byte[][] requestEnds, final long seed, final CountDownLatch drained)
        {
            this.workload = spec.workload();
            this.skus = spec.skus();
            this.depth = spec.depth();
            this.requestEnds = requestEnds;
            this.random = new SplittableRandom(seed);
            this.drained = drained;
            this.sent = new long[depth];
            this.ids = new long[depth];
            this.skuOf = new int[depth];
        }

        @Override
        public void handlerAdded(final ChannelHandlerContext ctx)
        {
            context = ctx;
        }

        void start(final RunSpec.Window runWindow)
        {
            window = runWindow;
            for (int i = 0; i < depth; i++)
            {
                write();
            }
            context.flush();
        }

        private void write()
        {
            final long id = random.nextLong();
            final int sku = workload.nextSku(random, skus);
            final int slot = (head + outstanding) % depth;
            ids[slot] = id;
            skuOf[slot] = sku;
            final byte[] end = requestEnds[sku];
            final ByteBuf request = context.alloc().ioBuffer(REQUEST_START.length + 18 + end.length);
            request.writeBytes(REQUEST_START).writeByte('o').writeByte('-');
            request.writeBytes(hex, 0, hex(id, hex));
            request.writeBytes(end);
            outstanding++;
            sent[slot] = System.nanoTime();
            context.write(request, context.voidPromise());
            unflushed = true;
        }

        @Override
        protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
        {
            while (outstanding > 0 && scanner.next(in))
            {
                final long now = System.nanoTime();
                final int slot = head;
                head = (head + 1) % depth;
                outstanding--;
                tally.answered(outcome(scanner.status(), scanner.replayed()), ids[slot], skuOf[slot], sent[slot],
                    now, window.measured(now));
                if (window.running(now))
                {
                    write();
                }
                else if (outstanding == 0)
                {
                    finish();
                }
            }
            if (outstanding == 0 && in.isReadable())
            {
                throw new IllegalStateException("an HTTP answer to no request");
            }
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx) throws Exception
        {
            if (unflushed)
            {
                unflushed = false;
                ctx.flush();
            }
            super.channelReadComplete(ctx);
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) throws Exception
        {
            lose();
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            System.err.println("HTTP connection failed: " + cause);
            lose();
            ctx.close();
        }

        /** What was on the wire of a broken connection is an error each; the connection stops. */
        private void lose()
        {
            final long now = System.nanoTime();
            while (outstanding > 0)
            {
                tally.answered(Tally.Outcome.ERROR, ids[head], skuOf[head], sent[head], now, false);
                head = (head + 1) % depth;
                outstanding--;
            }
            finish();
        }

        private void finish()
        {
            if (!done)
            {
                done = true;
                drained.countDown();
            }
        }
    }
}
