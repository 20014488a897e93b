package io.stockengine.gateway.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.stockengine.engine.AvailabilityWatch;
import io.stockengine.engine.Command;
import io.stockengine.engine.CommandCallback;
import io.stockengine.engine.CommandFiller;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EnginePipeline;
import io.stockengine.gateway.GatewayConfig;
import io.stockengine.gateway.GatewayMetrics;

/**
 * The HTTP/JSON API of API.md. Each request is validated and parsed on the IO thread into a command, published to
 * the ring without blocking (a full ring answers 503 at once), and answered once its events are journaled. Answers
 * leave in request order, so HTTP/1.1 pipelining works.
 * <p>
 * Back-pressure: a connection stops reading while {@code maxHttpInFlightPerConnection} requests are unanswered (engine
 * commands, and the operations and refusals whose answers wait behind them, all of which Netty's codec counts
 * against its pipeline depth) or while it is not writable (the client is not taking its answers), and resumes once
 * neither holds. It also stops for good after a request that closes it. An event stream reads on and drops what it
 * reads, so that it sees its client go.
 * <p>
 * Threading: one instance per connection; all fields are touched on its event loop only, except that the reply
 * thread copies the slot's outputs into the exchange's own answer holder and pushes the exchange onto a lock-free
 * stack that one task on the event loop drains. The reply thread is the logic thread when the journal runs there,
 * so it neither renders JSON nor allocates: the answer is rendered on the event loop.
 */
public final class HttpApiHandler extends SimpleChannelInboundHandler<FullHttpRequest>
{
    private static final CommandFiller<HttpExchange> FILLER = (slot, exchange) ->
    {
        slot.copyInputsFrom(exchange.request);
        slot.callback = HttpExchange.CALLBACK;
        slot.attachment = exchange;
        slot.startNanos = exchange.startNanos;
    };

    /** Enough holders for the requests of a busy pipelined connection; beyond that they are left to the collector. */
    private static final int SPARE_ANSWERS = 256;
    /**
     * Rows an answer holder keeps between answers (about 57 KB of arrays): an availability page of fifty SKUs at ten
     * locations is copied without the logic thread allocating, and a connection's spare holders stay bounded.
     */
    private static final int HOLDER_RETAINED_ROWS = 512;

    private final EngineAccess engine;
    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final Operations operations;
    private final AvailabilityHub hub;
    private final Map<Long, FullHttpResponse> pending = new TreeMap<>();
    /** Answers the IO thread renders itself, rendered when every earlier answer of the connection is written. */
    private final Map<Long, Deferred> deferred = new HashMap<>();

    private record Deferred(Supplier<Responses.Rendered> render, boolean keepAlive, String contentType)
    {
    }
    /**
     * Exchanges the reply thread has answered, newest first, linked through {@link HttpExchange#next}: a push is one
     * compare-and-set and allocates nothing, and the event loop takes the whole stack at once.
     */
    private final AtomicReference<HttpExchange> answered = new AtomicReference<>();
    /** Answer holders of finished exchanges, kept for the next requests (event loop only). */
    private final ArrayDeque<Command> spareAnswers = new ArrayDeque<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drainAnswered;
    private ChannelHandlerContext context;
    /** The availability stream this connection became, if it did. */
    private AvailabilityHub.Subscriber stream;
    private long nextRequest;
    private long nextWrite;
    private int inFlight;
    private boolean closeAfter = false;
    private long closeAt = -1;
    /**
     * The last request read was HTTP/1.0, whose kept-alive answers must say so: a connection's requests come in one
     * version in practice, so the flag stands for the answers being written.
     */
    private boolean http10;
    private static final io.netty.channel.WriteBufferWaterMark STREAM_WATER_MARK =
        new io.netty.channel.WriteBufferWaterMark(64 * 1024, 256 * 1024);
    /** The client ended its side: nothing it sends can arrive unread any more. */
    private boolean inputEnded;
    /**
     * The last answer is written and our side ended: what the client still sends is read and dropped until it ends
     * its side (or {@link #LINGER_SECONDS} pass), since closing with input unread makes the kernel reset the
     * connection, and a reset throws away the answers still on their way to the client (RFC 9112 9.6).
     */
    private boolean lingering;
    static final int LINGER_SECONDS = 2;

    public HttpApiHandler(final EngineAccess engine, final GatewayConfig config, final GatewayMetrics metrics,
        final Operations operations, final AvailabilityHub hub)
    {
        super(true);
        this.engine = engine;
        this.config = config;
        this.metrics = metrics;
        this.operations = operations;
        this.hub = hub;
    }

    /** One request in flight: what was asked, and where to answer. */
    static final class HttpExchange
    {
        static final CommandCallback CALLBACK = slot ->
        {
            final HttpExchange exchange = (HttpExchange)slot.attachment;
            exchange.answer.copyOutputsFrom(slot);
            exchange.handler.metrics.answered(slot.type, slot.result, System.nanoTime() - exchange.startNanos);
            exchange.handler.handOver(exchange);
        };

        final HttpApiHandler handler;
        final long id;
        final boolean keepAlive;
        final Command request;
        final long startNanos;
        /** Filled by the reply thread before the exchange is pushed; the push publishes it to the event loop. */
        final Command answer;
        /** The exchange answered before this one, while both wait on {@link #answered}. */
        HttpExchange next;

        HttpExchange(final HttpApiHandler handler, final long id, final boolean keepAlive, final Command request,
            final Command answer)
        {
            this.handler = handler;
            this.id = id;
            this.keepAlive = keepAlive;
            this.request = request;
            this.answer = answer;
            this.startNanos = System.nanoTime();
        }
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        context = ctx;
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        handle(ctx, request);
        // Checked after every request, not once per read: a read holds up to thousands of pipelined requests.
        updateReading();
    }

