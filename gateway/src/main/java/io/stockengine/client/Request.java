package io.stockengine.client;

import java.util.concurrent.CompletableFuture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.stockengine.engine.CommandType;
import io.stockengine.gateway.binary.CommandDescriptor;
import io.stockengine.gateway.binary.CommandEncoder;
import io.stockengine.gateway.binary.FieldNames;

/**
 * One command of the client: its inputs (kept, so it can be sent again on a new connection), and its own future,
 * which is the object the caller gets back (one allocation less per command). It is also the task that carries it
 * onto the client's event loop.
 * <p>
 * Inputs are written by the calling thread before {@link ClientSession#submit} hands the request to the event loop
 * (which publishes them safely); the session fields belong to the event loop.
 */
final class Request extends CompletableFuture<CommandResult> implements Runnable
{
    static final long UNSENT = -1;
    private static final Line[] NO_LINES = new Line[0];

    final ClientSession session;
    final int type;
    String key;
    String orderId;
    String channel;
    String sku;
    String location;
    String location2;
    String reference;
    long quantity;
    long quantity2;
    long amount;
    long time;
    int bucket;
    int bucket2;
    int reason;
    boolean flag;
    Line[] lines = NO_LINES;

    // Event loop only.
    long correlationId;
    /** The batch that carried it on the current connection, or {@link #UNSENT}. */
    long batch = UNSENT;
    /**
     * Written to an earlier connection, which dropped before the answer came: the server may have applied it, so a
     * timeout while it waits to be resent leaves its outcome unknown, as for one in flight.
     */
    boolean sentBefore;
    long deadlineNanos;

    Request(final ClientSession session, final int type)
    {
        this.session = session;
        this.type = type;
    }

    Request lines(final Line[] lines)
    {
        // A copy: the lines are encoded later on the event loop, and again at every resend, so a caller that reuses
        // its array must not change what goes out under the same order id or key.
        this.lines = lines == null ? NO_LINES : lines.clone();
        return this;
    }

    @Override
    public void run()
    {
        session.submit(this);
    }

    /**
     * A command that may be sent again after the connection dropped with it in flight: one the engine
     * deduplicates (an idempotency key or an order id), a query, which changes nothing, or a policy, which sets
     * what it sets however often it is applied (the same safety stock, the same kit components; the same channel
     * configuration again is a no-op by design, so its fences are not refilled).
     */
    boolean safeToRetry()
    {
        return key != null || orderId != null || CommandType.isQuery(type) || type == CommandType.SET_SAFETY_STOCK ||
            type == CommandType.CONFIGURE_CHANNEL || type == CommandType.DEFINE_KIT;
    }

    private static boolean isEmpty(final String value)
    {
        return value != null && value.isEmpty();
    }

    /**
     * Appends the command message at the buffer's writer index.
     *
     * @return null, or the field the layout cannot carry (the caller drops what was written).
     */
    String encode(final CommandEncoder encoder, final ByteBuf buffer)
    {
        if ((bucket & ~0xFF) != 0)
        {
            return type == CommandType.MOVE ? "from" : "bucket";
        }
        if ((bucket2 & ~0xFF) != 0)
        {
            return "to";
        }
        if ((reason & ~0xFF) != 0)
        {
            return "reason";
        }
        // The wire has no empty string (a count of 0 is "absent"): an empty key would go out as none, and an empty
        // location as "let the engine choose", where HTTP refuses both (a tester). Refused here the same way.
        final int empty = isEmpty(key) ? CommandDescriptor.KEY : isEmpty(orderId) ? CommandDescriptor.ORDER_ID :
            isEmpty(channel) ? CommandDescriptor.CHANNEL : isEmpty(sku) ? CommandDescriptor.SKU :
            isEmpty(location) ? CommandDescriptor.LOCATION : isEmpty(location2) ? CommandDescriptor.LOCATION2 :
            isEmpty(reference) ? CommandDescriptor.REFERENCE : -1;
        if (empty >= 0)
        {
            return FieldNames.stringField(type, empty);
        }
        for (int i = 0; i < lines.length; i++)
        {
            if (lines[i] != null && (isEmpty(lines[i].sku()) || isEmpty(lines[i].location())))
            {
                return FieldNames.lineField(type, quantity2, i,
                    isEmpty(lines[i].sku()) ? FieldNames.PART_SKU : FieldNames.PART_LOCATION);
            }
        }
        encoder.begin(buffer, type, correlationId).flag(flag).quantity(quantity).quantity2(quantity2).amount(amount)
            .time(time).bucket(bucket).bucket2(bucket2).reason(reason);
        final int slot = encoder.strings(key, orderId, channel, sku, location, location2, reference);
        if (slot >= 0)
        {
            return FieldNames.stringField(type, slot);
        }
        for (int i = 0; i < lines.length; i++)
        {
            final Line line = lines[i];
            if (line == null)
            {
                return FieldNames.wholeLine(type, quantity2, i);
            }
            if (!encoder.line(line.sku(), line.location(), line.quantity()))
            {
                return i >= CommandDescriptor.MAX_LINE_COUNT ? FieldNames.countField(type) :
                    FieldNames.lineField(type, quantity2, i,
                    line.sku() != null && ByteBufUtil.utf8Bytes(line.sku()) > CommandDescriptor.MAX_STRING_BYTES ?
                    FieldNames.PART_SKU : FieldNames.PART_LOCATION);
            }
        }
        encoder.end();
        return null;
    }
}
