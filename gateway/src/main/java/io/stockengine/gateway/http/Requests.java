package io.stockengine.gateway.http;

import java.util.List;

import io.stockengine.engine.Bucket;
import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.Reason;

/**
 * Turns each API.md request into the inputs of a {@link Command}, validating every field on the IO thread, so the
 * engine only ever sees well-formed commands. Allocates freely: this is the IO side, not the logic thread.
 */
final class Requests
{
    static final int MAX_KIT_COMPONENTS = 32;

    private Requests()
    {
    }

    private static Command command(final int type)
    {
        final Command c = new Command();
        c.type = type;
        return c;
    }

    // ---- orders ----

    static Command reserve(final String orderId, final JsonBody body)
    {
        final Command c = command(CommandType.RESERVE);
        c.orderId = Validation.id("order_id", orderId, Validation.ID_MAX);
        boolean hasLines = false;
        while (body.nextField("body"))
        {
            switch (body.name())
            {
                case "channel" -> c.channel = Validation.id("channel", body.string(), Validation.CHANNEL_MAX);
                // null is "none", as answers write it (expires_at), for the optional fields that mean a choice.
                case "ttl_seconds" -> c.time = body.isNull() ? 0 : body.integer(1, Validation.TTL_MAX_SECONDS) * 1000;
                case "lines" ->
                {
                    lines(body, c, true, true);
                    hasLines = true;
                }
                default -> throw body.unknown();
            }
        }
        body.end();
        require(c.channel != null, "channel");
        require(hasLines, "lines");
        return c;
    }

    /** Order lines: {sku, quantity, location?}; locations may be required or refused by the caller. */
    static void lines(final JsonBody body, final Command c, final boolean locationAllowed, final boolean movement)
    {
        body.array();
        int index = 0;
        while (body.nextElement("lines"))
        {
            final String at = "lines[" + index + "]";
            body.object(at);
            String sku = null;
            String location = null;
            long quantity = -1;
            while (body.nextField(at))
            {
                switch (body.name())
                {
                    case "sku" -> sku = Validation.id(at + ".sku", body.string(), Validation.SKU_MAX);
                    case "quantity" -> quantity = body.integer(movement ? 1 : 0, Validation.MOVEMENT_MAX);
                    case "location" ->
                    {
                        if (!locationAllowed)
                        {
                            throw body.unknown();
                        }
                        location = body.isNull() ? null :
                            Validation.id(at + ".location", body.string(), Validation.LOCATION_MAX);
                    }
                    default -> throw body.unknown();
                }
            }
            require(sku != null, at + ".sku");
            require(quantity >= 0, at + ".quantity");
            if (++index > Validation.LINES_MAX)
            {
                throw Problem.invalid("lines", "an order has at most " + Validation.LINES_MAX + " lines");
            }
            c.line(sku, location, quantity);
        }
        if (index == 0)
        {
            throw Problem.invalid("lines", "lines must hold at least one line");
        }
    }

    /** pick / ship / cancel: the whole order (no body, {} or no lines) or some lines (then with a key). */
    static Command orderAction(final int type, final String orderId, final JsonBody body, final String key)
    {
        final Command c = command(type);
        c.orderId = Validation.id("order_id", orderId, Validation.ID_MAX);
        c.key = key == null ? null : Validation.id("Idempotency-Key", key, Validation.ID_MAX);
        if (body != null)
        {
            while (body.nextField("body"))
            {
                if (!"lines".equals(body.name()))
                {
                    throw body.unknown();
                }
                // Optional, so null is as if left out (the whole order), as every other optional member's is.
                if (!body.isNull())
                {
                    lines(body, c, true, true);
                }
            }
            body.end();
        }
        if (c.lineCount > 0 && c.key == null)
        {
            throw Problem.invalid("Idempotency-Key", "an order action with lines needs an Idempotency-Key header");
        }
        return c;
    }

    static Command orderReturn(final String orderId, final JsonBody body, final String key)
    {
        final Command c = command(CommandType.RETURN);
        c.orderId = Validation.id("order_id", orderId, Validation.ID_MAX);
        c.key = requireKey(key);
        c.flag = true;
        while (body.nextField("body"))
        {
            switch (body.name())
            {
                case "lines" -> lines(body, c, true, true);
                case "inspect" -> c.flag = body.isNull() || body.bool();
                default -> throw body.unknown();
            }
        }
        body.end();
        require(c.lineCount > 0, "lines");
        return c;
    }

