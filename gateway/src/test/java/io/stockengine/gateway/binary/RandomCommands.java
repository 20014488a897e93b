package io.stockengine.gateway.binary;

import java.util.Random;

import io.stockengine.engine.Bucket;
import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;

/**
 * Random commands of every type over small pools of names, so that they meet in the engine (the same SKUs,
 * orders, keys and transfers come back) and most are valid; about one in ten has one field made invalid.
 */
final class RandomCommands
{
    private static final int[] FREE_BUCKETS = { Bucket.SELLABLE, Bucket.QUALITY_CONTROL, Bucket.DAMAGED };

    private final Random random;
    private long keys;

    RandomCommands(final Random random)
    {
        this.random = random;
    }

    private String pick(final String prefix, final int pool)
    {
        return prefix + random.nextInt(pool);
    }

    private String sku()
    {
        return pick("S", 8);
    }

    private String location()
    {
        return pick("L", 4);
    }

    private String key()
    {
        return random.nextInt(10) < 7 ? "k" + keys++ : pick("k", 40);
    }

    private long between(final long min, final long max)
    {
        return min + (long)(random.nextDouble() * (max - min + 1));
    }

    Command next(final long correlationId)
    {
        final int type = CommandType.RESERVE + random.nextInt(CommandType.COUNT_OF_TYPES - CommandType.RESERVE);
        final Command c = TestCommands.command(type);
        c.correlationId = correlationId;
        switch (type)
        {
            case CommandType.RESERVE:
                c.orderId = pick("o", 30);
                c.channel = pick("c", 2);
                c.time = between(0, 3600);
                lines(c, 1, 3, true, 1, 5);
                break;
            case CommandType.PICK:
            case CommandType.SHIP:
            case CommandType.CANCEL:
                c.orderId = pick("o", 30);
                if (random.nextBoolean())
                {
                    c.key = key();
                    lines(c, 1, 2, true, 1, 3);
                }
                break;
            case CommandType.RETURN:
                c.orderId = pick("o", 30);
                c.key = key();
                c.flag = random.nextBoolean();
                lines(c, 1, 2, true, 1, 3);
                break;
            case CommandType.SALE:
                c.key = key();
                c.channel = pick("c", 2);
                c.location = location();
                lines(c, 1, 2, false, 1, 3);
                break;
            case CommandType.ANNOUNCE_INCOMING:
                single(c);
                c.reference = pick("po", 5);
                c.quantity = between(0, 20);
                c.amount = between(0, 10_000_000);
                c.time = 1_700_000_000_000L + between(0, 10_000_000);
                break;
            case CommandType.RECEIVE:
                single(c);
                c.quantity = between(1, 50);
                c.amount = between(0, 10_000_000);
                c.reference = random.nextInt(3) == 0 ? pick("po", 5) : null;
                c.flag = random.nextInt(4) == 0;
                break;
            case CommandType.INSPECT:
                single(c);
                c.quantity = between(0, 3);
                c.quantity2 = between(0, 3);
                break;
            case CommandType.MOVE:
                single(c);
                c.quantity = between(1, 5);
                c.bucket = FREE_BUCKETS[random.nextInt(3)];
                c.bucket2 = FREE_BUCKETS[random.nextInt(3)];
                c.reason = random.nextInt(8);
                break;
            case CommandType.ADJUST:
                single(c);
                c.quantity = between(1, 5) * (random.nextBoolean() ? 1 : -1);
                c.bucket = FREE_BUCKETS[random.nextInt(3)];
                c.reason = 1 + random.nextInt(5);
                break;
            case CommandType.COUNT:
                single(c);
                c.quantity = between(0, 20);
                c.flag = random.nextInt(3) == 0;
                c.quantity2 = c.flag ? between(0, 20) : 0;
                break;
            case CommandType.TRANSFER_OUT:
                single(c);
                c.reference = pick("t", 10);
                c.location2 = location();
                c.quantity = between(1, 5);
                break;
            case CommandType.TRANSFER_IN:
                c.key = key();
                c.reference = pick("t", 10);
                c.quantity = between(0, 5);
                c.flag = random.nextBoolean();
                break;
            case CommandType.SET_SAFETY_STOCK:
                single(c);
                c.key = random.nextBoolean() ? c.key : null;
                c.quantity = between(0, 5);
                break;
            case CommandType.CONFIGURE_CHANNEL:
                c.key = random.nextBoolean() ? key() : null;
                c.channel = pick("c", 2);
                c.quantity = between(0, 3);
                final int first = random.nextInt(4);
                final int locations = random.nextInt(3);
                for (int i = 0; i < locations; i++)
                {
                    c.line(null, "L" + ((first + i) % 4), 0);
                }
                c.quantity2 = locations;
                for (int i = random.nextInt(3); i > 0; i--)
                {
                    c.line(sku(), location(), between(0, 3));
                }
                break;
            case CommandType.DEFINE_KIT:
                c.key = random.nextBoolean() ? key() : null;
                c.sku = random.nextInt(4) == 0 ? sku() : pick("K", 3);
                final int base = random.nextInt(8);
                for (int i = 1 + random.nextInt(3); i > 0; i--)
                {
                    c.line("S" + ((base + i) % 8), null, between(1, 3));
                }
                break;
            case CommandType.QUERY_STOCK_AT:
                c.sku = sku();
                c.location = location();
                break;
            case CommandType.QUERY_STOCK:
                c.sku = random.nextInt(4) == 0 ? pick("K", 3) : sku();
                break;
            case CommandType.QUERY_AVAILABILITY:
                c.channel = pick("c", 2);
                c.flag = random.nextBoolean();
                c.time = c.flag ? 1_700_000_000_000L + between(0, 10_000_000) : 0;
                lines(c, 1, 3, false, 0, 0);
                break;
            case CommandType.QUERY_ORDER:
                c.orderId = pick("o", 30);
                break;
            case CommandType.QUERY_TRANSFER:
                c.reference = pick("t", 10);
                break;
            default:
                c.channel = pick("c", 2);
                break;
        }
        if (random.nextInt(10) == 0)
        {
            spoil(c);
        }
        return c;
    }

    private void single(final Command c)
    {
        c.key = key();
        c.sku = random.nextInt(6) == 0 ? pick("K", 3) : sku();
        c.location = location();
    }

    private void lines(final Command c, final int min, final int max, final boolean locations, final long low,
        final long high)
    {
        for (int i = (int)between(min, max); i > 0; i--)
        {
            final String sku = random.nextInt(6) == 0 ? pick("K", 3) : sku();
            c.line(sku, locations && random.nextBoolean() ? location() : null, between(low, high));
        }
    }

    /** Makes one input invalid (or, by chance, leaves it valid: the test does not predict codes). */
    private void spoil(final Command c)
    {
        switch (random.nextInt(9))
        {
            case 0 -> c.sku = "bad sku";
            case 1 -> c.quantity = -7;
            case 2 -> c.key = null;
            case 3 -> c.orderId = "..";
            case 4 -> c.time = -1;
            case 5 -> c.bucket = Bucket.PICKED;
            case 6 -> c.reason = 200;
            case 7 -> c.channel = TestCommands.id("c", 40);
            default -> c.line(sku(), null, 0);
        }
    }
}
