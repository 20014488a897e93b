package io.stockengine.gateway.http;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.stockengine.engine.Bucket;
import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.OrderStatus;
import io.stockengine.engine.Reason;
import io.stockengine.engine.ResultCode;

/**
 * Renders answers as JSON with Jackson's streaming generator straight into a pooled buffer: the engine's result in
 * the slot for successes, RFC 9457 problem+json for errors.
 */
final class Responses
{
    private static final JsonFactory FACTORY = new JsonFactory();
    /** The detail of every request refused once the journal has failed: what happened, and what it takes. */
    static final String STOPPING = "the server is stopping; nothing was applied. Retry once it is back: a request " +
        "with its Idempotency-Key (or order id) is applied once";
    static final String JOURNAL_STOPPED = "the journal stopped after a failure (the server's log says why), so " +
        "nothing more can be made durable: nothing of this request was applied, and nothing will be until the " +
        "server is restarted; a retry with the same Idempotency-Key or order id is safe then";

    /** The rendered status and body of one answer. */
    record Rendered(int status, ByteBuf body, boolean problem, boolean replayed, String allow)
    {
        Rendered(final int status, final ByteBuf body, final boolean problem, final boolean replayed)
        {
            this(status, body, problem, replayed, null);
        }
    }

    @FunctionalInterface
    interface Writer
    {
        void write(JsonGenerator json) throws IOException;
    }

    private Responses()
    {
    }

    /**
     * Renders into a pooled buffer that the caller owns on return. On any failure, a defect in a writer included,
     * the buffer goes back to the pool before the exception leaves: nobody else holds it.
     */
    private static ByteBuf render(final ByteBufAllocator alloc, final Writer writer)
    {
        final ByteBuf buffer = alloc.buffer(256);
        try (JsonGenerator json = FACTORY.createGenerator((java.io.OutputStream)new ByteBufOutputStream(buffer)))
        {
            writer.write(json);
        }
        catch (final IOException ex)
        {
            buffer.release();
            throw new UncheckedIOException(ex);
        }
        catch (final RuntimeException | Error ex)
        {
            buffer.release();
            throw ex;
        }
        return buffer;
    }

    static Rendered problem(final ByteBufAllocator alloc, final int status, final String code, final String field,
        final String detail, final Writer extra)
    {
        final ByteBuf body = render(alloc, json ->
        {
            json.writeStartObject();
            json.writeStringField("type", "urn:stockengine:problem:" + code.toLowerCase().replace('_', '-'));
            json.writeStringField("title", title(code));
            json.writeNumberField("status", status);
            json.writeStringField("code", code);
            json.writeStringField("detail", detail);
            if (field != null)
            {
                json.writeStringField("field", field);
            }
            if (extra != null)
            {
                extra.write(json);
            }
            json.writeEndObject();
        });
        return new Rendered(status, body, true, false);
    }

    static Rendered problem(final ByteBufAllocator alloc, final Problem problem)
    {
        final Rendered rendered =
            problem(alloc, problem.status(), problem.code(), problem.field(), problem.getMessage(), null);
        return problem.allow == null ? rendered :
            new Rendered(rendered.status(), rendered.body(), true, false, problem.allow);
    }

    private static String title(final String code)
    {
        switch (code)
        {
            case "INVALID_REQUEST": return "The request is not valid";
            case "NOT_FOUND": return "No such resource";
            case "INSUFFICIENT_STOCK": return "Not enough stock";
            case "INVALID_TRANSITION": return "Not allowed in the current state";
            case "PAYLOAD_TOO_LARGE": return "The body is too large";
            case "IDEMPOTENCY_CONFLICT": return "The key was used with a different request";
            case "OVERLOADED": return "The engine is overloaded; retry later";
            case "UNAVAILABLE": return "The engine cannot take commands now";
            case "HEADERS_TOO_LARGE": return "The request headers are too large";
            case "URI_TOO_LONG": return "The request line is too long";
            case "REQUEST_TIMEOUT": return "The request did not arrive in time";
            case "SNAPSHOTS_OFF": return "The server keeps no snapshots";
            case "NOTHING_JOURNALED": return "Nothing to snapshot yet";
            case "SNAPSHOT_FAILED": return "The snapshot could not be written";
            case "HTTP_VERSION_NOT_SUPPORTED": return "The HTTP version is not supported";
            case "METHOD_NOT_ALLOWED": return "Method not allowed";
            case "UNSUPPORTED_MEDIA_TYPE": return "The body is not JSON";
            default: return "Internal error";
        }
    }