    private void handle(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        if (closeAt >= 0 || nextWrite == Long.MAX_VALUE)
        {
            // After a request that closes the connection, or on an event stream, nothing more is processed.
            return;
        }
        metrics.httpRequests.incrementAndGet();
        final long id = nextRequest++;
        final boolean keepAlive = HttpUtil.isKeepAlive(request);
        http10 = request.protocolVersion().minorVersion() == 0;
        if (!keepAlive && (closeAt < 0 || id < closeAt))
        {
            // Known now, not when the answer comes back from the engine: what is pipelined behind this request
            // must not be processed meanwhile, since it would be applied and never answered.
            closeAt = id;
        }
        if (HttpServerInitializer.unsupportedExpectation(request))
        {
            // Its body was read as its own; nothing pipelined behind it is processed (the connection closes).
            metrics.httpBadRequests.incrementAndGet();
            answer(id, Responses.problem(ctx.alloc(), 417, "INVALID_REQUEST", "Expect",
                "only the expectation 100-continue is supported", null), false, null);
            return;
        }
        if (request.decoderResult().isFailure())
        {
            final Throwable cause = request.decoderResult().cause();
            metrics.httpBadRequests.incrementAndGet();
            if (cause instanceof HttpServerInitializer.BodyTooLargeException)
            {
                answer(id, Responses.problem(ctx.alloc(), 413, "PAYLOAD_TOO_LARGE", "body", cause.getMessage(), null),
                    false, null);
                return;
            }
            if (cause instanceof TooLongHttpLineException)
            {
                // Netty reads a chunk's size line with the request line's limit too. A request line that failed
                // left no headers to read; a chunk's line comes after them.
                final boolean chunk = !request.headers().isEmpty();
                answer(id, Responses.problem(ctx.alloc(), chunk ? 400 : 414, chunk ? "INVALID_REQUEST" :
                    "URI_TOO_LONG", chunk ? "body" : "uri", (chunk ? "a chunk's size line" : "the request line") +
                    " is over the limit of " + config.maxInitialLineBytes + " bytes", null), false, null);
                return;
            }
            final boolean tooLong = cause instanceof TooLongFrameException;
            answer(id, Responses.problem(ctx.alloc(), tooLong ? 431 : 400, tooLong ? "HEADERS_TOO_LARGE" :
                "INVALID_REQUEST", tooLong ? null : "request", tooLong ?
                "the headers are over the limit of " + config.maxHeaderBytes + " bytes" :
                "the request is not valid HTTP: " + cause.getMessage(), null), false, null);
            return;
        }
        if (request.protocolVersion().majorVersion() != 1)
        {
            // Netty parses any "HTTP/x.y"; only HTTP/1.x is spoken here (RFC 9110 15.6.6), and what such a client
            // frames next is unknown, so the connection closes.
            metrics.httpBadRequests.incrementAndGet();
            answer(id, Responses.problem(ctx.alloc(), 505, "HTTP_VERSION_NOT_SUPPORTED", "version",
                request.protocolVersion().text() + " is not supported: use HTTP/1.1", null), false, null);
            return;
        }
        final String hostProblem = hostProblem(request);
        if (hostProblem != null)
        {
            // RFC 9112 3.2: a request without exactly one valid Host is answered 400.
            metrics.httpBadRequests.incrementAndGet();
            answer(id, Responses.problem(ctx.alloc(), 400, "INVALID_REQUEST", "Host", hostProblem, null),
                keepAlive, null);
            return;
        }
        try
        {
            route(ctx, request, id, keepAlive);
        }
        catch (final Problem problem)
        {
            if (problem.status() < 500)
            {
                // A 503 while recovering or after the journal stopped is the server's state, not the client's error.
                metrics.httpBadRequests.incrementAndGet();
            }
            answer(id, Responses.problem(ctx.alloc(), problem), keepAlive, null);
        }
        catch (final RuntimeException defect)
        {
            // A request that a check above missed: still answered in its turn, so the answers before it keep their
            // order, and the connection closes after it (what it was half-way through is unknown).
            metrics.httpHandlerErrors.incrementAndGet();
            answer(id, Responses.problem(ctx.alloc(), 500, "INTERNAL_ERROR", null, "the gateway failed on this " +
                "request; nothing of it was applied", null), false, null);
        }
    }