    static String requireKey(final String key)
    {
        if (key == null)
        {
            throw Problem.invalid("Idempotency-Key", "this request needs an Idempotency-Key header");
        }
        return Validation.id("Idempotency-Key", key, Validation.ID_MAX);
    }

    // ---- movements ----

    static Command sale(final JsonBody body, final String key)
    {
        final Command c = command(CommandType.SALE);
        c.key = requireKey(key);
        while (body.nextField("body"))
        {
            switch (body.name())
            {
                case "channel" -> c.channel = Validation.id("channel", body.string(), Validation.CHANNEL_MAX);
                case "location" -> c.location = Validation.id("location", body.string(), Validation.LOCATION_MAX);
                case "lines" -> lines(body, c, false, true);
                default -> throw body.unknown();
            }
        }
        body.end();
        require(c.channel != null, "channel");
        require(c.location != null, "location");
        require(c.lineCount > 0, "lines");
        return c;
    }

    static Command receipt(final JsonBody body, final String key)
    {
        final Command c = command(CommandType.RECEIVE);
        c.key = requireKey(key);
        c.amount = -1;
        c.quantity = -1;
        while (body.nextField("body"))
        {
            switch (body.name())
            {
                case "sku" -> c.sku = Validation.id("sku", body.string(), Validation.SKU_MAX);
                case "location" -> c.location = Validation.id("location", body.string(), Validation.LOCATION_MAX);
                case "quantity" -> c.quantity = body.integer(1, Validation.MOVEMENT_MAX);
                case "unit_cost" -> c.amount = Validation.money("unit_cost", body.decimal());
                case "purchase_order" -> c.reference = body.isNull() ? null :
                    Validation.id("purchase_order", body.string(), Validation.ID_MAX);
                case "inspect" -> c.flag = !body.isNull() && body.bool();
                default -> throw body.unknown();
            }
        }
        body.end();
        requireSkuLocation(c);
        require(c.quantity > 0, "quantity");
        require(c.amount >= 0, "unit_cost");
        return c;
    }

    static Command inspection(final JsonBody body, final String key)
    {
        final Command c = command(CommandType.INSPECT);
        c.key = requireKey(key);
        while (body.nextField("body"))
        {
            switch (body.name())
            {
                case "sku" -> c.sku = Validation.id("sku", body.string(), Validation.SKU_MAX);
                case "location" -> c.location = Validation.id("location", body.string(), Validation.LOCATION_MAX);
                case "passed" -> c.quantity = body.integer(0, Validation.MOVEMENT_MAX);
                case "failed" -> c.quantity2 = body.integer(0, Validation.MOVEMENT_MAX);
                default -> throw body.unknown();
            }
        }
        body.end();
        requireSkuLocation(c);
        if (c.quantity + c.quantity2 < 1)
        {
            throw Problem.invalid("passed", "passed and failed together must be at least 1");
        }
        return c;
    }

    private static int bucket(final JsonBody body, final String field)
    {
        final int bucket = Bucket.parse(body.string());
        if (!Bucket.isFree(bucket))
        {
            throw Problem.invalid(field, field + " must be sellable, quality_control or damaged");
        }
        return bucket;
    }

    static Command move(final JsonBody body, final String key)
    {
        final Command c = command(CommandType.MOVE);
        c.key = requireKey(key);
        c.bucket = -1;
        c.bucket2 = -1;
        c.quantity = -1;
        while (body.nextField("body"))
        {
            switch (body.name())
            {
                case "sku" -> c.sku = Validation.id("sku", body.string(), Validation.SKU_MAX);
                case "location" -> c.location = Validation.id("location", body.string(), Validation.LOCATION_MAX);
                case "quantity" -> c.quantity = body.integer(1, Validation.MOVEMENT_MAX);
                case "from" -> c.bucket = bucket(body, "from");
                case "to" -> c.bucket2 = bucket(body, "to");
                case "reason" -> c.reason = body.isNull() ? Reason.NONE : reason(body, "reason");
                default -> throw body.unknown();
            }
        }
        body.end();
        requireSkuLocation(c);
        require(c.quantity > 0, "quantity");
        require(c.bucket >= 0, "from");
        require(c.bucket2 >= 0, "to");
        if (c.bucket == c.bucket2)
        {
            throw Problem.invalid("to", "from and to must be different buckets");
        }
        return c;
    }

