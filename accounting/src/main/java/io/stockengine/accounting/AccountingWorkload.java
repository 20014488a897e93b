package io.stockengine.accounting;

import java.util.SplittableRandom;

import io.stockengine.engine.Bucket;
import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.Reason;

/**
 * A deterministic stream of commands that moves value in every way the ledger posts: receipts at varying costs
 * (some into quality control, some against purchase orders), reservations (some of kits, some with a TTL so they
 * expire), picks, whole and partial shipments, cancellations, customer returns, point-of-sale sales, moves to and
 * from damaged, adjustments up and down for every reason, counts, inspections and transfers received whole or in
 * part. Command {@code i} depends only on the seed and {@code i}, so a command can name the order that command
 * {@code j < i} reserved and the lines it had, without any feedback from the engine: the engine refuses what does
 * not fit, which is part of the test.
 * <p>
 * Used by the randomized tests and by {@link AccountingLoad}.
 */
final class AccountingWorkload
{
    static final long BASE_TIME = 1_800_000_000_000L;
    /** Engine time between two commands by default: 50 ms, so reservations with a 2 s TTL expire along the way. */
    static final long STEP_MILLIS = 50;
    static final String[] LOCATIONS = { "L0", "L1", "L2" };
    private static final String[] CHANNELS = { "web", "pos", "b2b" };
    private static final int SKUS = 40;
    private static final String[] KITS = { "K0", "K1" };
    private static final int[] FREE_BUCKETS = { Bucket.SELLABLE, Bucket.QUALITY_CONTROL, Bucket.DAMAGED };
    private static final int[] LOSS_REASONS = { Reason.LOST, Reason.THEFT, Reason.WRITE_OFF, Reason.CORRECTION,
        Reason.DAMAGE, Reason.NONE };

    /**
     * The first draw of a command picks its type: below RECEIVE a receipt, then below RESERVE a reservation; a
     * transfer out draws from TRANSFER_OUT (inclusive) to TRANSFER_IN.
     */
    private static final int RECEIVE = 22;
    private static final int RESERVE = 38;
    private static final int TRANSFER_OUT = 87;
    private static final int TRANSFER_IN = 92;

    private final long seed;
    private final long stepMillis;
    private final Command scratch = new Command();

    AccountingWorkload(final long seed)
    {
        this(seed, STEP_MILLIS);
    }

    /**
     * @param stepMillis engine time between two commands: a longer step spreads the stream over several days (for
     *                   reports at the end of a day); reservations with a TTL then expire sooner in commands.
     */
    AccountingWorkload(final long seed, final long stepMillis)
    {
        this.seed = seed;
        this.stepMillis = stepMillis;
    }

    /** The engine time of command {@code i}. */
    long time(final long i)
    {
        return BASE_TIME + i * stepMillis;
    }

    static String sku(final int n)
    {
        return "S" + n;
    }

    private static String sku(final SplittableRandom random)
    {
        return sku(random.nextInt(10) < 3 ? random.nextInt(4) : random.nextInt(SKUS));
    }

    private static String location(final SplittableRandom random)
    {
        return LOCATIONS[random.nextInt(LOCATIONS.length)];
    }

    /** A unit cost near the SKU's own price level, sometimes with odd millionths. */
    private static long unitCost(final String sku, final SplittableRandom random)
    {
        final long base = 1_000_000L + Long.parseLong(sku.substring(1)) * 250_000L;
        final long cost = base + random.nextLong(base / 5) - base / 10;
        return random.nextInt(4) == 0 ? cost : cost / 10_000 * 10_000;
    }

