package io.stockengine.loadtest;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.stockengine.engine.OrderStatus;
import io.stockengine.engine.ResultCode;

/**
 * Reads an HTTP answer into an {@link Outcome}: the status and, for a problem, its {@code code} give the result;
 * the body is parsed only where a scenario or the reconciliation reads it (orders, stock, refusal lines).
 */
final class HttpAnswers
{
    private static final JsonFactory JSON = new JsonFactory();

    private HttpAnswers()
    {
    }

    static Outcome parse(final int kind, final int httpStatus, final ByteBuf body)
    {
        try
        {
            if (httpStatus >= 200 && httpStatus < 300)
            {
                switch (kind)
                {
                    case OpKind.RESERVE:
                    case OpKind.PICK:
                    case OpKind.SHIP:
                    case OpKind.CANCEL:
                    case OpKind.ORDER:
                        return order(body);
                    case OpKind.STOCK:
                        return stock(body);
                    default:
                        return Outcome.of(ResultCode.OK);
                }
            }
            return problem(body);
        }
        catch (final IOException | RuntimeException ex)
        {
            return Outcome.of(Codes.CLIENT_ERROR);
        }
    }

    private static JsonParser parser(final ByteBuf body) throws IOException
    {
        final JsonParser parser = JSON.createParser(ByteBufUtil.getBytes(body));
        if (parser.nextToken() != JsonToken.START_OBJECT)
        {
            throw new IOException("not a JSON object");
        }
        return parser;
    }

    private static Outcome order(final ByteBuf body) throws IOException
    {
        int status = OrderStatus.NONE;
        long expiresAt = 0;
        final List<Outcome.OrderLine> lines = new ArrayList<>(4);
        try (JsonParser p = parser(body))
        {
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String field = p.currentName();
                final JsonToken value = p.nextToken();
                switch (field)
                {
                    case "status" -> status = status(p.getText());
                    case "expires_at" -> expiresAt = value == JsonToken.VALUE_NULL ? 0 : millis(p.getText());
                    case "lines" -> orderLines(p, lines);
                    default -> p.skipChildren();
                }
            }
        }
        return Outcome.order(ResultCode.OK, status, expiresAt, lines);
    }

    private static void orderLines(final JsonParser p, final List<Outcome.OrderLine> lines) throws IOException
    {
        while (p.nextToken() == JsonToken.START_OBJECT)
        {
            String sku = null;
            String location = null;
            long quantity = 0;
            long reserved = 0;
            long picked = 0;
            long shipped = 0;
            long cancelled = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String field = p.currentName();
                final JsonToken value = p.nextToken();
                switch (field)
                {
                    case "sku" -> sku = p.getText();
                    case "location" -> location = value == JsonToken.VALUE_NULL ? null : p.getText();
                    case "quantity" -> quantity = p.getLongValue();
                    case "reserved" -> reserved = p.getLongValue();
                    case "picked" -> picked = p.getLongValue();
                    case "shipped" -> shipped = p.getLongValue();
                    case "cancelled" -> cancelled = p.getLongValue();
                    default -> p.skipChildren();
                }
            }
            lines.add(new Outcome.OrderLine(sku, location, quantity, reserved, picked, shipped, cancelled));
        }
    }

    private static Outcome stock(final ByteBuf body) throws IOException
    {
        final List<Outcome.StockRow> rows = new ArrayList<>(4);
        try (JsonParser p = parser(body))
        {
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String field = p.currentName();
                p.nextToken();
                if (!"locations".equals(field))
                {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT)
                {
                    String location = null;
                    final long[] v = new long[6];
                    while (p.nextToken() == JsonToken.FIELD_NAME)
                    {
                        final String name = p.currentName();
                        p.nextToken();
                        switch (name)
                        {
                            case "location" -> location = p.getText();
                            case "on_hand" -> v[0] = p.getLongValue();
                            case "sellable" -> v[1] = p.getLongValue();
                            case "reserved" -> v[2] = p.getLongValue();
                            case "picked" -> v[3] = p.getLongValue();
                            case "quality_control" -> v[4] = p.getLongValue();
                            case "damaged" -> v[5] = p.getLongValue();
                            default -> p.skipChildren();
                        }
                    }
                    rows.add(new Outcome.StockRow(location, v[0], v[1], v[2], v[3], v[4], v[5]));
                }
            }
        }
        return Outcome.stock(ResultCode.OK, rows);
    }

    private static Outcome problem(final ByteBuf body) throws IOException
    {
        int code = Codes.CLIENT_ERROR;
        List<Outcome.Shortfall> shortfalls = null;
        try (JsonParser p = parser(body))
        {
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String field = p.currentName();
                p.nextToken();
                if ("code".equals(field))
                {
                    final int engine = Codes.ofEngineName(p.getText());
                    code = engine >= 0 ? engine : Codes.CLIENT_ERROR;
                }
                else if ("lines".equals(field))
                {
                    shortfalls = shortfalls(p);
                }
                else
                {
                    p.skipChildren();
                }
            }
        }
        return shortfalls == null ? Outcome.of(code) : Outcome.refused(code, shortfalls);
    }

    private static List<Outcome.Shortfall> shortfalls(final JsonParser p) throws IOException
    {
        final List<Outcome.Shortfall> rows = new ArrayList<>(2);
        while (p.nextToken() == JsonToken.START_OBJECT)
        {
            String sku = null;
            String location = null;
            long requested = 0;
            long available = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String field = p.currentName();
                final JsonToken value = p.nextToken();
                switch (field)
                {
                    case "sku" -> sku = p.getText();
                    case "location" -> location = value == JsonToken.VALUE_NULL ? null : p.getText();
                    case "requested" -> requested = p.getLongValue();
                    case "available" -> available = p.getLongValue();
                    default -> p.skipChildren();
                }
            }
            rows.add(new Outcome.Shortfall(sku, location, requested, available));
        }
        return rows;
    }

    private static int status(final String name)
    {
        for (int status = OrderStatus.RESERVED; status <= OrderStatus.EXPIRED; status++)
        {
            if (OrderStatus.name(status).equals(name))
            {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown order status " + name);
    }

    private static long millis(final String time)
    {
        try
        {
            return Instant.parse(time).toEpochMilli();
        }
        catch (final DateTimeParseException ex)
        {
            throw new IllegalArgumentException("bad time " + time, ex);
        }
    }
}
