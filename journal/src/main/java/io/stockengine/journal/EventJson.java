package io.stockengine.journal;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.stockengine.engine.Bucket;
import io.stockengine.engine.EventSink;
import io.stockengine.engine.OrderStatus;
import io.stockengine.engine.Reason;

/**
 * Renders each event as one JSON object per line, with SKU, location and channel names resolved from the symbol
 * events it has seen. For tools and tests, not the hot path: it allocates freely.
 */
public final class EventJson implements EventSink
{
    /** Always three digits of milliseconds: lines of {@code tail} sort and align as text. */
    private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter
        .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    private final List<Map<Integer, String>> names = List.of(new HashMap<>(), new HashMap<>(), new HashMap<>());
    private final Consumer<String> out;
    private long correlationId;
    private long timestamp;
    private StringBuilder line;

    public EventJson(final Consumer<String> out)
    {
        this.out = out;
    }

    /** The name of a symbol, or {@code #id} when its definition has not been seen. */
    public String name(final int kind, final int id)
    {
        if (id < 0)
        {
            return null;
        }
        final String name = names.get(kind).get(id);
        return name != null ? name : "#" + id;
    }

    /** Learns a symbol without printing it (a pre-pass over the journal, for tools that start mid-stream). */
    public void learn(final int kind, final int id, final CharSequence name)
    {
        names.get(kind).put(id, name.toString());
    }

    @Override
    public void beginCommand(final long correlationId, final long timestamp)
    {
        this.correlationId = correlationId;
        this.timestamp = timestamp;
    }

    private EventJson start(final long seq, final String type)
    {
        line = new StringBuilder(160).append("{\"seq\":").append(seq).append(",\"type\":\"").append(type)
            .append("\",\"time\":\"").append(TIME.format(Instant.ofEpochMilli(timestamp))).append("\",\"correlation_id\":")
            .append(correlationId);
        return this;
    }

    private EventJson field(final String key, final long value)
    {
        line.append(",\"").append(key).append("\":").append(value);
        return this;
    }

