package io.stockengine.benchmarks;

import java.util.Arrays;
import java.util.SplittableRandom;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.ResultCode;
import io.stockengine.engine.StockEngine;

/**
 * A pre-generated, cyclic marketplace command stream: per ten commands four one-line reservations (TTL 15 minutes,
 * explicit location, SKUs skewed toward a hot set), two whole-order ships, one whole-order cancel and three one-SKU
 * queries (availability for the channel, or stock at one location). Of the reserved orders half are shipped and a
 * quarter cancelled, each within two minutes of engine time; the last quarter is left to expire, so the order book
 * settles at a steady size instead of growing.
 * <p>
 * The stream is a cycle that can be replayed forever against one engine: reservation {@code k} always uses order id
 * {@code k} of the ring, a ship or cancel placed past the end of the cycle wraps to its start (and then acts on the
 * previous cycle's order of that id), and the engine is told to keep few enough finished orders that an id's
 * previous order has been forgotten before the id comes round again. On the first cycle those wrapped actions find
 * no order; from the second cycle on every command succeeds ({@link #warmUp} checks it).
 * <p>
 * Everything a command needs is a String or a primitive in an array, so filling a slot allocates nothing.
 */
final class MarketplaceMix
{
    static final String CHANNEL = "web";
    static final long TTL_MILLIS = 15 * 60_000L;
    /** Ships and cancels follow their reservation within this much engine time, well inside the TTL. */
    static final long MAX_LAG_MILLIS = 2 * 60_000L;
    /** The hot set: a flash sale's worth of SKUs, spread over the catalogue. */
    static final int HOT_SKUS = 1_000;

    private static final int EVENT_BITS = 22;
    private static final long EVENT_MASK = (1L << EVENT_BITS) - 1;
    /** Positions on the command axis are kept in 1/1024ths of a command, so a lag of one command still orders. */
    private static final int FRACTION_BITS = 10;

    private final int length;
    private final long stepMillis;
    private final int finishedOrderCapacity;
    private final int orderRing;
    private final byte[] type;
    private final byte[] quantity;
    private final String[] orderId;
    private final String[] sku;
    private final String[] location;

    /**
     * @param catalogue  the SKUs and locations to draw from
     * @param tens       the cycle holds {@code 10 * tens} commands
     * @param stepMillis engine time between two commands
     * @param hotPercent share of reservations and queries that go to the hot set
     * @param seed       the stream is a pure function of its arguments
     */
    MarketplaceMix(final Catalogue catalogue, final int tens, final long stepMillis, final int hotPercent,
        final long seed)
    {
        length = 10 * tens;
        this.stepMillis = stepMillis;
        if (length >= 1 << EVENT_BITS)
        {
            throw new IllegalArgumentException("cycle too long to encode: " + length);
        }
        final long ttlCommands = TTL_MILLIS / stepMillis;
        final int maxLagCommands = (int)(MAX_LAG_MILLIS / stepMillis);
        // Finished orders arrive at the reservation rate (0.4 per command): an order is forgotten about
        // 2.5 * capacity commands after it finished. Half of what is left of the cycle is that, half is margin.
        finishedOrderCapacity = (int)((length - ttlCommands - maxLagCommands) / 5);
        if (finishedOrderCapacity < 1 || maxLagCommands < 1)
        {
            throw new IllegalArgumentException("a cycle of " + length + " commands at " + stepMillis +
                " ms each cannot outlast the " + TTL_MILLIS + " ms TTL; use more commands or a larger step");
        }

        final int reservations = 4 * tens;
        final int ships = 2 * tens;
        final int cancels = tens;
        orderRing = reservations;
        final String[] ids = new String[reservations];
        for (int k = 0; k < reservations; k++)
        {
            ids[k] = Catalogue.padded("ORD-", k, 7);
        }

        final SplittableRandom random = new SplittableRandom(seed);
        final int[] fate = new int[reservations];
        for (int k = 0; k < reservations; k++)
        {
            fate[k] = k;
        }
        for (int k = reservations - 1; k > 0; k--)
        {
            final int j = random.nextInt(k + 1);
            final int swap = fate[k];
            fate[k] = fate[j];
            fate[j] = swap;
        }

        // Every command is an event at a position on the cycle; sorting the positions gives the stream.
        final long cycle = (long)length << FRACTION_BITS;
        final long[] events = new long[length];
        int e = 0;
        for (int k = 0; k < reservations; k++)
        {
            events[e] = position(reservationAt(k), e);
            e++;
        }
        for (int j = 0; j < ships + cancels; j++)
        {
            final long lag = ((long)(1 + random.nextInt(maxLagCommands)) << FRACTION_BITS) +
                random.nextInt(1 << FRACTION_BITS);
            events[e] = position((reservationAt(fate[j]) + lag) % cycle, e);
            e++;
        }
        while (e < length)
        {
            events[e] = position(random.nextLong(cycle), e);
            e++;
        }
        Arrays.sort(events);

        type = new byte[length];
        quantity = new byte[length];
        orderId = new String[length];
        sku = new String[length];
        location = new String[length];
        final SkuPicker picker = new SkuPicker(catalogue, hotPercent);
        for (int i = 0; i < length; i++)
        {
            final int event = (int)(events[i] & EVENT_MASK);
            if (event < reservations)
            {
                type[i] = (byte)CommandType.RESERVE;
                orderId[i] = ids[event];
                sku[i] = picker.next(random);
                location[i] = catalogue.locations[random.nextInt(catalogue.locationCount())];
                // Most carts take one unit, some two.
                quantity[i] = (byte)(random.nextInt(5) == 0 ? 2 : 1);
            }
            else if (event < reservations + ships + cancels)
            {
                type[i] = (byte)(event < reservations + ships ? CommandType.SHIP : CommandType.CANCEL);
                orderId[i] = ids[fate[event - reservations]];
            }
            else
            {
                type[i] = (byte)(random.nextBoolean() ? CommandType.QUERY_AVAILABILITY : CommandType.QUERY_STOCK_AT);
                sku[i] = picker.next(random);
                location[i] = type[i] == CommandType.QUERY_STOCK_AT ?
                    catalogue.locations[random.nextInt(catalogue.locationCount())] : null;
            }
        }
    }