    /** Renders the engine's answer to a command: success bodies per kind, or the problem for its result code. */
    static Rendered answer(final ByteBufAllocator alloc, final Command c, final Command request)
    {
        switch (c.result)
        {
            case ResultCode.OK:
                return success(alloc, c, request);
            case ResultCode.INSUFFICIENT_STOCK:
                return problem(alloc, 409, "INSUFFICIENT_STOCK", null, shortfallDetail(c), json -> shortfall(json, c));
            case ResultCode.INVALID_TRANSITION:
                return isOrderAction(request.type) ?
                    problem(alloc, 409, "INVALID_TRANSITION", c.field, orderTransitionDetail(c, request),
                        json -> json.writeStringField("order_status", OrderStatus.name(c.status))) :
                    request.type == CommandType.COUNT && c.rowCount == 1 ?
                    problem(alloc, 409, "INVALID_TRANSITION", null, countDetail(c, request),
                        json -> json.writeNumberField("sellable",
                            c.value(0, Command.COUNT_FIELDS, Command.COUNT_PREVIOUS))) :
                    request.type == CommandType.TRANSFER_IN && c.rowCount == 1 ?
                    problem(alloc, 409, "INVALID_TRANSITION", c.field,
                        transferInDetail(c, request), json -> json.writeNumberField("in_transit",
                            c.value(0, Command.TRANSFER_FIELDS, 1))) :
                    problem(alloc, 409, "INVALID_TRANSITION", c.field, transitionDetail(request), null);
            case ResultCode.NOT_FOUND:
                return problem(alloc, 404, "NOT_FOUND", null, notFoundDetail(request), null);
            case ResultCode.IDEMPOTENCY_CONFLICT:
                return problem(alloc, 422, "IDEMPOTENCY_CONFLICT", request.type == CommandType.RESERVE ? "order_id" :
                    "Idempotency-Key", "this " + (request.type == CommandType.RESERVE ? "order id" : "Idempotency-Key") +
                    " was already used with a different request", null);
            case ResultCode.INVALID_REQUEST:
                return problem(alloc, 400, "INVALID_REQUEST", c.field, invalidDetail(c, request), null);
            case ResultCode.OVERLOADED:
                return problem(alloc, 503, "OVERLOADED", null, "the engine is overloaded: its ring is full, or the " +
                    "answers it has in hand hold as many rows as it keeps at once; nothing was applied", null);
            case ResultCode.UNAVAILABLE:
                return problem(alloc, 503, "UNAVAILABLE", null, JOURNAL_STOPPED, null);
            default:
                return problem(alloc, 500, "INTERNAL_ERROR", null,
                    "the command failed inside the engine; whether it applied is unknown", null);
        }
    }

    private static String shortfallDetail(final Command c)
    {
        return c.rowCount == 1 ? "not enough stock for " + c.rowSku[0] :
            "not enough stock for " + c.rowCount + " lines";
    }

    private static boolean isOrderAction(final int type)
    {
        return type == CommandType.PICK || type == CommandType.SHIP || type == CommandType.CANCEL ||
            type == CommandType.RETURN;
    }

    /** Names the order's status (the engine sends it with the refusal) and, where the state allows the action, why. */
    static String orderTransitionDetail(final Command c, final Command request)
    {
        final String status = OrderStatus.name(c.status);
        final String order = "order " + request.orderId + " is " + status;
        // The engine names the asked line it refused (field); without one, a return's line went into a kit.
        final String line = c.field == null ? "a line" : c.field;
        if (request.type == CommandType.RETURN)
        {
            return c.field == null ? order + ": a line would put units into a SKU defined as a kit since they " +
                "shipped" : order + ": " + line + " returns more than was shipped and not yet returned, or names no " +
                "line of the order";
        }
        final String done = request.type == CommandType.PICK ? "picked" :
            request.type == CommandType.SHIP ? "shipped" : "cancelled";
        if (request.lineCount == 0 || OrderStatus.isFinished(c.status))
        {
            return order + " and can no longer be " + done;
        }
        return order + ": " + line + " asks for more than the order holds to be " + done + ", or names no line " +
            "of the order";
    }

