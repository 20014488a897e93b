package io.stockengine.gateway.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.SummaryWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EnginePipeline;
import io.stockengine.engine.ResultCode;
import io.stockengine.gateway.GatewayMetrics;

/**
 * {@code /health}, {@code /metrics} and {@code /openapi.json}. Metrics use the Prometheus Java client's registry and
 * text writer (a well-kept library that owns the exposition format); the counters themselves stay lock-free
 * atomics read by callbacks at scrape time, so the request path never touches the library.
 */
public final class Operations
{
    private final EngineAccess engine;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final byte[] openApi;

    /**
     * One of {@link JournalStats#forgottenEarly}'s figures, the ages in seconds; none without snapshots: the follower
     * counts them, and a 0 would read as nothing forgotten.
     */
    private static java.util.OptionalDouble forgotten(final JournalStats journal, final int which)
    {
        if (!journal.snapshotsOn())
        {
            return java.util.OptionalDouble.empty();
        }
        final long value = journal.forgottenEarly()[which];
        return java.util.OptionalDouble.of(which % 2 == 1 ? value / 1000.0 : value);
    }

    /** Extra gauges a server can add: journal bytes, snapshot lag. */
    public interface JournalStats
    {
        long bytesWritten();

        long lastSeq();

        long snapshotLagEvents();

        /** Snapshots the disk refused to take (the follower went on after each). */
        long snapshotWriteFailures();

        /**
         * What the engine forgot before its dedup window ended, the capacity being reached, as the snapshot
         * follower's replica saw it: keys forgotten, how long the last one was kept (ms), finished orders forgotten,
         * how long after finishing the last one was kept (ms). Zeros without a follower.
         */
        default long[] forgottenEarly()
        {
            return new long[4];
        }

        /** Whether the server writes snapshots (a follower replays the journal for them). */
        default boolean snapshotsOn()
        {
            return true;
        }

        /** The journal failed: every command is refused until a restart. */
        default boolean failed()
        {
            return false;
        }

        /**
         * The registered journal consumers (an accounting ledger, say) and the last seq each has taken, as their
         * registry files say; empty when there are none.
         */
        default java.util.Map<String, Long> consumers()
        {
            return java.util.Map.of();
        }
    }

