package io.stockengine.gateway.http;

import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelFutureListener;
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
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateHandler;
import io.stockengine.gateway.ConnectionLimiter;
import io.stockengine.gateway.GatewayConfig;
import io.stockengine.gateway.GatewayMetrics;

/**
 * The HTTP pipeline of one connection: connection limit, idle timeout, the HTTP/1.1 codec with line and header
 * limits, aggregation with a body limit (413 problem+json when exceeded), then the API handler.
 */
public final class HttpServerInitializer extends ChannelInitializer<SocketChannel>
{
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

    @Override
    protected void initChannel(final SocketChannel channel)
    {
        channel.pipeline()
            .addLast("limit", limiter)
            .addLast("idle", new IdleStateHandler(0, 0, config.idleTimeoutSeconds, TimeUnit.SECONDS))
            .addLast("codec", new HttpServerCodec(config.maxInitialLineBytes, config.maxHeaderBytes, 8192))
            .addLast("aggregate", new BodyLimit(config.maxBodyBytes))
            .addLast("api", new HttpApiHandler(engine, config, metrics, operations, hub));
    }

    /** Aggregates request bodies up to the limit; over it the answer is a 413 problem and the connection closes. */
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
            final byte[] body = ("{\"type\":\"urn:stockengine:problem:payload-too-large\",\"title\":\"The body is " +
                "too large\",\"status\":413,\"code\":\"PAYLOAD_TOO_LARGE\",\"detail\":\"the body is over the limit " +
                "of " + limit + " bytes\",\"field\":\"body\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, ctx.alloc().buffer(body.length).writeBytes(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json");
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            // The rest of the body may still be on its way: closing is the only way not to read it as a request.
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