    private static int reason(final JsonBody body, final String field)
    {
        final int reason = Reason.parse(body.string());
        if (reason <= 0)
        {
            throw Problem.invalid(field, field + " must be one of lost, found, theft, correction, write_off, damage, " +
                "regrade");
        }
        return reason;
    }

    static Command adjustment(final JsonBody body, final String key)
    {
        final Command c = command(CommandType.ADJUST);
        c.key = requireKey(key);
        c.bucket = Bucket.SELLABLE;
        c.reason = -1;
        while (body.nextField("body"))
        {
            switch (body.name())
            {
                case "sku" -> c.sku = Validation.id("sku", body.string(), Validation.SKU_MAX);
                case "location" -> c.location = Validation.id("location", body.string(), Validation.LOCATION_MAX);
                case "delta" -> c.quantity = body.integer(-Validation.MOVEMENT_MAX, Validation.MOVEMENT_MAX);
                case "bucket" -> c.bucket = body.isNull() ? Bucket.SELLABLE : bucket(body, "bucket");
                case "reason" ->
                {
                    c.reason = reason(body, "reason");
                    if (c.reason > Reason.WRITE_OFF)
                    {
                        throw Problem.invalid("reason", "reason must be one of lost, found, theft, correction, write_off");
                    }
                }
                default -> throw body.unknown();
            }
        }
        body.end();
        requireSkuLocation(c);
        if (c.quantity == 0)
        {
            throw Problem.invalid("delta", "delta must be a non-zero integer");
        }
        require(c.reason > 0, "reason");
        return c;
    }

    static Command count(final JsonBody body, final String key)
    {
        final Command c = command(CommandType.COUNT);
        c.key = requireKey(key);
        c.quantity = -1;
        while (body.nextField("body"))
        {
            switch (body.name())
            {
                case "sku" -> c.sku = Validation.id("sku", body.string(), Validation.SKU_MAX);
                case "location" -> c.location = Validation.id("location", body.string(), Validation.LOCATION_MAX);
                case "counted" -> c.quantity = body.integer(0, Validation.MOVEMENT_MAX);
                case "expected" ->
                {
                    c.flag = !body.isNull();
                    c.quantity2 = c.flag ? body.integer(0, Validation.MOVEMENT_MAX) : 0;
                }
                default -> throw body.unknown();
            }
        }
        body.end();
        requireSkuLocation(c);
        require(c.quantity >= 0, "counted");
        return c;
    }

    static Command incoming(final JsonBody body, final String key)
    {
        final Command c = command(CommandType.ANNOUNCE_INCOMING);
        c.key = requireKey(key);
        c.quantity = -1;
        c.amount = -1;
        c.time = Long.MIN_VALUE;
        while (body.nextField("body"))
        {
            switch (body.name())
            {
                case "purchase_order" -> c.reference = Validation.id("purchase_order", body.string(), Validation.ID_MAX);
                case "sku" -> c.sku = Validation.id("sku", body.string(), Validation.SKU_MAX);
                case "location" -> c.location = Validation.id("location", body.string(), Validation.LOCATION_MAX);
                case "quantity" -> c.quantity = body.integer(0, Validation.MOVEMENT_MAX);
                case "expected_at" -> c.time = Validation.time("expected_at", body.string());
                case "unit_cost" -> c.amount = Validation.money("unit_cost", body.decimal());
                default -> throw body.unknown();
            }
        }
        body.end();
        require(c.reference != null, "purchase_order");
        requireSkuLocation(c);
        require(c.quantity >= 0, "quantity");
        require(c.time != Long.MIN_VALUE, "expected_at");
        require(c.amount >= 0, "unit_cost");
        return c;
    }