    /** A counter whose expectation was overtaken needs the number to count against again. */
    private static String countDetail(final Command c, final Command request)
    {
        return "sellable of " + request.sku + " at " + request.location + " is " +
            c.value(0, Command.COUNT_FIELDS, Command.COUNT_PREVIOUS) + ", not the expected " + request.quantity2 +
            ": nothing was changed";
    }

    private static String transitionDetail(final Command request)
    {
        switch (request.type)
        {
            case CommandType.COUNT: return "sellable no longer equals the expected count";
            case CommandType.TRANSFER_OUT: return "transfer id " + request.reference + " was already used (GET " +
                "/v1/transfers/" + request.reference + " shows that transfer); a new transfer needs a new id";
            default: return "more than is still in transit, or nothing is left in transit";
        }
    }

    /** A receipt of a transfer that asks for more than is left: the numbers the clerk needs to put it right. */
    private static String transferInDetail(final Command c, final Command request)
    {
        final long sent = c.value(0, Command.TRANSFER_FIELDS, 0);
        final long inTransit = c.value(0, Command.TRANSFER_FIELDS, 1);
        final long received = c.value(0, Command.TRANSFER_FIELDS, 2);
        final String numbers = " (" + sent + " sent, " + received + " received)";
        return inTransit == 0 ? "transfer " + request.reference + " has nothing left in transit" + numbers :
            "transfer " + request.reference + " has " + inTransit + " in transit" + numbers + ": receiving " +
            request.quantity + " is more than that";
    }

    private static String notFoundDetail(final Command request)
    {
        if (request.type == CommandType.QUERY_KIT)
        {
            return request.sku + " is not a kit (PUT /v1/kits/" + request.sku + " defines one)";
        }
        // A finished order is kept for the dedup window and up to --finished-order-capacity: a return weeks later
        // finds it gone, which "no order" alone would leave a warehouse wondering about.
        return request.type == CommandType.TRANSFER_IN || request.type == CommandType.QUERY_TRANSFER ?
            "no transfer " + request.reference : "no order " + request.orderId + " (never reserved here, or " +
            "finished before the engine's dedup window, or beyond the finished orders it keeps, and forgotten)";
    }

    /** What the engine's own checks refused (the gateway's checks have their own messages): kits, mostly. */
    private static String invalidDetail(final Command c, final Command request)
    {
        if ("sku".equals(c.field) && request.type == CommandType.QUERY_AVAILABILITY)
        {
            return "the answer would hold more than " + Command.MAX_AVAILABILITY_ROWS + " location rows (a row for " +
                "each SKU asked at each location the channel sources from that holds it): ask for fewer SKUs at a time";
        }
        if ("sku".equals(c.field))
        {
            return request.type == CommandType.DEFINE_KIT ? "this SKU cannot become a kit: it holds, expects or has " +
                "in transit stock, has a safety stock or a ring-fence, or is a component of a kit" :
                "this SKU is a kit, which has no stock of its own (its components do)";
        }
        if ("components".equals(c.field))
        {
            return "a component may not be the kit itself, another kit, or listed twice";
        }
        if ("allocations".equals(c.field))
        {
            return "an allocation names a kit, which has no stock to fence";
        }
        if ("unit_cost".equals(c.field))
        {
            return "the receipt is worth more (quantity x unit_cost) than 9223372036854.775807, the largest value " +
                "the journal's consumers can book";
        }
        return c.field + " is not acceptable here";
    }

