package io.stockengine.gateway.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.stockengine.engine.Bucket;
import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.Reason;

/**
 * Commands as a client would send them, written as engine {@link Command}s whose inputs mirror the wire fields one
 * to one (so a reservation's {@code time} is its TTL in seconds here), and the helpers to encode them.
 */
final class TestCommands
{
    private static final String FILL = "Zz9-_.:Aa0";
    public static final long MAX_QUANTITY = CommandValidator.QUANTITY_MAX;

    private TestCommands()
    {
    }

    /** An identifier of exactly {@code length} characters starting with {@code seed}, using every allowed class. */
    public static String id(final String seed, final int length)
    {
        final StringBuilder out = new StringBuilder(length).append(seed);
        for (int i = 0; out.length() < length; i++)
        {
            out.append(FILL.charAt(i % FILL.length()));
        }
        return out.substring(0, length);
    }

    public static Command command(final int type)
    {
        final Command c = new Command();
        c.type = type;
        return c;
    }

    /** One command of every type a client may send, each with the largest values and the longest names allowed. */
    public static List<Command> largest()
    {
        final List<Command> all = new ArrayList<>();
        final String key = id("key", CommandValidator.ID_MAX);
        final String order = id("order", CommandValidator.ID_MAX);
        final String channel = id("web", CommandValidator.CHANNEL_MAX);
        final String sku = id("sku", CommandValidator.SKU_MAX);
        final String location = id("loc", CommandValidator.LOCATION_MAX);
        final String location2 = id("dst", CommandValidator.LOCATION_MAX);
        final String reference = id("ref", CommandValidator.ID_MAX);

        Command c = command(CommandType.RESERVE);
        c.orderId = order;
        c.channel = channel;
        c.time = CommandValidator.TTL_MAX_SECONDS;
        orderLines(c, CommandValidator.LINES_MAX, true);
        all.add(c);
        for (final int type : new int[] { CommandType.PICK, CommandType.SHIP, CommandType.CANCEL, CommandType.RETURN })
        {
            c = command(type);
            c.orderId = order;
            c.key = key;
            c.flag = type == CommandType.RETURN;
            orderLines(c, CommandValidator.LINES_MAX, true);
            all.add(c);
        }
        c = command(CommandType.SALE);
        c.key = key;
        c.channel = channel;
        c.location = location;
        orderLines(c, CommandValidator.LINES_MAX, false);
        all.add(c);
        c = single(CommandType.ANNOUNCE_INCOMING, key, sku, location);
        c.reference = reference;
        c.quantity = MAX_QUANTITY;
        c.amount = CommandValidator.MONEY_MAX;
        c.time = CommandValidator.TIME_MAX;
        all.add(c);
        c = single(CommandType.RECEIVE, key, sku, location);
        c.reference = reference;
        c.quantity = MAX_QUANTITY;
        c.amount = CommandValidator.MONEY_MAX;
        c.flag = true;
        all.add(c);
        c = single(CommandType.INSPECT, key, sku, location);
        c.quantity = MAX_QUANTITY;
        c.quantity2 = MAX_QUANTITY;
        all.add(c);
        c = single(CommandType.MOVE, key, sku, location);
        c.quantity = MAX_QUANTITY;
        c.bucket = Bucket.DAMAGED;
        c.bucket2 = Bucket.QUALITY_CONTROL;
        c.reason = Reason.REGRADE;
        all.add(c);
        c = single(CommandType.ADJUST, key, sku, location);
        c.quantity = -MAX_QUANTITY;
        c.bucket = Bucket.DAMAGED;
        c.reason = Reason.WRITE_OFF;
        all.add(c);
        c = single(CommandType.COUNT, key, sku, location);
        c.quantity = MAX_QUANTITY;
        c.flag = true;
        c.quantity2 = MAX_QUANTITY;
        all.add(c);
        c = single(CommandType.TRANSFER_OUT, key, sku, location);
        c.reference = reference;
        c.location2 = location2;
        c.quantity = MAX_QUANTITY;
        all.add(c);
        c = command(CommandType.TRANSFER_IN);
        c.key = key;
        c.reference = reference;
        c.quantity = MAX_QUANTITY;
        c.flag = true;
        all.add(c);
        c = single(CommandType.SET_SAFETY_STOCK, key, sku, location);
        c.quantity = MAX_QUANTITY;
        all.add(c);
        c = command(CommandType.CONFIGURE_CHANNEL);
        c.key = key;
        c.channel = channel;
        c.quantity = MAX_QUANTITY;
        final int locations = CommandValidator.LINES_MAX / 2;
        c.quantity2 = locations;
        for (int i = 0; i < locations; i++)
        {
            c.line(null, id("L" + i + "-", CommandValidator.LOCATION_MAX), 0);
        }
        for (int i = locations; i < CommandValidator.LINES_MAX; i++)
        {
            c.line(id("S" + i + "-", CommandValidator.SKU_MAX), id("L" + i + "-", CommandValidator.LOCATION_MAX),
                MAX_QUANTITY);
        }
        all.add(c);
        c = command(CommandType.DEFINE_KIT);
        c.key = key;
        c.sku = sku;
        for (int i = 0; i < CommandValidator.KIT_COMPONENTS_MAX; i++)
        {
            c.line(id("C" + i + "-", CommandValidator.SKU_MAX), null, MAX_QUANTITY);
        }
        all.add(c);
        c = command(CommandType.QUERY_STOCK_AT);
        c.sku = sku;
        c.location = location;
        all.add(c);
        c = command(CommandType.QUERY_STOCK);
        c.sku = sku;
        all.add(c);
        c = command(CommandType.QUERY_AVAILABILITY);
        c.channel = channel;
        c.flag = true;
        c.time = CommandValidator.TIME_MAX;
        for (int i = 0; i < CommandValidator.LINES_MAX; i++)
        {
            c.line(id("S" + i + "-", CommandValidator.SKU_MAX), null, 0);
        }
        all.add(c);
        c = command(CommandType.QUERY_ORDER);
        c.orderId = order;
        all.add(c);
        c = command(CommandType.QUERY_TRANSFER);
        c.reference = reference;
        all.add(c);
        c = command(CommandType.QUERY_CHANNEL);
        c.channel = channel;
        all.add(c);
        c = command(CommandType.QUERY_KIT);
        c.sku = sku;
        all.add(c);
        long correlation = Long.MAX_VALUE;
        for (final Command command : all)
        {
            command.correlationId = correlation--;
        }
        return all;
    }