    static Command transfer(final JsonBody body, final String key)
    {
        final Command c = command(CommandType.TRANSFER_OUT);
        c.key = requireKey(key);
        c.quantity = -1;
        while (body.nextField("body"))
        {
            switch (body.name())
            {
                case "transfer_id" -> c.reference = Validation.id("transfer_id", body.string(), Validation.ID_MAX);
                case "sku" -> c.sku = Validation.id("sku", body.string(), Validation.SKU_MAX);
                case "from" -> c.location = Validation.id("from", body.string(), Validation.LOCATION_MAX);
                case "to" -> c.location2 = Validation.id("to", body.string(), Validation.LOCATION_MAX);
                case "quantity" -> c.quantity = body.integer(1, Validation.MOVEMENT_MAX);
                default -> throw body.unknown();
            }
        }
        body.end();
        require(c.reference != null, "transfer_id");
        require(c.sku != null, "sku");
        require(c.location != null, "from");
        require(c.location2 != null, "to");
        require(c.quantity > 0, "quantity");
        if (c.location.equals(c.location2))
        {
            throw Problem.invalid("to", "from and to must be different locations");
        }
        return c;
    }

    static Command transferReceive(final String transferId, final JsonBody body, final String key)
    {
        final Command c = command(CommandType.TRANSFER_IN);
        c.key = requireKey(key);
        c.reference = Validation.id("transfer_id", transferId, Validation.ID_MAX);
        if (body != null)
        {
            while (body.nextField("body"))
            {
                switch (body.name())
                {
                    case "quantity" -> c.quantity = body.isNull() ? 0 : body.integer(1, Validation.MOVEMENT_MAX);
                    case "inspect" -> c.flag = !body.isNull() && body.bool();
                    default -> throw body.unknown();
                }
            }
            body.end();
        }
        return c;
    }

    // ---- policies ----

    static Command safetyStock(final String sku, final String location, final JsonBody body, final String key)
    {
        final Command c = command(CommandType.SET_SAFETY_STOCK);
        c.key = key == null ? null : Validation.id("Idempotency-Key", key, Validation.ID_MAX);
        c.sku = Validation.id("sku", sku, Validation.SKU_MAX);
        c.location = Validation.id("location", location, Validation.LOCATION_MAX);
        c.quantity = -1;
        while (body.nextField("body"))
        {
            if (!"quantity".equals(body.name()))
            {
                throw body.unknown();
            }
            c.quantity = body.integer(0, Validation.MOVEMENT_MAX);
        }
        body.end();
        require(c.quantity >= 0, "quantity");
        return c;
    }

    /** Refuses one more location or allocation of a channel when it already has as many as it may. */
    private static void tooManyPolicyRows(final int rows, final String field)
    {
        if (rows >= Validation.LINES_MAX)
        {
            throw Problem.invalid(field, "at most " + Validation.LINES_MAX + " locations and allocations");
        }
    }