    private static void shortfall(final JsonGenerator json, final Command c) throws IOException
    {
        json.writeArrayFieldStart("lines");
        for (int row = 0; row < c.rowCount; row++)
        {
            json.writeStartObject();
            json.writeStringField("sku", c.rowSku[row]);
            json.writeStringField("location", c.rowLocation[row]);
            json.writeNumberField("requested", c.value(row, Command.SHORTFALL_FIELDS, Command.SHORTFALL_REQUESTED));
            json.writeNumberField("available", c.value(row, Command.SHORTFALL_FIELDS, Command.SHORTFALL_AVAILABLE));
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static Rendered success(final ByteBufAllocator alloc, final Command c, final Command request)
    {
        final int status;
        final ByteBuf body;
        switch (request.type)
        {
            case CommandType.RESERVE:
                status = 201;
                body = render(alloc, json -> order(json, c, request.orderId));
                break;
            case CommandType.PICK:
            case CommandType.SHIP:
            case CommandType.CANCEL:
            case CommandType.RETURN:
            case CommandType.QUERY_ORDER:
                status = 200;
                body = render(alloc, json -> order(json, c, request.orderId));
                break;
            case CommandType.QUERY_STOCK:
            case CommandType.QUERY_STOCK_AT:
                status = 200;
                body = render(alloc, json -> stock(json, c, request.sku));
                break;
            case CommandType.QUERY_AVAILABILITY:
                status = 200;
                body = render(alloc, json -> availability(json, c, request));
                break;
            case CommandType.QUERY_TRANSFER:
            case CommandType.TRANSFER_OUT:
            case CommandType.TRANSFER_IN:
                status = request.type == CommandType.QUERY_TRANSFER ? 200 : 201;
                body = render(alloc, json -> transfer(json, c, request));
                break;
            case CommandType.QUERY_CHANNEL:
            case CommandType.CONFIGURE_CHANNEL:
                status = 200;
                body = render(alloc, json -> channel(json, c, request));
                break;
            case CommandType.QUERY_KIT:
                status = 200;
                body = render(alloc, json -> kit(json, c, request.sku));
                break;
            default:
                status = CommandType.SET_SAFETY_STOCK == request.type || CommandType.DEFINE_KIT == request.type ? 200 : 201;
                body = render(alloc, json -> echo(json, c, request));
                break;
        }
        return new Rendered(status, body, false, c.replayed);
    }

    private static void order(final JsonGenerator json, final Command c, final String orderId) throws IOException
    {
        json.writeStartObject();
        json.writeStringField("order_id", orderId);
        json.writeStringField("status", OrderStatus.name(c.status));
        json.writeNumberField("seq", c.seq);
        json.writeStringField("channel", c.outName);
        if (c.outTime > 0)
        {
            json.writeStringField("expires_at", Validation.formatTime(c.outTime));
        }
        else
        {
            json.writeNullField("expires_at");
        }
        json.writeArrayFieldStart("lines");
        for (int row = 0; row < c.rowCount; row++)
        {
            json.writeStartObject();
            json.writeStringField("sku", c.rowSku[row]);
            json.writeStringField("location", c.rowLocation[row]);
            json.writeNumberField("quantity", c.value(row, Command.LINE_FIELDS, Command.LINE_QUANTITY));
            json.writeNumberField("reserved", c.value(row, Command.LINE_FIELDS, Command.LINE_RESERVED));
            json.writeNumberField("picked", c.value(row, Command.LINE_FIELDS, Command.LINE_PICKED));
            json.writeNumberField("shipped", c.value(row, Command.LINE_FIELDS, Command.LINE_SHIPPED));
            json.writeNumberField("returned", c.value(row, Command.LINE_FIELDS, Command.LINE_RETURNED));
            json.writeNumberField("cancelled", c.value(row, Command.LINE_FIELDS, Command.LINE_CANCELLED));
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static final String[] STOCK_NAMES = { "on_hand", "available", "sellable", "reserved", "picked",
        "committed", "quality_control", "damaged", "safety_stock", "incoming", "in_transit" };

    private static void stock(final JsonGenerator json, final Command c, final String sku) throws IOException
    {
        final long[] totals = new long[Command.STOCK_FIELDS];
        json.writeStartObject();
        json.writeStringField("sku", sku);
        json.writeArrayFieldStart("locations");
        for (int row = 0; row < c.rowCount; row++)
        {
            json.writeStartObject();
            json.writeStringField("location", c.rowLocation[row]);
            for (int f = 0; f < Command.STOCK_FIELDS; f++)
            {
                final long value = c.value(row, Command.STOCK_FIELDS, f);
                json.writeNumberField(STOCK_NAMES[f], value);
                totals[f] += value;
            }
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeObjectFieldStart("totals");
        for (int f = 0; f < Command.STOCK_FIELDS; f++)
        {
            json.writeNumberField(STOCK_NAMES[f], totals[f]);
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void availability(final JsonGenerator json, final Command c, final Command request)
        throws IOException
    {
        json.writeStartObject();
        json.writeStringField("channel", request.channel);
        if (request.flag)
        {
            json.writeStringField("at", Validation.formatTime(request.time));
        }
        json.writeNumberField("seq", c.seq);
        json.writeArrayFieldStart("items");
        for (int item = 0; item < request.lineCount; item++)
        {
            json.writeStartObject();
            json.writeStringField("sku", request.lineSku[item]);
            json.writeNumberField("available", c.itemTotals[item]);
            json.writeArrayFieldStart("locations");
            for (int row = 0; row < c.rowCount; row++)
            {
                if (c.value(row, Command.AVAILABILITY_FIELDS, Command.AVAILABILITY_ITEM) == item)
                {
                    json.writeStartObject();
                    json.writeStringField("location", c.rowLocation[row]);
                    json.writeNumberField("available",
                        c.value(row, Command.AVAILABILITY_FIELDS, Command.AVAILABILITY_QUANTITY));
                    json.writeEndObject();
                }
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void transfer(final JsonGenerator json, final Command c, final Command request)
        throws IOException
    {
        json.writeStartObject();
        json.writeStringField("transfer_id", request.reference);
        json.writeStringField("sku", c.outName);
        json.writeStringField("from", c.outName2);
        json.writeStringField("to", c.outName3);
        json.writeNumberField("quantity", c.rowValues[0]);
        json.writeNumberField("in_transit", c.rowValues[1]);
        json.writeNumberField("received", c.rowValues[2]);
        if (request.type != CommandType.QUERY_TRANSFER)
        {
            json.writeNumberField("seq", c.seq);
        }
        json.writeEndObject();
    }

    /** A sale's line or a kit's component. */
    private static void skuQuantity(final JsonGenerator json, final String sku, final long quantity) throws IOException
    {
        json.writeStartObject();
        json.writeStringField("sku", sku);
        json.writeNumberField("quantity", quantity);
        json.writeEndObject();
    }

    /** The kit as PUT defined it, without the seq (a read answers no event of its own). */
    private static void kit(final JsonGenerator json, final Command c, final String sku) throws IOException
    {
        json.writeStartObject();
        json.writeStringField("sku", sku);
        json.writeArrayFieldStart("components");
        for (int row = 0; row < c.rowCount; row++)
        {
            skuQuantity(json, c.rowSku[row], c.rowValues[row]);
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void channel(final JsonGenerator json, final Command c, final Command request) throws IOException
    {
        json.writeStartObject();
        json.writeStringField("channel", request.channel);
        if (request.type == CommandType.CONFIGURE_CHANNEL)
        {
            json.writeNumberField("buffer", request.quantity);
            json.writeArrayFieldStart("locations");
            for (int i = 0; i < request.quantity2; i++)
            {
                json.writeString(request.lineLocation[i]);
            }
            json.writeEndArray();
            json.writeArrayFieldStart("allocations");
            for (int i = (int)request.quantity2; i < request.lineCount; i++)
            {
                json.writeStartObject();
                json.writeStringField("sku", request.lineSku[i]);
                json.writeStringField("location", request.lineLocation[i]);
                json.writeNumberField("quantity", request.lineQuantity[i]);
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeNumberField("seq", c.seq);
        }
        else
        {
            json.writeNumberField("buffer", c.outTime);
            json.writeArrayFieldStart("locations");
            for (int row = 0; row < c.status; row++)
            {
                json.writeString(c.rowLocation[row]);
            }
            json.writeEndArray();
            json.writeArrayFieldStart("allocations");
            for (int row = c.status; row < c.rowCount; row++)
            {
                json.writeStartObject();
                json.writeStringField("sku", c.rowSku[row]);
                json.writeStringField("location", c.rowLocation[row]);
                json.writeNumberField("quantity", c.itemTotals[row]);
                json.writeNumberField("unused", c.rowValues[row]);
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    /** Movements and policies answer with what was asked, normalised, and the seq of the last event. */
    private static void echo(final JsonGenerator json, final Command c, final Command r) throws IOException
    {
        json.writeStartObject();
        switch (r.type)
        {
            case CommandType.SALE -> {
                json.writeStringField("channel", r.channel);
                json.writeStringField("location", r.location);
                json.writeArrayFieldStart("lines");
                for (int i = 0; i < r.lineCount; i++)
                {
                    skuQuantity(json, r.lineSku[i], r.lineQuantity[i]);
                }
                json.writeEndArray();
            }
            case CommandType.RECEIVE -> {
                skuLocation(json, r);
                json.writeNumberField("quantity", r.quantity);
                json.writeStringField("unit_cost", Validation.formatMoney(r.amount));
                json.writeStringField("purchase_order", r.reference);
                json.writeBooleanField("inspect", r.flag);
            }
            case CommandType.INSPECT -> {
                skuLocation(json, r);
                json.writeNumberField("passed", r.quantity);
                json.writeNumberField("failed", r.quantity2);
            }
            case CommandType.MOVE -> {
                skuLocation(json, r);
                json.writeNumberField("quantity", r.quantity);
                json.writeStringField("from", Bucket.name(r.bucket));
                json.writeStringField("to", Bucket.name(r.bucket2));
                json.writeStringField("reason", r.reason == 0 ? null : Reason.name(r.reason));
            }
            case CommandType.ADJUST -> {
                skuLocation(json, r);
                json.writeNumberField("delta", r.quantity);
                json.writeStringField("bucket", Bucket.name(r.bucket));
                json.writeStringField("reason", Reason.name(r.reason));
            }
            case CommandType.COUNT -> {
                skuLocation(json, r);
                json.writeNumberField("counted", r.quantity);
                if (r.flag)
                {
                    json.writeNumberField("expected", r.quantity2);
                }
                if (c.rowCount == 1)
                {
                    json.writeNumberField("previous", c.value(0, Command.COUNT_FIELDS, Command.COUNT_PREVIOUS));
                    json.writeNumberField("variance", c.value(0, Command.COUNT_FIELDS, Command.COUNT_VARIANCE));
                }
            }
            case CommandType.ANNOUNCE_INCOMING -> {
                json.writeStringField("purchase_order", r.reference);
                skuLocation(json, r);
                json.writeNumberField("quantity", r.quantity);
                json.writeStringField("expected_at", Validation.formatTime(r.time));
                json.writeStringField("unit_cost", Validation.formatMoney(r.amount));
            }
            case CommandType.SET_SAFETY_STOCK -> {
                skuLocation(json, r);
                json.writeNumberField("quantity", r.quantity);
            }
            case CommandType.DEFINE_KIT -> {
                json.writeStringField("sku", r.sku);
                json.writeArrayFieldStart("components");
                for (int i = 0; i < r.lineCount; i++)
                {
                    skuQuantity(json, r.lineSku[i], r.lineQuantity[i]);
                }
                json.writeEndArray();
            }
            default -> {
            }
        }
        json.writeNumberField("seq", c.seq);
        json.writeEndObject();
    }

    private static void skuLocation(final JsonGenerator json, final Command r) throws IOException
    {
        json.writeStringField("sku", r.sku);
        json.writeStringField("location", r.location);
    }

    /** A small JSON object built on the IO thread (health, errors of the HTTP layer itself). */
    static ByteBuf json(final ByteBufAllocator alloc, final Writer writer)
    {
        return render(alloc, writer);
    }
}