    /** Fills command {@code i} (1-based) into a reset slot; its correlation id is {@code i}. */
    void fill(final long i, final Command c)
    {
        final SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i);
        c.correlationId = i;
        c.timestamp = time(i);
        if (i <= KITS.length)
        {
            c.type = CommandType.DEFINE_KIT;
            c.sku = KITS[(int)i - 1];
            c.line(sku(30 + 2 * ((int)i - 1)), null, 2);
            c.line(sku(31 + 2 * ((int)i - 1)), null, (int)i);
            return;
        }
        final int roll = random.nextInt(100);
        if (roll < RECEIVE)
        {
            c.type = CommandType.RECEIVE;
            c.key = "r-" + i;
            c.sku = sku(random);
            c.location = location(random);
            c.quantity = 1 + random.nextInt(12);
            c.amount = unitCost(c.sku, random);
            c.flag = random.nextInt(10) == 0;
            if (random.nextBoolean())
            {
                c.reference = "PO-" + (i % 7);
            }
        }
        else if (roll < RESERVE)
        {
            reserve(i, random, c);
        }
        else if (roll < 40)
        {
            c.type = CommandType.PICK;
            c.orderId = "o-" + earlier(i, 1 + random.nextInt(40), 40, RECEIVE, RESERVE);
        }
        else if (roll < 53)
        {
            orderAction(CommandType.SHIP, i, random, c);
        }
        else if (roll < 57)
        {
            orderAction(CommandType.CANCEL, i, random, c);
        }
        else if (roll < 63)
        {
            orderReturn(i, random, c);
        }
        else if (roll < 71)
        {
            c.type = CommandType.SALE;
            c.key = "s-" + i;
            c.channel = "pos";
            c.location = location(random);
            for (int l = 1 + random.nextInt(2); l > 0; l--)
            {
                c.line(random.nextInt(10) == 0 ? KITS[random.nextInt(KITS.length)] : sku(random), null,
                    1 + random.nextInt(4));
            }
        }
        else if (roll < 97)
        {
            movement(i, roll, random, c);
        }
        else if (roll < 99)
        {
            c.type = CommandType.ANNOUNCE_INCOMING;
            c.key = "a-" + i;
            c.reference = "PO-" + (i % 7);
            c.sku = sku(random);
            c.location = location(random);
            c.quantity = 10 + random.nextInt(10);
            c.time = time(i) + 86_400_000L;
            c.amount = unitCost(c.sku, random);
        }
        else
        {
            c.type = random.nextBoolean() ? CommandType.QUERY_STOCK : CommandType.TICK;
            c.sku = sku(random);
        }
    }

    private static void reserve(final long i, final SplittableRandom random, final Command c)
    {
        c.type = CommandType.RESERVE;
        c.orderId = "o-" + i;
        c.channel = CHANNELS[random.nextInt(CHANNELS.length)];
        c.time = random.nextInt(10) == 0 ? 0 : 2_000;
        for (int l = 1 + random.nextInt(3); l > 0; l--)
        {
            c.line(random.nextInt(10) == 0 ? KITS[random.nextInt(KITS.length)] : sku(random),
                random.nextBoolean() ? location(random) : null, 1 + random.nextInt(6));
        }
    }

    /** Ship or cancel an order reserved a little earlier: the whole order, or part of one of its lines. */
    private void orderAction(final int type, final long i, final SplittableRandom random, final Command c)
    {
        c.type = type;
        final long j = earlier(i, 1 + random.nextInt(40), 40, RECEIVE, RESERVE);
        c.orderId = "o-" + j;
        if (random.nextInt(10) < 3 && reservedAt(j))
        {
            c.key = "k-" + i;
            final int line = random.nextInt(scratch.lineCount);
            c.line(scratch.lineSku[line], scratch.lineLocation[line], 1 + random.nextInt(3));
        }
    }

    /** A customer returns part of a line of an order reserved a while ago (refused unless it shipped). */
    private void orderReturn(final long i, final SplittableRandom random, final Command c)
    {
        c.type = CommandType.RETURN;
        final long j = earlier(i, 5 + random.nextInt(400), 60, RECEIVE, RESERVE);
        c.orderId = "o-" + j;
        c.key = "rt-" + i;
        c.flag = random.nextBoolean();
        if (reservedAt(j))
        {
            final int line = random.nextInt(scratch.lineCount);
            c.line(scratch.lineSku[line], scratch.lineLocation[line], 1 + random.nextInt(2));
        }
        else
        {
            c.line(sku(random), null, 1);
        }
    }

    /**
     * The nearest command at or before {@code i - back} whose first draw is in {@code [from, to)} (a reservation, a
     * transfer out), looking at most {@code tries} commands further back; {@code i - back} when there is none (the
     * engine then refuses the command, which happens too).
     */
    private long earlier(final long i, final int back, final int tries, final int from, final int to)
    {
        for (long j = i - back; j > KITS.length && j > i - back - tries; j--)
        {
            final int roll = new SplittableRandom(seed * 1_000_003L + j).nextInt(100);
            if (roll >= from && roll < to)
            {
                return j;
            }
        }
        return i - back;
    }

    /**
     * Regenerates command {@code j} into the scratch slot when it was a reservation (its first draws decide what it
     * was, so nothing else of it needs regenerating).
     */
    private boolean reservedAt(final long j)
    {
        if (j <= KITS.length)
        {
            return false;
        }
        final SplittableRandom random = new SplittableRandom(seed * 1_000_003L + j);
        final int roll = random.nextInt(100);
        if (roll < RECEIVE || roll >= RESERVE)
        {
            return false;
        }
        scratch.reset();
        reserve(j, random, scratch);
        return true;
    }

    private void movement(final long i, final int roll, final SplittableRandom random, final Command c)
    {
        c.key = "m-" + i;
        c.sku = sku(random);
        c.location = location(random);
        if (roll < 75)
        {
            c.type = CommandType.MOVE;
            final int from = FREE_BUCKETS[random.nextInt(FREE_BUCKETS.length)];
            int to = FREE_BUCKETS[random.nextInt(FREE_BUCKETS.length)];
            if (to == from)
            {
                to = from == Bucket.DAMAGED ? Bucket.SELLABLE : Bucket.DAMAGED;
            }
            c.bucket = from;
            c.bucket2 = to;
            c.quantity = 1 + random.nextInt(2);
            c.reason = to == Bucket.DAMAGED ? Reason.DAMAGE : Reason.REGRADE;
        }
        else if (roll < 81)
        {
            c.type = CommandType.ADJUST;
            c.bucket = FREE_BUCKETS[random.nextInt(FREE_BUCKETS.length)];
            if (random.nextInt(5) < 2)
            {
                c.quantity = 1 + random.nextInt(3);
                c.reason = random.nextBoolean() ? Reason.FOUND : Reason.CORRECTION;
            }
            else
            {
                c.quantity = -(1 + random.nextInt(2));
                c.reason = c.bucket == Bucket.DAMAGED && random.nextBoolean() ? Reason.WRITE_OFF :
                    LOSS_REASONS[random.nextInt(LOSS_REASONS.length)];
            }
        }
        else if (roll < 84)
        {
            c.type = CommandType.COUNT;
            c.quantity = random.nextInt(25);
        }
        else if (roll < TRANSFER_OUT)
        {
            c.type = CommandType.INSPECT;
            c.quantity = random.nextInt(9);
            c.quantity2 = c.quantity == 0 ? 1 : random.nextInt(2);
        }
        else if (roll < TRANSFER_IN)
        {
            c.type = CommandType.TRANSFER_OUT;
            c.reference = "t-" + i;
            final int from = random.nextInt(LOCATIONS.length);
            c.location = LOCATIONS[from];
            c.location2 = LOCATIONS[(from + 1 + random.nextInt(LOCATIONS.length - 1)) % LOCATIONS.length];
            c.quantity = 1 + random.nextInt(4);
        }
        else
        {
            c.type = CommandType.TRANSFER_IN;
            c.sku = null;
            c.location = null;
            c.reference = "t-" + earlier(i, 1 + random.nextInt(100), 100, TRANSFER_OUT, TRANSFER_IN);
            c.quantity = random.nextInt(10) < 7 ? 0 : 1;
            c.flag = random.nextInt(5) == 0;
        }
    }
}
