package io.stockengine.gateway.http;

import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateHandler;
import io.stockengine.gateway.ConnectionLimiter;
import io.stockengine.gateway.GatewayConfig;
import io.stockengine.gateway.GatewayMetrics;

/**
 * The HTTP pipeline of one connection: connection limit, a gate on reads, idle timeout, the HTTP/1.1 codec with line
 * and header limits, aggregation with a body limit (413 problem+json when exceeded), then the API handler.
 * <p>
 * Back-pressure: the API handler stops reading while too many requests are unanswered or the client is not taking
 * its answers (the connection is past its high water mark), so what one connection holds stays bounded.
 */
public final class HttpServerInitializer extends ChannelInitializer<SocketChannel>
{
    /** Past this much unwritten output a connection stops reading until the client catches up (the binary port's). */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    /** The most one read from the socket returns; fixed here because {@link #PIPELINE_SLACK} is sized from it. */
    static final int MAX_READ_BYTES = 64 * 1024;

    /** The shortest request the codec accepts: a one-letter method, "/", "HTTP/1.1" and the CRLFs. */
    static final int MIN_REQUEST_BYTES = "A / HTTP/1.1\r\n\r\n".length();

    /**
     * Requests the codec may hold beyond the in-flight limit; past its depth Netty fails the connection with a 500.
     * The handler stops reading once the limit is unanswered, but the rest of the read that reached it is still
     * decoded: at most a read's worth of the shortest requests, one more completed from bytes of the read before,
     * and one whose head is decoded while its body is still arriving.
     */
    private static final int PIPELINE_SLACK = MAX_READ_BYTES / MIN_REQUEST_BYTES + 2;

    /**
     * Netty's usual receive buffers (adaptive, up to 16 reads per turn of the loop), set here so that the largest read
     * is {@link #MAX_READ_BYTES} whatever the bootstrap's options say.
     */
    private static final RecvByteBufAllocator READS = reads();

    private static final ReadGate READ_GATE = new ReadGate();

    private final EngineAccess engine;
    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final Operations operations;
    private final ConnectionLimiter limiter;
    private final AvailabilityHub hub;

    public HttpServerInitializer(final EngineAccess engine, final GatewayConfig config, final GatewayMetrics metrics,
        final Operations operations, final ConnectionLimiter limiter, final AvailabilityHub hub)
    {
        this.hub = hub;
        this.engine = engine;
        this.config = config;
        this.metrics = metrics;
        this.operations = operations;
        this.limiter = limiter;
    }

    private static RecvByteBufAllocator reads()
    {
        final AdaptiveRecvByteBufAllocator reads = new AdaptiveRecvByteBufAllocator(
            AdaptiveRecvByteBufAllocator.DEFAULT_MINIMUM, AdaptiveRecvByteBufAllocator.DEFAULT_INITIAL, MAX_READ_BYTES);
        reads.maxMessagesPerRead(16);
        return reads;
    }