    public Operations(final EngineAccess engine, final GatewayMetrics metrics, final JournalStats journal)
    {
        this.engine = engine;
        this.openApi = loadOpenApi();
        CounterWithCallback.builder().name("stock_commands_total").help("Commands answered, by type and result")
            .labelNames("type", "result")
            .callback(cb ->
            {
                for (int type = 0; type < CommandType.COUNT_OF_TYPES; type++)
                {
                    for (int result = 0; result < ResultCode.COUNT_OF_CODES; result++)
                    {
                        final long count = metrics.commands(type, result);
                        if (count > 0)
                        {
                            cb.call(count, CommandType.name(type), ResultCode.name(result));
                        }
                    }
                }
            }).register(registry);
        // While the engine recovers, the engine's own numbers have no sample at all (stock_ready says why): a 0
        // read like a new empty server, and a journal seq that fell to 0 at every restart set off "went backwards"
        // alerts (an SRE tester).
        GaugeWithCallback.builder().name("stock_ring_in_flight").help("Commands in the ring, not yet answered")
            .callback(cb ->
            {
                final EnginePipeline pipeline = engine.pipeline();
                if (pipeline != null)
                {
                    cb.call(pipeline.inFlight());
                }
            }).register(registry);
        // While recovering, the ring's and the journal's numbers have no sample: this says why.
        GaugeWithCallback.builder().name("stock_ready")
            .help("1 once recovery is done and commands are taken, 0 while the engine recovers")
            .callback(cb -> cb.call(engine.pipeline() == null ? 0 : 1)).register(registry);
        GaugeWithCallback.builder().name("stock_ring_size").help("Slots in the ring")
            .callback(cb ->
            {
                final EnginePipeline pipeline = engine.pipeline();
                if (pipeline != null)
                {
                    cb.call(pipeline.ringSize());
                }
            }).register(registry);
        CounterWithCallback.builder().name("stock_journal_bytes").help("Bytes appended to the journal")
            .callback(cb -> cb.call(journal.bytesWritten())).register(registry);
        GaugeWithCallback.builder().name("stock_journal_seq").help("Sequence number of the last journaled event")
            .callback(cb ->
            {
                if (engine.pipeline() != null)
                {
                    cb.call(journal.lastSeq());
                }
            }).register(registry);
        // An alert's one number: a stopped journal otherwise looks like an idle server (its seq stops moving).
        GaugeWithCallback.builder().name("stock_journal_failed")
            .help("1 once the journal has failed (every command is refused until a restart), else 0")
            .callback(cb -> cb.call(journal.failed() ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("stock_snapshot_lag_events")
            .help("Events journaled but not yet in the snapshot follower's replica (no sample with --no-snapshots)")
            .callback(cb ->
            {
                // Off, a 0 would read as caught up.
                if (engine.pipeline() != null && journal.snapshotsOn())
                {
                    cb.call(journal.snapshotLagEvents());
                }
            }).register(registry);
        // "Journal lag" for the people downstream: how far each registered consumer is behind the journal. Read from
        // the consumers' registry files at each scrape; a consumer mirrors its position there at most a second
        // after a commit, so an idle one that is caught up may show the last second's events for a while.
        GaugeWithCallback.builder().name("stock_consumer_lag_events")
            .help("Events journaled that a registered consumer has not taken yet, by consumer")
            .labelNames("consumer")
            .callback(cb ->
            {
                if (engine.pipeline() == null)
                {
                    return;
                }
                final long journaled = journal.lastSeq();
                journal.consumers().forEach((name, seq) -> cb.call(Math.max(0, journaled - seq), name));
            }).register(registry);
        CounterWithCallback.builder().name("stock_snapshot_write_failures")
            .help("Snapshots the disk refused to take; the follower tries again at the next one due")
            .callback(cb -> cb.call(journal.snapshotWriteFailures())).register(registry);
        // The dedup window in force can be shorter than the one configured: the oldest keys go when the capacity is
        // full, and a retry after that is applied again. These say when that happens and how long keys last then.
        CounterWithCallback.builder().name("stock_dedup_keys_forgotten_early")
            .help("Idempotency keys forgotten before the dedup window ended because --dedup-capacity were kept (a " +
                "retry of one is applied again); counted by the snapshot follower, no sample with --no-snapshots")
            .callback(cb -> forgotten(journal, 0).ifPresent(value -> cb.call(value))).register(registry);
        GaugeWithCallback.builder().name("stock_dedup_keys_kept_seconds")
            .help("How long the last key forgotten early had been kept: the dedup window in force (0 until one is)")
            .callback(cb -> forgotten(journal, 1).ifPresent(value -> cb.call(value))).register(registry);
        CounterWithCallback.builder().name("stock_finished_orders_forgotten_early")
            .help("Finished orders forgotten before the dedup window ended because --finished-order-capacity were " +
                "kept (a return or GET of one is 404); counted by the snapshot follower, no sample with --no-snapshots")
            .callback(cb -> forgotten(journal, 2).ifPresent(value -> cb.call(value))).register(registry);
        GaugeWithCallback.builder().name("stock_finished_orders_kept_seconds")
            .help("How long after finishing the last order forgotten early had been kept (0 until one is)")
            .callback(cb -> forgotten(journal, 3).ifPresent(value -> cb.call(value))).register(registry);
        CounterWithCallback.builder().name("stock_http_requests").help("HTTP requests received")
            .callback(cb -> cb.call(metrics.httpRequests.get())).register(registry);
        CounterWithCallback.builder().name("stock_http_bad_requests").help("HTTP requests refused before the engine")
            .callback(cb -> cb.call(metrics.httpBadRequests.get())).register(registry);
        CounterWithCallback.builder().name("stock_http_request_timeouts")
            .help("HTTP connections closed because a request did not arrive whole in time")
            .callback(cb -> cb.call(metrics.httpRequestTimeouts.get())).register(registry);
        CounterWithCallback.builder().name("stock_binary_frames").help("Binary protocol frames received")
            .callback(cb -> cb.call(metrics.binaryFrames.get())).register(registry);
        CounterWithCallback.builder().name("stock_binary_protocol_errors")
            .help("Binary connections closed for a malformed frame")
            .callback(cb -> cb.call(metrics.binaryProtocolErrors.get())).register(registry);
        CounterWithCallback.builder().name("stock_binary_bad_requests")
            .help("Binary commands refused before the engine (invalid input)")
            .callback(cb -> cb.call(metrics.binaryBadRequests.get())).register(registry);
        CounterWithCallback.builder().name("stock_binary_handler_errors")
            .help("Unexpected failures handling binary commands (answered INTERNAL_ERROR)")
            .callback(cb -> cb.call(metrics.binaryHandlerErrors.get())).register(registry);
        GaugeWithCallback.builder().name("stock_connections").help("Open client connections")
            .callback(cb -> cb.call(metrics.openConnections.get())).register(registry);
        CounterWithCallback.builder().name("stock_connections_rejected")
            .help("Connections closed at once because --max-connections were open (HTTP and binary together)")
            .callback(cb -> cb.call(metrics.rejectedConnections.get())).register(registry);
        CounterWithCallback.builder().name("stock_overloaded").help("Commands refused because the ring was full")
            .callback(cb -> cb.call(metrics.overloaded.get())).register(registry);
        CounterWithCallback.builder().name("stock_http_handler_errors")
            .help("HTTP requests whose handling failed unexpectedly (a defect): answered 500 INTERNAL_ERROR")
            .callback(cb -> cb.call(metrics.httpHandlerErrors.get())).register(registry);
        CounterWithCallback.builder().name("stock_http_render_errors")
            .help("HTTP answers that failed to render (a defect): answered 500 INTERNAL_ERROR")
            .callback(cb -> cb.call(metrics.renderErrors.get())).register(registry);
        GaugeWithCallback.builder().name("stock_stream_subscribers")
            .help("Connections subscribed to the availability stream")
            .callback(cb -> cb.call(metrics.streamSubscribers.get())).register(registry);
        CounterWithCallback.builder().name("stock_stream_events")
            .help("Availability-stream events sent, counted once per subscriber")
            .callback(cb -> cb.call(metrics.streamEvents.get())).register(registry);
        CounterWithCallback.builder().name("stock_stream_dropped_changes")
            .help("Availability changes dropped because the streams fell too far behind; each drop sends a resync")
            .callback(cb -> cb.call(metrics.streamDroppedChanges.get())).register(registry);
        SummaryWithCallback.builder().name("stock_command_latency_seconds")
            .help("From arrival at the gateway to the answer, journaled; count and sum since the start, quantiles " +
                "over the last minute (NaN when nothing was answered in it)")
            .callback(cb ->
            {
                final org.HdrHistogram.Histogram h = metrics.latency().copy();
                final org.HdrHistogram.Histogram recent = metrics.recentLatency();
                cb.call(h.getTotalCount(), h.getMean() * h.getTotalCount() / 1e9, Quantiles.of(
                    new Quantile(0.5, quantile(recent, 50)),
                    new Quantile(0.99, quantile(recent, 99)),
                    new Quantile(0.999, quantile(recent, 99.9))));
            }).register(registry);
    }

    private static double quantile(final org.HdrHistogram.Histogram h, final double percentile)
    {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e9;
    }

    private static byte[] loadOpenApi()
    {
        try (InputStream in = Operations.class.getResourceAsStream("/openapi.json"))
        {
            if (in == null)
            {
                return "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            return in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    Responses.Rendered health(final ByteBufAllocator alloc)
    {
        final EnginePipeline pipeline = engine.pipeline();
        if (pipeline == null)
        {
            return new Responses.Rendered(503, Responses.json(alloc, json ->
            {
                json.writeStartObject();
                json.writeStringField("status", "RECOVERING");
                json.writeStringField("detail", engine.recoveryProgress());
                json.writeEndObject();
            }), false, false);
        }
        final boolean failed = pipeline.journalFailed();
        return new Responses.Rendered(failed ? 503 : 200, Responses.json(alloc, json ->
        {
            json.writeStartObject();
            json.writeStringField("status", failed ? "DOWN" : "UP");
            json.writeNumberField("seq", engine.journaledSeq());
            json.writeEndObject();
        }), false, false);
    }

    Responses.Rendered snapshotWritten(final ByteBufAllocator alloc, final java.nio.file.Path file)
    {
        return new Responses.Rendered(200, Responses.json(alloc, json ->
        {
            json.writeStartObject();
            json.writeStringField("snapshot", file.getFileName().toString());
            json.writeNumberField("seq", io.stockengine.journal.SnapshotStore.seqOf(file));
            json.writeEndObject();
        }), false, false);
    }

    Responses.Rendered metrics(final ByteBufAllocator alloc)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try
        {
            writer.write(out, registry.scrape());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final ByteBuf body = alloc.buffer(out.size());
        body.writeBytes(out.toByteArray());
        return new Responses.Rendered(200, body, false, false);
    }

    Responses.Rendered openApi(final ByteBufAllocator alloc)
    {
        return new Responses.Rendered(200, Unpooled.wrappedBuffer(openApi), false, false);
    }
}