    /** Reservations are evenly spaced, one every 2.5 commands. */
    private static long reservationAt(final int k)
    {
        return ((long)k * 5 << FRACTION_BITS) / 2;
    }

    private static long position(final long fixedPoint, final int event)
    {
        return fixedPoint << EVENT_BITS | event;
    }

    int length()
    {
        return length;
    }

    long stepMillis()
    {
        return stepMillis;
    }

    int type(final int i)
    {
        return type[i];
    }

    /**
     * The engine settings this stream needs: the catalogue pre-sized, room for every order id of the ring, and
     * finished orders bounded so a reused order id is free again (see the class comment).
     */
    EngineConfig engineConfig(final Catalogue catalogue)
    {
        return new EngineConfig()
            .expectedBalances(catalogue.balanceCount())
            .expectedOrders(orderRing)
            .finishedOrderCapacity(finishedOrderCapacity);
    }

    /** Fills the slot with command {@code i} of the cycle. Allocates nothing. */
    void fill(final Command c, final int i, final long timestamp)
    {
        c.reset();
        c.timestamp = timestamp;
        final int commandType = type[i];
        c.type = commandType;
        switch (commandType)
        {
            case CommandType.RESERVE:
                c.orderId = orderId[i];
                c.channel = CHANNEL;
                c.time = TTL_MILLIS;
                c.line(sku[i], location[i], quantity[i]);
                break;
            case CommandType.SHIP:
            case CommandType.CANCEL:
                c.orderId = orderId[i];
                break;
            case CommandType.QUERY_AVAILABILITY:
                c.channel = CHANNEL;
                c.line(sku[i], null, 0);
                break;
            default:
                c.sku = sku[i];
                c.location = location[i];
                break;
        }
    }

    /**
     * Runs whole cycles straight through the engine to reach the steady state; every cycle after the first must
     * succeed command for command, or the measurements would be of rejections.
     *
     * @return the engine time after the last command
     */
    long warmUp(final StockEngine engine, final Command c, final long startMillis, final int cycles)
    {
        long now = startMillis;
        for (int cycle = 0; cycle < cycles; cycle++)
        {
            for (int i = 0; i < length; i++)
            {
                now += stepMillis;
                fill(c, i, now);
                engine.process(c);
                if (cycle > 0 && c.result != ResultCode.OK)
                {
                    throw new IllegalStateException("command " + i + " (" + CommandType.name(c.type) + " " +
                        c.orderId + ") of cycle " + cycle + " was refused: " + ResultCode.name(c.result));
                }
            }
        }
        return now;
    }

    /** Draws SKUs: {@code hotPercent} of them uniformly from the hot set, the rest uniformly from the catalogue. */
    static final class SkuPicker
    {
        private final Catalogue catalogue;
        private final int hotPercent;
        private final int hotStride;

        SkuPicker(final Catalogue catalogue, final int hotPercent)
        {
            if (hotPercent < 0 || hotPercent > 100)
            {
                throw new IllegalArgumentException("hotPercent must be 0..100: " + hotPercent);
            }
            this.catalogue = catalogue;
            this.hotPercent = hotPercent;
            this.hotStride = Math.max(1, catalogue.skuCount() / HOT_SKUS);
        }

        String next(final SplittableRandom random)
        {
            final int index = random.nextInt(100) < hotPercent ?
                random.nextInt(Math.min(HOT_SKUS, catalogue.skuCount())) * hotStride :
                random.nextInt(catalogue.skuCount());
            return catalogue.skus[index];
        }
    }
}