    @Override
    protected void initChannel(final SocketChannel channel)
    {
        channel.config().setWriteBufferWaterMark(WATER_MARK);
        channel.config().setRecvByteBufAllocator(READS);
        // A client may send its last request and end its side: the answers it is owed must still go out
        // (HttpApiHandler closes once they have), not be dropped with the closed input.
        channel.config().setAllowHalfClosure(true);
        final RequestDeadline deadline = new RequestDeadline(config.requestTimeoutSeconds, metrics);
        channel.pipeline()
            .addLast("limit", limiter)
            .addLast("reads", READ_GATE)
            .addLast("idle", new IdleStateHandler(0, 0, config.idleTimeoutSeconds, TimeUnit.SECONDS))
            .addLast("deadline", deadline.start())
            .addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(config.maxInitialLineBytes).setMaxHeaderSize(config.maxHeaderBytes)
                .setMaxChunkSize(8192), config.maxHttpInFlightPerConnection + PIPELINE_SLACK))
            .addLast("deadline-end", deadline.end())
            .addLast("aggregate", new BodyLimit(config.maxBodyBytes))
            .addLast("api", new HttpApiHandler(engine, config, metrics, operations, hub));
    }

    /** An Expect header of HTTP/1.1 or later other than 100-continue (what Netty answers 417, but not public). */
    static boolean unsupportedExpectation(final HttpMessage start)
    {
        final String expect = start.headers().get(HttpHeaderNames.EXPECT);
        return expect != null && start.protocolVersion().compareTo(HttpVersion.HTTP_1_1) >= 0 &&
            !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.trim());
    }

    /**
     * Aggregates request bodies up to the limit. An oversized request is passed on as a failed request, so the API
     * handler answers 413 in its turn among pipelined requests and then closes the connection.
     */
    private static final class BodyLimit extends HttpObjectAggregator
    {
        private final int limit;

        BodyLimit(final int limit)
        {
            super(limit);
            this.limit = limit;
        }

        @Override
        protected void handleOversizedMessage(final ChannelHandlerContext ctx, final HttpMessage oversized)
        {
            final HttpRequest start = (HttpRequest)oversized;
            final FullHttpRequest marker = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, start.method(),
                start.uri(), Unpooled.EMPTY_BUFFER);
            marker.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            marker.setDecoderResult(DecoderResult.failure(new BodyTooLargeException(limit)));
            ctx.fireChannelRead(marker);
        }

        @Override
        protected Object newContinueResponse(final HttpMessage start, final int maxContentLength,
            final ChannelPipeline pipeline)
        {
            if (unsupportedExpectation(start))
            {
                // Netty's own 417 resets the decoder, so a body the client sent anyway would be read as the next
                // request and applied, and it leaves before the answers of requests pipelined ahead. Here the body
                // is read as this request's, and the API handler answers 417 in its turn and closes.
                return null;
            }
            if (HttpUtil.is100ContinueExpected(start) && HttpUtil.getContentLength(start, -1L) > limit)
            {
                // Refused before the body is sent: nothing else is in flight on a connection waiting for 100.
                return closingProblem(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "urn:stockengine:problem:payload-too-large", "The body is too large", "PAYLOAD_TOO_LARGE",
                    "the body is over the limit of " + limit + " bytes", "body");
            }
            return super.newContinueResponse(start, maxContentLength, pipeline);
        }

        private static FullHttpResponse closingProblem(final HttpResponseStatus status, final String type,
            final String title, final String code, final String detail, final String field)
        {
            final byte[] body = ("{\"type\":\"" + type + "\",\"title\":\"" + title + "\",\"status\":" + status.code() +
                ",\"code\":\"" + code + "\",\"detail\":\"" + detail + "\",\"field\":\"" + field + "\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json");
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            return response;
        }

        @Override
        protected boolean closeAfterContinueResponse(final Object response)
        {
            final int status = ((HttpResponse)response).status().code();
            return status == 413 || super.closeAfterContinueResponse(response);
        }
    }

    /**
     * Passes a read request on only while the connection reads by itself, so that only the API handler decides when
     * it reads. Once it has stopped reading, the aggregator (a body incomplete at the end of a read) and the decoder
     * (a read that completed no request) would still ask for one more read each time, and each could bring another
     * read's worth of requests past {@link #PIPELINE_SLACK}. What they wait for is read when reading resumes.
     */
    @ChannelHandler.Sharable
    private static final class ReadGate extends ChannelOutboundHandlerAdapter
    {
        @Override
        public void read(final ChannelHandlerContext ctx)
        {
            if (ctx.channel().config().isAutoRead())
            {
                ctx.read();
            }
        }
    }

    /** Marks a request whose body was over the limit. */
    static final class BodyTooLargeException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        final int limit;

        BodyTooLargeException(final int limit)
        {
            super("the body is over the limit of " + limit + " bytes", null, false, false);
            this.limit = limit;
        }
    }
}
