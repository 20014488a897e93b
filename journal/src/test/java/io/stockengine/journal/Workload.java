package io.stockengine.journal;

import java.util.SplittableRandom;

import io.stockengine.engine.Bucket;
import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.Reason;

/**
 * A deterministic command stream for journal tests: command {@code i} depends only on the seed and {@code i}, so a
 * crashed child can resume at any command and a checker can regenerate any prefix. Time advances 50 ms per command
 * so TTLs expire along the way.
 */
final class Workload
{
    static final long BASE_TIME = 1_800_000_000_000L;
    private static final String[] LOCATIONS = { "WH1", "WH2", "STORE-7" };
    private static final String[] CHANNELS = { "web", "pos", "b2b" };

    private final long seed;

    Workload(final long seed)
    {
        this.seed = seed;
    }

    static long time(final long i)
    {
        return BASE_TIME + i * 50;
    }

    private static String sku(final SplittableRandom random)
    {
        return "SKU-" + (random.nextInt(10) < 3 ? random.nextInt(3) : random.nextInt(60));
    }

    private static String location(final SplittableRandom random)
    {
        return LOCATIONS[random.nextInt(LOCATIONS.length)];
    }

    /** Fills command {@code i} (1-based) into a reset slot; its correlation id is {@code i}. */
    void fill(final long i, final Command c)
    {
        final SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i);
        c.correlationId = i;
        c.timestamp = time(i);
        switch ((int)(i % 10))
        {
            case 0, 1 ->
            {
                c.type = CommandType.RECEIVE;
                c.key = "r-" + i;
                c.sku = sku(random);
                c.location = location(random);
                c.quantity = 1 + random.nextInt(20);
                c.amount = 1_000_000L + random.nextInt(5_000_000);
                c.flag = random.nextInt(5) == 0;
                if (random.nextBoolean())
                {
                    c.reference = "PO-" + (i % 7);
                }
            }
            case 2, 3 ->
            {
                c.type = CommandType.RESERVE;
                c.orderId = "o-" + i;
                c.channel = CHANNELS[random.nextInt(CHANNELS.length)];
                c.time = random.nextInt(3) == 0 ? 2_000 : 0;
                final int lines = 1 + random.nextInt(2);
                for (int l = 0; l < lines; l++)
                {
                    c.line(sku(random), random.nextBoolean() ? location(random) : null, 1 + random.nextInt(4));
                }
            }
            case 4 ->
            {
                c.type = CommandType.PICK;
                c.orderId = "o-" + (i - 2);
            }
            case 5 ->
            {
                c.type = CommandType.SHIP;
                c.orderId = "o-" + (i - 3 - 10 * random.nextInt(2));
            }
            case 6 ->
            {
                c.type = CommandType.CANCEL;
                c.orderId = "o-" + (i - 4);
            }
            case 7 ->
            {
                c.type = CommandType.SALE;
                c.key = "s-" + i;
                c.channel = "pos";
                c.location = location(random);
                c.line(sku(random), null, 1 + random.nextInt(3));
            }
            case 8 -> movement(i, random, c);
            default ->
            {
                c.type = random.nextBoolean() ? CommandType.QUERY_STOCK : CommandType.TICK;
                c.sku = sku(random);
            }
        }
    }

    private static void movement(final long i, final SplittableRandom random, final Command c)
    {
        c.key = "m-" + i;
        c.sku = sku(random);
        c.location = location(random);
        switch (random.nextInt(6))
        {
            case 0 ->
            {
                c.type = CommandType.MOVE;
                c.bucket = Bucket.SELLABLE;
                c.bucket2 = Bucket.DAMAGED;
                c.quantity = 1;
                c.reason = Reason.DAMAGE;
            }
            case 1 ->
            {
                c.type = CommandType.ADJUST;
                c.bucket = Bucket.SELLABLE;
                c.quantity = random.nextBoolean() ? 2 : -1;
                c.reason = Reason.CORRECTION;
            }
            case 2 ->
            {
                c.type = CommandType.TRANSFER_OUT;
                c.reference = "t-" + i;
                c.location2 = c.location.equals("WH1") ? "WH2" : "WH1";
                c.quantity = 1;
            }
            case 3 ->
            {
                c.type = CommandType.TRANSFER_IN;
                c.reference = "t-" + (i - 10);
            }
            case 4 ->
            {
                c.type = CommandType.INSPECT;
                c.quantity = 1;
            }
            default ->
            {
                c.type = CommandType.ANNOUNCE_INCOMING;
                c.reference = "PO-" + (i % 7);
                c.quantity = 10 + random.nextInt(10);
                c.time = time(i) + 86_400_000L;
                c.amount = 2_000_000;
            }
        }
    }
}