    /** Why the request's Host header is not acceptable, or null when there is exactly one valid one. */
    static String hostProblem(final HttpRequest request)
    {
        final List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.isEmpty())
        {
            return request.protocolVersion().minorVersion() == 0 ? null : "an HTTP/1.1 request needs a Host header";
        }
        if (hosts.size() > 1)
        {
            return "a request may carry one Host header, not " + hosts.size();
        }
        final String host = hosts.get(0);
        for (int i = 0; i < host.length(); i++)
        {
            final char c = host.charAt(i);
            // An authority's host and port only (RFC 9110 7.2): no user info, path, list or white space.
            if (c <= ' ' || c >= 0x7F || c == '/' || c == '?' || c == '#' || c == '@' || c == ',' || c == '\\')
            {
                return "the Host header is not a host and port";
            }
        }
        return null;
    }

    /**
     * The request target as a path and query: a server must accept the absolute form ("http://host:port/path",
     * RFC 9112 3.2.2), whose authority replaces Host and is not part of the path.
     */
    static String originForm(final String target)
    {
        final int schemeEnd = target.indexOf("://");
        if (schemeEnd <= 0 || target.charAt(0) == '/' || !target.regionMatches(true, 0, "http", 0, 4))
        {
            return target;
        }
        final int authorityEnd = firstOf(target, schemeEnd + 3);
        if (authorityEnd == target.length())
        {
            return "/";
        }
        return target.charAt(authorityEnd) == '/' ? target.substring(authorityEnd) :
            "/" + target.substring(authorityEnd);
    }

    private static int firstOf(final String target, final int from)
    {
        for (int i = from; i < target.length(); i++)
        {
            final char c = target.charAt(i);
            if (c == '/' || c == '?' || c == '#')
            {
                return i;
            }
        }
        return target.length();
    }

    private void route(final ChannelHandlerContext ctx, final FullHttpRequest request, final long id,
        final boolean keepAlive)
    {
        final int types = request.headers().getAll(HttpHeaderNames.CONTENT_TYPE).size();
        if (types > 1)
        {
            // Which one a proxy in front read is anyone's guess, as for two Idempotency-Keys.
            throw Problem.invalid("Content-Type", "give one Content-Type header, not " + types);
        }
        if (request.uri().indexOf('#') >= 0)
        {
            // A fragment is the client's own (RFC 9110 4.2.4) and never part of a request target (RFC 9112 3.2).
            throw Problem.invalid("request", "a request target has no fragment ('#'): send the path and query only");
        }
        // ';' is a character of a value, not a separator of parameters (only '&' is): "sku=A-1;channel=web" is the
        // SKU "A-1;channel=web", refused, not a channel a proxy in front never saw.
        final QueryStringDecoder uri = new QueryStringDecoder(originForm(request.uri()), StandardCharsets.UTF_8, true,
            1024, true);
        final String path = uri.rawPath();
        final String[] segments = path.length() > 1 ? path.substring(1).split("/", -1) : new String[0];
        for (int i = 0; i < segments.length; i++)
        {
            // Split first, then decode: an encoded '/' stays inside its segment and is refused as an id.
            try
            {
                segments[i] = QueryStringDecoder.decodeComponent(segments[i]);
            }
            catch (final IllegalArgumentException ex)
            {
                throw Problem.invalid(Routes.parameterAt(segments, i), "not valid percent-encoding in the path: " +
                    ex.getMessage());
            }
        }
        // HEAD is GET without the body (RFC 9110 9.3.2): the codec, which saw the request's method, leaves the body
        // out of the answer and keeps its Content-Length. Not for the event stream, which has no end to measure.
        final boolean head = HttpMethod.HEAD.equals(request.method());
        final String method = head ? "GET" : request.method().name();
        final String route = Routes.match(method, segments);
        if (route == null)
        {
            throw new Problem(404, "NOT_FOUND", null, "no such resource: " + path);
        }
        if ("405".equals(route) || (head && "GET /v1/availability/stream".equals(route)))
        {
            final Problem problem = new Problem(405, "METHOD_NOT_ALLOWED", null, method + " is not allowed on " + path);
            problem.allow = Routes.allowed(segments);
            throw problem;
        }
        if ("GET /health".equals(route) || "GET /metrics".equals(route) || "GET /openapi.json".equals(route) ||
            "POST /snapshot".equals(route))
        {
            // As every route of the API: a parameter a route does not take, or a body sent to a GET, was meant for
            // another request.
            if (!uri.parameters().isEmpty())
            {
                final String name = uri.parameters().keySet().iterator().next();
                throw Problem.invalid(name, "unknown parameter '" + name + "': " + path + " takes none");
            }
            if (!route.startsWith("POST") && request.content().isReadable())
            {
                throw Problem.invalid("body", "a GET request takes no body");
            }
        }
        switch (route)
        {
            case "GET /health" -> answerInTurn(id, () -> operations.health(ctx.alloc()), keepAlive, null);
            case "GET /metrics" -> answerInTurn(id, () -> operations.metrics(ctx.alloc()), keepAlive,
                "text/plain; version=0.0.4");
            case "GET /openapi.json" -> answer(id, operations.openApi(ctx.alloc()), keepAlive, null);
            case "POST /snapshot" -> snapshot(ctx, request, id, keepAlive);
            case "GET /v1/availability/stream" -> stream(ctx, uri, id, request.protocolVersion(),
                request.headers().contains("Last-Event-ID"), request.content().isReadable());
            default -> publish(ctx, id, keepAlive, parse(route, segments, uri, request));
        }
    }

    /**
     * A snapshot on demand, of everything journaled when it is asked for: the follower writes it from its replica
     * (the logic thread does not pause), and the answer waits for the file, in its turn among pipelined answers.
     */
    private void snapshot(final ChannelHandlerContext ctx, final FullHttpRequest request, final long id,
        final boolean keepAlive)
    {
        if (request.content().isReadable())
        {
            throw Problem.invalid("body", "a snapshot request takes no body");
        }
        if (engine.pipeline() == null)
        {
            throw new Problem(503, "UNAVAILABLE", null, "the engine is recovering: " + engine.recoveryProgress());
        }
        final java.util.concurrent.CompletableFuture<java.nio.file.Path> written = engine.snapshot();
        if (written == null)
        {
            throw new Problem(409, "SNAPSHOTS_OFF", null, "the server runs with --no-snapshots: nothing writes them");
        }
        inFlight++;
        written.whenComplete((file, failure) ->
        {
            try
            {
                ctx.executor().execute(() ->
                {
                    inFlight--;
                    answer(id, snapshotAnswer(ctx, file, failure), keepAlive, null);
                    updateReading();
                });
            }
            catch (final RejectedExecutionException ex)
            {
                // The server is stopping with its event loops; the connection goes with them.
            }
        });
    }

    /** Always an answer, so the answers pipelined behind it are never held behind a missing one. */
    private Responses.Rendered snapshotAnswer(final ChannelHandlerContext ctx, final java.nio.file.Path file,
        final Throwable failure)
    {
        if (failure instanceof java.io.IOException refused)
        {
            // The disk refused this one; the follower goes on and the next may succeed once the cause is fixed.
            return Responses.problem(ctx.alloc(), 500, "SNAPSHOT_FAILED", null, "no snapshot was written: " +
                io.stockengine.journal.FileErrors.describe(refused), null);
        }
        if (failure != null)
        {
            return Responses.problem(ctx.alloc(), 503, "UNAVAILABLE", null, "no snapshot was written: " + failure,
                null);
        }
        if (file == null)
        {
            // The follower writes none of an empty journal: recovery has nothing to skip.
            return Responses.problem(ctx.alloc(), 409, "NOTHING_JOURNALED", null, "nothing is journaled yet, so " +
                "there is nothing to snapshot", null);
        }
        try
        {
            return operations.snapshotWritten(ctx.alloc(), file);
        }
        catch (final RuntimeException defect)
        {
            metrics.httpHandlerErrors.incrementAndGet();
            return Responses.problem(ctx.alloc(), 500, "INTERNAL_ERROR", null, "the snapshot " + file + " was " +
                "written but cannot be described: " + defect, null);
        }
    }

    /**
     * Turns the connection into a server-sent-events stream of the channel's availability changes. It must be the
     * only request in flight on its connection, since nothing can be answered after it.
     */
    private void stream(final ChannelHandlerContext ctx, final QueryStringDecoder uri, final long id,
        final HttpVersion version, final boolean reconnected, final boolean hasBody)
    {
        final Map<String, List<String>> parameters = parameters(uri);
        final List<String> channel = parameters.get("channel");
        for (final String parameter : parameters.keySet())
        {
            if (!"channel".equals(parameter))
            {
                // The stream follows availability now; a date (at=) or anything else has no meaning here.
                throw Problem.invalid(parameter, "the stream takes only channel; " + parameter +
                    " does not apply to it");
            }
        }
        if (channel == null || channel.size() != 1)
        {
            throw Problem.invalid("channel", "give exactly one channel and nothing else");
        }
        if (hasBody)
        {
            // As every other GET of the API: a body sent here was meant for another request.
            throw Problem.invalid("body", "a GET request takes no body");
        }
        if (journalStopped())
        {
            // A stream would open and then say nothing for good: refused like every read.
            throw new Problem(503, "UNAVAILABLE", null, Responses.JOURNAL_STOPPED);
        }
        final String name = Validation.id("channel", channel.get(0), Validation.CHANNEL_MAX);
        if (engine.pipeline() == null)
        {
            throw new Problem(503, "UNAVAILABLE", null, "the engine is recovering: " + engine.recoveryProgress());
        }
        if (nextWrite != id || inFlight > 0)
        {
            throw Problem.invalid("channel", "the availability stream must be the only request in flight on its " +
                "connection");
        }
        if (hub.maxStreams() == 0)
        {
            // Not "try again in a second": nothing will change until the server is started otherwise.
            throw new Problem(404, "NOT_FOUND", null, "availability streams are turned off on this server " +
                "(--max-streams 0): read availability with GET /v1/availability");
        }
        if (!hub.watch().mayWatch(name))
        {
            throw new Problem(503, "UNAVAILABLE", "channel", "streams of " + AvailabilityWatch.MAX_CHANNELS +
                " channels are open, the most the server follows at once, and " + name + " is not one of them: try " +
                "again later, or read availability with GET /v1/availability");
        }
        if (!hub.reserve())
        {
            throw new Problem(503, "UNAVAILABLE", null, "the server has " + hub.maxStreams() + " availability " +
                "streams open, its limit (--max-streams): try again later, or read availability with GET " +
                "/v1/availability");
        }
        nextWrite = Long.MAX_VALUE;
        // A stream's events go to a client that may stop reading: past 256 KiB unwritten it is skipped (and owed a
        // resync) rather than given up to the 1 MiB of a connection, which 256 unread streams made 256 MB, and a
        // burst's copying into them stalled the event loop they share with ordinary requests for over a second.
        // Not lower: at 64 KiB a client reading at once was skipped in a burst, and resynced (a tester).
        ctx.channel().config().setWriteBufferWaterMark(STREAM_WATER_MARK);
        final io.netty.handler.codec.http.HttpResponse response = new io.netty.handler.codec.http.DefaultHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        if (version.minorVersion() == 0)
        {
            // An HTTP/1.0 client knows no chunked coding: the stream is the rest of the connection (RFC 9112 6.3).
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        else
        {
            response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        ctx.write(response);
        // A client that reconnects (an EventSource does so by itself, sending the id of the last event it had) missed
        // whatever changed in between, which nothing here keeps: it is told to re-read, before any change it gets.
        ctx.write(new io.netty.handler.codec.http.DefaultHttpContent(ctx.alloc().buffer().writeBytes(
            (": streaming availability of channel " + name + "\n\n").getBytes(StandardCharsets.UTF_8))));
        if (reconnected)
        {
            ctx.write(new io.netty.handler.codec.http.DefaultHttpContent(ctx.alloc().buffer().writeBytes(
                AvailabilityHub.resync(name, engine.journaledSeq()).getBytes(StandardCharsets.UTF_8))));
        }
        // The connection goes on reading, so that the client's end (its FIN, or a reset) is seen on every transport
        // as it comes, not at the stream's next write; what it sends is dropped before the HTTP decoder.
        ctx.pipeline().addFirst("stream-input", new DroppedInput(DroppedInput.STREAM_LIMIT));
        // Subscribed before anything reaches the client: a client that has read the opening and then changes the
        // stock must get the event of that change (a test that reads the opening, then receives stock, lost its event so).
        stream = hub.subscribe(name, ctx.channel());
        ctx.flush();
    }

    /**
     * A body is JSON in UTF-8, as API.md says, and nothing else is read as JSON: another media type (a browser's
     * form or text/plain, which it may send to any site without asking) or an encoding is a 415. Bytes that are not
     * well-formed UTF-8 are refused where they are read ({@link JsonBody}). No Content-Type at all is taken as JSON,
     * as clients have sent it so far.
     */
    private static void requireJson(final FullHttpRequest request)
    {
        final String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (type != null)
        {
            final CharSequence mediaType = HttpUtil.getMimeType(type);
            final CharSequence charset = HttpUtil.getCharsetAsSequence(type);
            if (mediaType == null || !"application/json".contentEquals(
                mediaType.toString().trim().toLowerCase(java.util.Locale.ROOT)) ||
                (charset != null && !isUtf8(charset)))
            {
                throw new Problem(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type",
                    "the body must be application/json in UTF-8, not " + type);
            }
        }
        final String encoding = request.headers().get(HttpHeaderNames.CONTENT_ENCODING);
        if (encoding != null && !"identity".equalsIgnoreCase(encoding.trim()))
        {
            throw new Problem(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Encoding",
                "the body must not be encoded (" + encoding + ")");
        }
        // The aggregator takes "chunked" off what it has undone; a coding left (gzip, ...) was not undone.
        final String transfer = request.headers().get(HttpHeaderNames.TRANSFER_ENCODING);
        if (transfer != null && !transfer.isBlank())
        {
            throw new Problem(415, "UNSUPPORTED_MEDIA_TYPE", "Transfer-Encoding",
                "only the chunked transfer coding is supported, not " + transfer);
        }
    }

    /** The journal failed: every command is refused as UNAVAILABLE until a restart. */
    private boolean journalStopped()
    {
        final EnginePipeline pipeline = engine.pipeline();
        return pipeline != null && pipeline.journalFailed();
    }

    /** A charset parameter that names UTF-8 (quoted or not, any case, any alias); an unknown name does not. */
    private static boolean isUtf8(final CharSequence charset)
    {
        final String name = charset.toString().trim().replace("\"", "");
        try
        {
            return java.nio.charset.Charset.forName(name).equals(StandardCharsets.UTF_8);
        }
        catch (final IllegalArgumentException unknown)
        {
            return false;
        }
    }

    private static String header(final FullHttpRequest request, final CharSequence name)
    {
        return request.headers().get(name);
    }

    private static Command parse(final String route, final String[] segments, final QueryStringDecoder uri,
        final FullHttpRequest request)
    {
        final java.util.List<String> keys = request.headers().getAll("Idempotency-Key");
        if (keys.size() > 1)
        {
            // Which one would bind is a guess the client cannot see; a retry with the other would apply twice.
            throw Problem.invalid("Idempotency-Key", "send one Idempotency-Key header, not " + keys.size());
        }
        final String key = keys.isEmpty() ? null : keys.get(0);
        if (!"GET /v1/availability".equals(route) && !uri.rawQuery().isEmpty())
        {
            // Ignored, a typo passed silently: ?location= on a stock query answered every location, and a receipt
            // sent with ?dry_run=true was received (a tester). Unknown JSON fields are refused for the same reason.
            final String name = parameters(uri).keySet().stream().findFirst().orElse("query");
            throw Problem.invalid(name, "unknown parameter '" + name + "': " + route.substring(route.indexOf(' ') + 1) +
                " takes no query parameters");
        }
        final ByteBuf content = request.content();
        final byte[] bytes = ByteBufUtil.getBytes(content);
        final boolean bodyless = route.startsWith("GET ");
        if (bodyless && bytes.length > 0)
        {
            throw Problem.invalid("body", "a GET request takes no body");
        }
        if (bytes.length > 0)
        {
            requireJson(request);
        }
        final boolean optionalBody = route.endsWith("/pick") || route.endsWith("/ship") ||
            route.endsWith("/cancel") || route.endsWith("/receive");
        try (JsonBody body = bodyless ? null : JsonBody.open(bytes, bytes.length, optionalBody))
        {
            final Command command = switch (route)
            {
                case "GET /v1/stock/{sku}" -> query(CommandType.QUERY_STOCK, c ->
                    c.sku = Validation.id("sku", segments[2], Validation.SKU_MAX));
                case "GET /v1/stock/{sku}/{location}" -> query(CommandType.QUERY_STOCK_AT, c ->
                {
                    c.sku = Validation.id("sku", segments[2], Validation.SKU_MAX);
                    c.location = Validation.id("location", segments[3], Validation.LOCATION_MAX);
                });
                case "GET /v1/availability" -> availability(uri);
                case "GET /v1/orders/{orderId}" -> query(CommandType.QUERY_ORDER, c ->
                    c.orderId = Validation.id("order_id", segments[2], Validation.ID_MAX));
                case "GET /v1/transfers/{transferId}" -> query(CommandType.QUERY_TRANSFER, c ->
                    c.reference = Validation.id("transfer_id", segments[2], Validation.ID_MAX));
                case "GET /v1/channels/{channel}" -> query(CommandType.QUERY_CHANNEL, c ->
                    c.channel = Validation.id("channel", segments[2], Validation.CHANNEL_MAX));
                case "GET /v1/kits/{sku}" -> query(CommandType.QUERY_KIT, c ->
                    c.sku = Validation.id("sku", segments[2], Validation.SKU_MAX));
                case "PUT /v1/stock/{sku}/{location}/safety-stock" ->
                    Requests.safetyStock(segments[2], segments[3], body, key);
                case "PUT /v1/orders/{orderId}" -> Requests.reserve(segments[2], body);
                case "POST /v1/orders/{orderId}/pick" -> Requests.orderAction(CommandType.PICK, segments[2], body, key);
                case "POST /v1/orders/{orderId}/ship" -> Requests.orderAction(CommandType.SHIP, segments[2], body, key);
                case "POST /v1/orders/{orderId}/cancel" ->
                    Requests.orderAction(CommandType.CANCEL, segments[2], body, key);
                case "POST /v1/orders/{orderId}/returns" -> Requests.orderReturn(segments[2], body, key);
                case "POST /v1/sales" -> Requests.sale(body, key);
                case "POST /v1/receipts" -> Requests.receipt(body, key);
                case "POST /v1/inspections" -> Requests.inspection(body, key);
                case "POST /v1/moves" -> Requests.move(body, key);
                case "POST /v1/adjustments" -> Requests.adjustment(body, key);
                case "POST /v1/counts" -> Requests.count(body, key);
                case "POST /v1/incoming" -> Requests.incoming(body, key);
                case "POST /v1/transfers" -> Requests.transfer(body, key);
                case "POST /v1/transfers/{transferId}/receive" -> Requests.transferReceive(segments[2], body, key);
                case "PUT /v1/channels/{channel}" -> Requests.channel(segments[2], body, key);
                case "PUT /v1/kits/{sku}" -> Requests.kit(segments[2], body, key);
                default -> throw new Problem(404, "NOT_FOUND", null, "no such resource");
            };
            command.bodyForm = body != null ? body.form() : Command.NO_BODY_FORM;
            return command;
        }
    }

    private static Command query(final int type, final java.util.function.Consumer<Command> fill)
    {
        final Command c = new Command();
        c.type = type;
        fill.accept(c);
        return c;
    }

    /**
     * The query's parameters, or a 400 naming the parameter whose percent-encoding is broken (Netty's decoder only
     * says that one is).
     */
    static Map<String, List<String>> parameters(final QueryStringDecoder uri)
    {
        try
        {
            return uri.parameters();
        }
        catch (final IllegalArgumentException ex)
        {
            String field = "query";
            for (final String pair : uri.rawQuery().split("[&;]"))
            {
                final int equals = pair.indexOf('=');
                try
                {
                    field = QueryStringDecoder.decodeComponent(equals < 0 ? pair : pair.substring(0, equals));
                    if (equals >= 0)
                    {
                        QueryStringDecoder.decodeComponent(pair.substring(equals + 1));
                    }
                }
                catch (final IllegalArgumentException bad)
                {
                    break;
                }
                field = "query";
            }
            throw Problem.invalid(field, "not valid percent-encoding in the query: " + ex.getMessage());
        }
    }

    private static Command availability(final QueryStringDecoder uri)
    {
        final Map<String, List<String>> parameters = parameters(uri);
        for (final String name : parameters.keySet())
        {
            if (!name.equals("sku") && !name.equals("channel") && !name.equals("at"))
            {
                throw Problem.invalid(name, "unknown parameter '" + name + "'");
            }
        }
        final Command c = new Command();
        c.type = CommandType.QUERY_AVAILABILITY;
        final List<String> channel = parameters.get("channel");
        if (channel == null || channel.size() != 1)
        {
            throw Problem.invalid("channel", "give exactly one channel");
        }
        c.channel = Validation.id("channel", channel.get(0), Validation.CHANNEL_MAX);
        final List<String> skus = parameters.get("sku");
        if (skus == null || skus.isEmpty() || skus.size() > Validation.LINES_MAX)
        {
            throw Problem.invalid("sku", "give 1 to " + Validation.LINES_MAX + " sku parameters");
        }
        for (final String sku : skus)
        {
            c.line(Validation.id("sku", sku, Validation.SKU_MAX), null, 0);
        }
        final List<String> at = parameters.get("at");
        if (at != null)
        {
            if (at.size() != 1)
            {
                throw Problem.invalid("at", "give at most one date");
            }
            c.flag = true;
            c.time = Validation.time("at", at.get(0));
        }
        return c;
    }

    private void publish(final ChannelHandlerContext ctx, final long id, final boolean keepAlive, final Command request)
    {
        final EnginePipeline pipeline = engine.pipeline();
        if (pipeline == null)
        {
            throw new Problem(503, "UNAVAILABLE", null, "the engine is recovering: " + engine.recoveryProgress());
        }
        final Command answer = spareAnswers.isEmpty() ? new Command() : spareAnswers.pop();
        final HttpExchange exchange = new HttpExchange(this, id, keepAlive, request, answer);
        if (!pipeline.tryPublish(FILLER, exchange))
        {
            spareAnswers.push(answer);
            if (!pipeline.accepting())
            {
                // A stop, not an overload: the connection is closed after this answer (the server is going), and
                // the same request, retried against the restarted server with its key, is safe.
                metrics.answered(request.type, io.stockengine.engine.ResultCode.UNAVAILABLE, 0);
                answer(id, Responses.problem(ctx.alloc(), 503, "UNAVAILABLE", null, Responses.STOPPING, null),
                    false, null);
                return;
            }
            metrics.overloaded.incrementAndGet();
            metrics.answered(request.type, io.stockengine.engine.ResultCode.OVERLOADED, 0);
            answer(id, Responses.problem(ctx.alloc(), 503, "OVERLOADED", null,
                "the engine's ring is full; nothing was applied", null), keepAlive, null);
            return;
        }
        inFlight++;
    }

    /**
     * Reply thread: pushes an answered exchange and makes sure one drain is scheduled on the event loop. Under
     * pipelining the answers of a whole batch then leave in one write and one flush, instead of a task, a write and
     * a system call each.
     */
    private void handOver(final HttpExchange exchange)
    {
        HttpExchange head;
        do
        {
            head = answered.get();
            exchange.next = head;
        }
        while (!answered.compareAndSet(head, exchange));
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true))
        {
            try
            {
                context.executor().execute(drain);
            }
            catch (final RejectedExecutionException ex)
            {
                // The event loop is shutting down with the server: nobody will write these any more, and nothing
                // has been rendered for them yet, so there is nothing to release.
                answered.set(null);
            }
        }
    }

    /** Event loop: renders and writes every answer the reply thread has pushed, in request order, then flushes once. */
    private void drainAnswered()
    {
        drainScheduled.set(false);
        HttpExchange newest = answered.getAndSet(null);
        HttpExchange oldest = null;
        while (newest != null)
        {
            final HttpExchange next = newest.next;
            newest.next = oldest;
            oldest = newest;
            newest = next;
        }
        for (HttpExchange exchange = oldest; exchange != null; exchange = exchange.next)
        {
            inFlight--;
            queue(exchange.id, backlogged(exchange) ? Responses.problem(context.alloc(), 503, "OVERLOADED", null,
                "the connection holds more than " + GatewayConfig.ANSWER_BACKLOG_BYTES / 1024 + " KiB of answers its " +
                "client has not read, so this query's large answer was not given; read them, then ask again", null) :
                render(exchange), exchange.keepAlive, null);
            recycle(exchange.answer);
        }
        if (!closeAfter)
        {
            context.flush();
        }
        updateReading();
    }

    /**
     * A large query answer for a connection whose client has more than {@link GatewayConfig#ANSWER_BACKLOG_BYTES}
     * unread: written and queued answers. What is written is flushed first, so a client that reads is not refused
     * for answers that only waited for that flush.
     */
    private boolean backlogged(final HttpExchange exchange)
    {
        if (exchange.answer.result != io.stockengine.engine.ResultCode.OK ||
            !GatewayConfig.largeQueryAnswer(exchange.answer, exchange.request.type) ||
            unreadBytes() <= GatewayConfig.ANSWER_BACKLOG_BYTES)
        {
            return false;
        }
        context.flush();
        return unreadBytes() > GatewayConfig.ANSWER_BACKLOG_BYTES;
    }

    private long unreadBytes()
    {
        final io.netty.channel.ChannelOutboundBuffer written = context.channel().unsafe().outboundBuffer();
        long bytes = written == null ? 0 : written.totalPendingWriteBytes();
        for (final FullHttpResponse waiting : pending.values())
        {
            bytes += waiting.content().readableBytes();
        }
        return bytes;
    }

    /**
     * Reads while fewer than the limit of requests are unanswered and the client takes its answers. A request counts
     * from its decoding until its answer is written, as the codec counts it against its pipeline depth. Never reads
     * again after a request that closes the connection: nothing read then would be processed. An event stream always
     * reads: its input is dropped at the head of the pipeline, and its end is how the server learns the client left.
     */
    private void updateReading()
    {
        final Channel channel = context.channel();
        final boolean read = stream != null || lingering || closeAt < 0 && nextWrite != Long.MAX_VALUE &&
            nextRequest - nextWrite < config.maxHttpInFlightPerConnection && channel.isWritable();
        if (read != channel.config().isAutoRead() && (!read || channel.isActive()))
        {
            channel.config().setAutoRead(read);
        }
    }

    /**
     * The engine's answer as HTTP. Rendering cannot fail on any answer the engine gives; should a defect make it,
     * the exchange still gets an answer, so the connection's later answers are not held behind a missing one.
     */
    private Responses.Rendered render(final HttpExchange exchange)
    {
        try
        {
            return Responses.answer(context.alloc(), exchange.answer, exchange.request);
        }
        catch (final RuntimeException ex)
        {
            metrics.renderErrors.incrementAndGet();
            return Responses.problem(context.alloc(), 500, "INTERNAL_ERROR", null, "the command was applied and " +
                "journaled, but its answer could not be rendered: read the resource to see its state", null);
        }
    }

    private void recycle(final Command answer)
    {
        if (spareAnswers.size() < SPARE_ANSWERS)
        {
            answer.releaseReferencesKeeping(HOLDER_RETAINED_ROWS);
            spareAnswers.push(answer);
        }
    }

    /** Queues an answer and writes and flushes every answer that is now next in request order. */
    private void answer(final long id, final Responses.Rendered rendered, final boolean keepAlive,
        final String contentType)
    {
        queue(id, rendered, keepAlive, contentType);
        if (!closeAfter)
        {
            context.flush();
        }
    }

    /**
     * Answers a request the IO thread serves itself (health, metrics) when its turn comes, not when it is read: a
     * pipelined {@code GET /health} behind a write then reports a seq that includes that write, as a client reading
     * the answers in order expects.
     */
    private void answerInTurn(final long id, final Supplier<Responses.Rendered> render, final boolean keepAlive,
        final String contentType)
    {
        if (closeAfter || !context.channel().isActive())
        {
            return;
        }
        deferred.put(id, new Deferred(render, keepAlive, contentType));
        writeInOrder();
        if (!closeAfter)
        {
            context.flush();
        }
    }

    /**
     * Queues an answer and writes, without flushing, every answer that is now next in request order; the answer
     * that closes the connection is flushed at once.
     */
    private void queue(final long id, final Responses.Rendered rendered, final boolean keepAlive,
        final String contentType)
    {
        if (closeAfter || !context.channel().isActive())
        {
            rendered.body().release();
            return;
        }
        pending.put(id, response(id, rendered, keepAlive, contentType));
        writeInOrder();
    }

    private FullHttpResponse response(final long id, final Responses.Rendered rendered, final boolean keepAlive,
        final String contentType)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(rendered.status()), rendered.body());
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType != null ? contentType :
            rendered.problem() ? "application/problem+json" : "application/json");
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, rendered.body().readableBytes());
        if (rendered.replayed())
        {
            response.headers().set("Idempotent-Replayed", "true");
        }
        if (rendered.allow() != null)
        {
            response.headers().set(HttpHeaderNames.ALLOW, rendered.allow());
        }
        if (rendered.status() == 503 && !journalStopped())
        {
            // Overload and recovery pass; a stopped journal waits for an operator, and saying "1" would be a lie.
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        }
        if (!keepAlive)
        {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            if (closeAt < 0 || id < closeAt)
            {
                closeAt = id;
            }
        }
        else if (http10)
        {
            // HTTP/1.0 closes after each answer unless the answer says otherwise (RFC 9112 9.3).
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return response;
    }

    /**
     * Renders an answer the IO thread serves itself. It runs from wherever its turn comes (an engine answer's
     * drain, a snapshot's completion), so a failure must still give the exchange an answer: without one, every later
     * answer of the connection would wait behind it for ever.
     */
    private Responses.Rendered renderInTurn(final Deferred turn)
    {
        try
        {
            return turn.render.get();
        }
        catch (final RuntimeException ex)
        {
            metrics.renderErrors.incrementAndGet();
            return Responses.problem(context.alloc(), 500, "INTERNAL_ERROR", null, "the answer could not be " +
                "rendered: " + ex, null);
        }
    }

    private void writeInOrder()
    {
        while (true)
        {
            FullHttpResponse next = pending.remove(nextWrite);
            if (next == null)
            {
                final Deferred turn = deferred.remove(nextWrite);
                if (turn == null)
                {
                    return;
                }
                final Responses.Rendered rendered = renderInTurn(turn);
                next = response(nextWrite, rendered, turn.keepAlive, rendered.problem() ? null : turn.contentType);
            }
            final boolean last = nextWrite == closeAt;
            nextWrite++;
            if (last)
            {
                context.writeAndFlush(next).addListener(this::endAfterLastAnswer);
                closeAfter = true;
                releasePending();
                return;
            }
            // No future is wanted back: a void promise spares the encoder combining one per part of the answer,
            // and a failed write reaches exceptionCaught, which closes the connection.
            context.write(next, context.voidPromise());
        }
    }

    /**
     * After the connection's last answer: closes at once when the client has ended its side (or the write failed);
     * else ends ours and reads on, dropping what comes, until the client ends its side or the linger passes.
     */
    private void endAfterLastAnswer(final io.netty.util.concurrent.Future<? super Void> written)
    {
        final Channel channel = context.channel();
        if (!written.isSuccess() || inputEnded || !(channel instanceof io.netty.channel.socket.DuplexChannel duplex))
        {
            channel.close();
            return;
        }
        lingering = true;
        // Dropped before the codec sees it: decoded, each request would wait in the codec's queue of requests owed
        // an answer, and past its depth the codec fails the connection, which closes with input unread after all
        // (a reviewer: 178 of 200 answers arrived behind 20,000 pipelined requests).
        channel.pipeline().addFirst("linger-input", new DroppedInput(Long.MAX_VALUE));
        duplex.shutdownOutput().addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        channel.config().setAutoRead(true);
        channel.eventLoop().schedule(() -> { channel.close(); }, LINGER_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    }

    private void releasePending()
    {
        deferred.clear();
        for (final FullHttpResponse response : pending.values())
        {
            response.release();
        }
        pending.clear();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        releasePending();
        super.channelInactive(ctx);
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) throws Exception
    {
        if (stream != null)
        {
            if (ctx.channel().isWritable())
            {
                hub.caughtUp(stream);
            }
        }
        else
        {
            updateReading();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception
    {
        if (event instanceof IdleStateEvent)
        {
            // Silent for the whole timeout: close, unless the silence is ours (commands with the engine, and the
            // answers waiting behind them). Nothing the client sent is lost; a client that takes no answers for the
            // timeout is closed too, since its writes do not complete.
            if (inFlight == 0 && pending.isEmpty() && deferred.isEmpty())
            {
                ctx.close();
            }
            return;
        }
        if (event instanceof io.netty.channel.socket.ChannelInputShutdownEvent)
        {
            endOfInput(ctx);
            return;
        }
        if (event == RequestDeadline.TIMED_OUT)
        {
            requestTimedOut(ctx);
            return;
        }
        if (event == RequestDeadline.BODY_CUT_SHORT || event == RequestDeadline.LINE_CUT_SHORT)
        {
            requestCutShort(ctx, event == RequestDeadline.BODY_CUT_SHORT);
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    /**
     * A request did not arrive whole within the deadline: it is answered 408 in its turn (RFC 9110 15.5.9), so the
     * client learns why the connection closes, and nothing of it or after it is read.
     */
    private void requestTimedOut(final ChannelHandlerContext ctx)
    {
        answerPartialRequest(ctx, 408, "REQUEST_TIMEOUT", null, "the request did not arrive whole within " +
            config.requestTimeoutSeconds + " s of its first bytes (--request-timeout-s); nothing of it was applied, " +
            "and the connection closes");
    }

    /**
     * Answers a request that will never arrive whole, in its turn after what the connection owes, as the last answer.
     *
     * @return false when nothing is answered: closing already after an earlier request, or a stream, where the
     *         partial request would never be read.
     */
    private boolean answerPartialRequest(final ChannelHandlerContext ctx, final int status, final String code,
        final String field, final String detail)
    {
        if (closeAt >= 0 || nextWrite == Long.MAX_VALUE)
        {
            return false;
        }
        final long id = nextRequest++;
        closeAt = id;
        answer(id, Responses.problem(ctx.alloc(), status, code, field, detail, null), false, null);
        updateReading();
        return true;
    }

    /**
     * The client ended its side in the middle of a request (its line, or its body): answered 400 in its turn, since
     * the client may still read (nothing of it was applied), then the connection closes as for any end of input.
     */
    private void requestCutShort(final ChannelHandlerContext ctx, final boolean inBody)
    {
        if (answerPartialRequest(ctx, 400, "INVALID_REQUEST", inBody ? "body" : "request", "the client ended its " +
            "side before the request" + (inBody ? "'s body" : " line") + " was whole; nothing of it was applied"))
        {
            metrics.httpRequests.incrementAndGet();
            metrics.httpBadRequests.incrementAndGet();
        }
    }

    /**
     * The client ended its side after its last request: every request read is answered, and the connection closes
     * after the last answer (at once when none is owed). An event stream closes at once: its client closing is the
     * only end it has, and the end of input is how the server learns of it.
     */
    private void endOfInput(final ChannelHandlerContext ctx)
    {
        inputEnded = true;
        if (lingering || nextWrite == Long.MAX_VALUE || nextWrite == nextRequest)
        {
            ctx.close();
            return;
        }
        if (closeAt < 0 || nextRequest - 1 < closeAt)
        {
            closeAt = nextRequest - 1;
        }
        updateReading();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (cause instanceof java.io.IOException || cause instanceof io.netty.handler.codec.PrematureChannelClosureException)
        {
            // The client's doing: a reset, or a close in the middle of a request (the aggregator says so once the
            // connection is gone), which a client could otherwise raise the defect count with at will.
            ctx.close();
            return;
        }
        // Not a client's mistake: a request the router could not answer is answered in its turn (see route()); this
        // is the gateway failing on the connection itself.
        metrics.httpHandlerErrors.incrementAndGet();
        if (!closeAfter && ctx.channel().isActive())
        {
            final ByteBuf body = Unpooled.copiedBuffer("{\"type\":\"urn:stockengine:problem:internal-error\"," +
                "\"title\":\"Internal error\",\"status\":500,\"code\":\"INTERNAL_ERROR\",\"detail\":\"the " +
                "gateway failed on this connection; it is closed, and requests without an answer may have applied: " +
                "retry them with their idempotency keys\"}", StandardCharsets.UTF_8);
            final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.INTERNAL_SERVER_ERROR, body);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json");
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
        else
        {
            ctx.close();
        }
    }

    /**
     * At the head of the pipeline of a connection that reads nothing more: what its client sends is dropped. On an
     * event stream, whose client has nothing more to say, past {@link #STREAM_LIMIT} bytes the connection is closed,
     * so a flood cannot keep an IO thread reading for nothing (the stream used to stop reading, which let TCP hold it
     * back); while lingering after a last answer, the linger's own 2 s bound it instead.
     */
    private static final class DroppedInput extends ChannelInboundHandlerAdapter
    {
        static final int STREAM_LIMIT = 16 * 1024;

        private final long limit;
        private long dropped;

        /** Closes the connection once more than {@code limit} bytes were dropped. */
        DroppedInput(final long limit)
        {
            this.limit = limit;
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            if (msg instanceof ByteBuf)
            {
                dropped += ((ByteBuf)msg).readableBytes();
            }
            ReferenceCountUtil.release(msg);
            if (dropped > limit && ctx.channel().isOpen())
            {
                ctx.close();
            }
        }
    }
}