    private EventJson field(final String key, final CharSequence value)
    {
        line.append(",\"").append(key).append("\":");
        if (value == null)
        {
            line.append("null");
            return this;
        }
        line.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\')
            {
                line.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                line.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                line.append(c);
            }
        }
        line.append('"');
        return this;
    }

    private EventJson sku(final int id)
    {
        return field("sku", name(SYMBOL_SKU, id));
    }

    private EventJson location(final String key, final int id)
    {
        return field(key, name(SYMBOL_LOCATION, id));
    }

    private EventJson channel(final int id)
    {
        return field("channel", name(SYMBOL_CHANNEL, id));
    }

    private void end()
    {
        out.accept(line.append('}').toString());
        line = null;
    }

    @Override
    public void symbol(final long seq, final int kind, final int id, final CharSequence name)
    {
        learn(kind, id, name);
        start(seq, "symbol").field("kind", kind == SYMBOL_SKU ? "sku" : kind == SYMBOL_LOCATION ? "location" : "channel")
            .field("id", id).field("name", name).end();
    }

    @Override
    public void safetyStockSet(final long seq, final int sku, final int location, final long quantity)
    {
        start(seq, "safety_stock_set").sku(sku).location("location", location).field("quantity", quantity).end();
    }

    @Override
    public void channelConfigured(final long seq, final int channel, final long buffer, final int locationCount,
        final int[] locations, final boolean keepsFencedUnits)
    {
        start(seq, keepsFencedUnits ? "channel_set" : "channel_configured").channel(channel).field("buffer", buffer);
        line.append(",\"locations\":[");
        for (int i = 0; i < locationCount; i++)
        {
            line.append(i == 0 ? "" : ",").append('"').append(name(SYMBOL_LOCATION, locations[i])).append('"');
        }
        line.append(']');
        end();
    }

    @Override
    public void allocationSet(final long seq, final int channel, final int sku, final int location,
        final long quantity, final long unused)
    {
        if (unused < 0)
        {
            start(seq, "allocation_set").channel(channel).sku(sku).location("location", location)
                .field("quantity", quantity).end();
            return;
        }
        start(seq, "fence_set").channel(channel).sku(sku).location("location", location)
            .field("quantity", quantity).field("unused", unused).end();
    }

    @Override
    public void kitDefined(final long seq, final int kit, final int componentCount, final int[] componentSkus,
        final long[] componentQuantities)
    {
        start(seq, "kit_defined").sku(kit);
        line.append(",\"components\":[");
        for (int i = 0; i < componentCount; i++)
        {
            line.append(i == 0 ? "" : ",").append("{\"sku\":\"").append(name(SYMBOL_SKU, componentSkus[i]))
                .append("\",\"quantity\":").append(componentQuantities[i]).append('}');
        }
        line.append(']');
        end();
    }

    @Override
    public void orderReserved(final long seq, final CharSequence orderId, final int channel, final long expiresAt,
        final long fingerprint, final int lineCount)
    {
        start(seq, "order_reserved").field("order_id", orderId).channel(channel).field("expires_at", expiresAt)
            .field("fingerprint", fingerprint).field("lines", lineCount).end();
    }

    @Override
    public void orderLine(final long seq, final CharSequence orderId, final int lineNo, final int sku,
        final int location, final long quantity, final long fenced, final int parentLine, final long factor)
    {
        start(seq, "order_line").field("order_id", orderId).field("line", lineNo).sku(sku)
            .location("location", location).field("quantity", quantity).field("fenced", fenced)
            .field("parent_line", parentLine).field("factor", factor).end();
    }

    @Override
    public void linePicked(final long seq, final CharSequence orderId, final int lineNo, final long quantity)
    {
        start(seq, "line_picked").field("order_id", orderId).field("line", lineNo).field("quantity", quantity).end();
    }

    @Override
    public void lineShipped(final long seq, final CharSequence orderId, final int lineNo, final long fromReserved,
        final long fromPicked)
    {
        start(seq, "line_shipped").field("order_id", orderId).field("line", lineNo)
            .field("from_reserved", fromReserved).field("from_picked", fromPicked).end();
    }

    @Override
    public void lineReleased(final long seq, final CharSequence orderId, final int lineNo, final long fromReserved,
        final long fromPicked, final long fenceRestored, final int cause)
    {
        start(seq, "line_released").field("order_id", orderId).field("line", lineNo)
            .field("from_reserved", fromReserved).field("from_picked", fromPicked)
            .field("fence_restored", fenceRestored).field("cause", cause == RELEASE_EXPIRE ? "expire" : "cancel")
            .end();
    }

    @Override
    public void lineReturned(final long seq, final CharSequence orderId, final int lineNo, final long quantity,
        final int bucket)
    {
        start(seq, "line_returned").field("order_id", orderId).field("line", lineNo).field("quantity", quantity)
            .field("bucket", Bucket.name(bucket)).end();
    }

    @Override
    public void orderStatus(final long seq, final CharSequence orderId, final int status)
    {
        start(seq, "order_status").field("order_id", orderId).field("status", OrderStatus.name(status)).end();
    }

    @Override
    public void demandRefused(final long seq, final int kind, final CharSequence reference, final int channel,
        final int sku, final int location, final long requested, final long available)
    {
        start(seq, "demand_refused").field("kind", kind == DEMAND_SALE ? "sale" : "reserve")
            .field("reference", reference).channel(channel).sku(sku).location("location", location)
            .field("requested", requested).field("available", available).end();
    }

    @Override
    public void sold(final long seq, final int channel, final int sku, final int location, final long quantity,
        final long fenced)
    {
        start(seq, "sold").channel(channel).sku(sku).location("location", location).field("quantity", quantity)
            .field("fenced", fenced).end();
    }

    @Override
    public void retentionSet(final long seq, final long windowMillis, final int keyCapacity,
        final int finishedOrderCapacity)
    {
        start(seq, "retention_set").field("window_ms", windowMillis).field("key_capacity", keyCapacity)
            .field("finished_order_capacity", finishedOrderCapacity).end();
    }

    @Override
    public void kitSold(final long seq, final int channel, final int kit, final int location, final int components,
        final long quantity)
    {
        start(seq, "kit_sold").channel(channel).sku(kit).location("location", location).field("quantity", quantity)
            .field("components", components).end();
    }

    @Override
    public void incomingSet(final long seq, final CharSequence purchaseOrder, final int sku, final int location,
        final long quantity, final long expectedAt, final long unitCost)
    {
        start(seq, "incoming_set").field("purchase_order", purchaseOrder).sku(sku).location("location", location)
            .field("quantity", quantity).field("expected_at", expectedAt).field("unit_cost_micros", unitCost).end();
    }

    @Override
    public void received(final long seq, final CharSequence purchaseOrder, final int sku, final int location,
        final long quantity, final long unitCost, final int bucket, final long incomingReduced)
    {
        start(seq, "received").field("purchase_order", purchaseOrder).sku(sku).location("location", location)
            .field("quantity", quantity).field("unit_cost_micros", unitCost).field("bucket", Bucket.name(bucket))
            .field("incoming_reduced", incomingReduced).end();
    }

    @Override
    public void inspected(final long seq, final int sku, final int location, final long passed, final long failed)
    {
        start(seq, "inspected").sku(sku).location("location", location).field("passed", passed)
            .field("failed", failed).end();
    }

    @Override
    public void moved(final long seq, final int sku, final int location, final int fromBucket, final int toBucket,
        final long quantity, final int reason)
    {
        start(seq, "moved").sku(sku).location("location", location).field("from", Bucket.name(fromBucket))
            .field("to", Bucket.name(toBucket)).field("quantity", quantity).field("reason", Reason.name(reason)).end();
    }

    @Override
    public void adjusted(final long seq, final int sku, final int location, final int bucket, final long delta,
        final int reason)
    {
        start(seq, "adjusted").sku(sku).location("location", location).field("bucket", Bucket.name(bucket))
            .field("delta", delta).field("reason", Reason.name(reason)).end();
    }

    @Override
    public void counted(final long seq, final int sku, final int location, final long counted, final long previous)
    {
        start(seq, "counted").sku(sku).location("location", location).field("counted", counted)
            .field("previous", previous).end();
    }

    @Override
    public void transferShipped(final long seq, final CharSequence transferId, final int sku, final int from,
        final int to, final long quantity)
    {
        start(seq, "transfer_shipped").field("transfer_id", transferId).sku(sku).location("from", from)
            .location("to", to).field("quantity", quantity).end();
    }

    @Override
    public void transferReceived(final long seq, final CharSequence transferId, final int sku, final int to,
        final long quantity, final int bucket)
    {
        start(seq, "transfer_received").field("transfer_id", transferId).sku(sku).location("to", to)
            .field("quantity", quantity).field("bucket", Bucket.name(bucket)).end();
    }

    @Override
    public void keyBound(final long seq, final CharSequence key, final long fingerprint)
    {
        start(seq, "key_bound").field("key", key).field("fingerprint", fingerprint).end();
    }
}