    private static Command single(final int type, final String key, final String sku, final String location)
    {
        final Command c = command(type);
        c.key = key;
        c.sku = sku;
        c.location = location;
        return c;
    }

    private static void orderLines(final Command c, final int lines, final boolean locations)
    {
        for (int i = 0; i < lines; i++)
        {
            c.line(id("S" + i + "-", CommandValidator.SKU_MAX),
                locations && i % 2 == 0 ? id("L" + i + "-", CommandValidator.LOCATION_MAX) : null, MAX_QUANTITY);
        }
    }

    /** Appends {@code c} as a command message, its fields copied one to one. */
    public static void encode(final CommandEncoder encoder, final ByteBuf buffer, final Command c)
    {
        encoder.begin(buffer, c.type, c.correlationId).flag(c.flag).quantity(c.quantity).quantity2(c.quantity2)
            .amount(c.amount).time(c.time).bucket(c.bucket).bucket2(c.bucket2).reason(c.reason);
        assertEquals(-1, encoder.strings(c.key, c.orderId, c.channel, c.sku, c.location, c.location2, c.reference));
        for (int i = 0; i < c.lineCount; i++)
        {
            assertEquals(true, encoder.line(c.lineSku[i], c.lineLocation[i], c.lineQuantity[i]));
        }
        encoder.end();
    }

    /** A COMMANDS frame holding {@code commands} in order. */
    public static ByteBuf frame(final ByteBufAllocator alloc, final List<Command> commands)
    {
        final ByteBuf buffer = alloc.buffer();
        final int start = FrameDescriptor.beginFrame(buffer, FrameDescriptor.KIND_COMMANDS);
        final CommandEncoder encoder = new CommandEncoder();
        for (final Command c : commands)
        {
            encode(encoder, buffer, c);
        }
        FrameDescriptor.endFrame(buffer, start);
        return buffer;
    }

    public static ByteBuf frame(final ByteBufAllocator alloc, final Command... commands)
    {
        return frame(alloc, List.of(commands));
    }

    /** Asserts that {@code actual}, filled by the server's decoder, holds the inputs {@code wire} describes. */
    public static void assertSameInputs(final Command wire, final Command actual)
    {
        final String what = CommandType.name(wire.type);
        assertEquals(wire.type, actual.type, what);
        assertEquals(wire.correlationId, actual.correlationId, what);
        assertEquals(wire.key, actual.key, what + " key");
        assertEquals(wire.orderId, actual.orderId, what + " order");
        assertEquals(wire.channel, actual.channel, what + " channel");
        assertEquals(wire.sku, actual.sku, what + " sku");
        assertEquals(wire.location, actual.location, what + " location");
        assertEquals(wire.location2, actual.location2, what + " location2");
        assertEquals(wire.reference, actual.reference, what + " reference");
        assertEquals(wire.quantity, actual.quantity, what + " quantity");
        assertEquals(wire.quantity2, actual.quantity2, what + " quantity2");
        assertEquals(wire.amount, actual.amount, what + " amount");
        assertEquals(wire.type == CommandType.RESERVE ? wire.time * 1000 : wire.time, actual.time, what + " time");
        assertEquals(wire.bucket, actual.bucket, what + " bucket");
        assertEquals(wire.bucket2, actual.bucket2, what + " bucket2");
        assertEquals(wire.reason, actual.reason, what + " reason");
        assertEquals(wire.flag, actual.flag, what + " flag");
        assertEquals(wire.lineCount, actual.lineCount, what + " lines");
        for (int i = 0; i < wire.lineCount; i++)
        {
            assertEquals(wire.lineSku[i], actual.lineSku[i], what + " line sku " + i);
            assertEquals(wire.lineLocation[i], actual.lineLocation[i], what + " line location " + i);
            assertEquals(wire.lineQuantity[i], actual.lineQuantity[i], what + " line quantity " + i);
        }
    }
}