    static Command channel(final String channel, final JsonBody body, final String key)
    {
        final Command c = command(CommandType.CONFIGURE_CHANNEL);
        c.key = key == null ? null : Validation.id("Idempotency-Key", key, Validation.ID_MAX);
        c.channel = Validation.id("channel", channel, Validation.CHANNEL_MAX);
        final List<String> locations = new java.util.ArrayList<>();
        final List<Object[]> allocations = new java.util.ArrayList<>();
        final java.util.Set<String> fenced = new java.util.HashSet<>();
        while (body.nextField("body"))
        {
            switch (body.name())
            {
                // A GET's body may be sent back whole: the channel it names must be the path's.
                case "channel" -> samePath("channel", Validation.id("channel", body.string(), Validation.CHANNEL_MAX),
                    c.channel);
                case "buffer" -> c.quantity = body.integer(0, Validation.MOVEMENT_MAX);
                case "locations" ->
                {
                    body.array();
                    int i = 0;
                    final java.util.Set<String> listed = new java.util.HashSet<>();
                    while (body.nextElement("locations"))
                    {
                        // Checked as each arrives, not after the body: a megabyte of locations must not hold the IO
                        // thread (a reviewer: a quadratic check of 170,000 of them took two minutes).
                        tooManyPolicyRows(locations.size() + allocations.size(), "locations");
                        final String at = "locations[" + i + "]";
                        final String location = Validation.id(at, body.string(at), Validation.LOCATION_MAX);
                        if (!listed.add(location))
                        {
                            throw Problem.invalid("locations[" + i + "]", "location " + location + " is listed twice");
                        }
                        locations.add(location);
                        i++;
                    }
                }
                case "allocations" ->
                {
                    body.array();
                    int i = 0;
                    while (body.nextElement("allocations"))
                    {
                        tooManyPolicyRows(locations.size() + allocations.size(), "allocations");
                        final String at = "allocations[" + i + "]";
                        body.object(at);
                        String sku = null;
                        String location = null;
                        long quantity = -1;
                        while (body.nextField(at))
                        {
                            switch (body.name())
                            {
                                case "sku" -> sku = Validation.id(at + ".sku", body.string(), Validation.SKU_MAX);
                                case "location" -> location = Validation.id(at + ".location", body.string(),
                                    Validation.LOCATION_MAX);
                                case "quantity" -> quantity = body.integer(0, Validation.MOVEMENT_MAX);
                                // What GET shows beside the quantity, read and left: the engine decides it.
                                case "unused" -> body.integer(0, Long.MAX_VALUE);
                                default -> throw body.unknown();
                            }
                        }
                        require(sku != null, at + ".sku");
                        require(location != null, at + ".location");
                        require(quantity >= 0, at + ".quantity");
                        if (!fenced.add(sku + '\u0000' + location))
                        {
                            // The engine would keep one and the answer would echo both.
                            throw Problem.invalid(at, "sku " + sku + " at location " + location + " is allocated " +
                                "twice");
                        }
                        allocations.add(new Object[] { sku, location, quantity });
                        i++;
                    }
                }
                default -> throw body.unknown();
            }
        }
        body.end();
        for (final String location : locations)
        {
            c.line(null, location, 0);
        }
        c.quantity2 = locations.size();
        for (final Object[] allocation : allocations)
        {
            c.line((String)allocation[0], (String)allocation[1], (Long)allocation[2]);
        }
        return c;
    }

    static Command kit(final String sku, final JsonBody body, final String key)
    {
        final Command c = command(CommandType.DEFINE_KIT);
        c.key = key == null ? null : Validation.id("Idempotency-Key", key, Validation.ID_MAX);
        c.sku = Validation.id("sku", sku, Validation.SKU_MAX);
        while (body.nextField("body"))
        {
            if ("sku".equals(body.name()))
            {
                // A GET's body may be sent back whole: the SKU it names must be the path's.
                samePath("sku", Validation.id("sku", body.string(), Validation.SKU_MAX), c.sku);
                continue;
            }
            if (!"components".equals(body.name()))
            {
                throw body.unknown();
            }
            body.array();
            int i = 0;
            while (body.nextElement("components"))
            {
                final String at = "components[" + i + "]";
                body.object(at);
                String component = null;
                long quantity = -1;
                while (body.nextField(at))
                {
                    switch (body.name())
                    {
                        case "sku" -> component = Validation.id(at + ".sku", body.string(), Validation.SKU_MAX);
                        case "quantity" -> quantity = body.integer(1, Validation.MOVEMENT_MAX);
                        default -> throw body.unknown();
                    }
                }
                require(component != null, at + ".sku");
                require(quantity > 0, at + ".quantity");
                if (++i > MAX_KIT_COMPONENTS)
                {
                    throw Problem.invalid("components", "a kit has at most " + MAX_KIT_COMPONENTS + " components");
                }
                c.line(component, null, quantity);
            }
        }
        body.end();
        require(c.lineCount > 0, "components");
        return c;
    }

    /** A body's copy of the path's identifier, as GET shows it: accepted when it is the same, refused otherwise. */
    private static void samePath(final String field, final String inBody, final String inPath)
    {
        if (!inPath.equals(inBody))
        {
            throw Problem.invalid(field, "the body names " + field + " " + inBody + ", the path " + inPath +
                "; leave it out or make them the same");
        }
    }

    private static void requireSkuLocation(final Command c)
    {
        require(c.sku != null, "sku");
        require(c.location != null, "location");
    }

    private static void require(final boolean present, final String field)
    {
        if (!present)
        {
            throw Problem.invalid(field, field + " is required");
        }
    }
}
