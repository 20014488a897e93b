package io.stockengine.benchmarks;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.StringJoiner;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.EventSink;
import io.stockengine.engine.NoOpEventSink;
import io.stockengine.engine.ResultCode;
import io.stockengine.engine.StockEngine;

/**
 * Heap retained by a large catalogue and a large open order book: loads 1,000,000 SKUs x 10 locations through
 * RECEIVE, then reserves 1,000,000 one-line orders without TTL, and reads the used heap after full collections
 * before and after each phase. Goal: at most 160 bytes per balance.
 * <p>
 * Every name is created inside the phase that makes the engine keep it (SKU names while loading, order ids while
 * reserving) and the harness keeps no reference of its own, so each figure is what the engine retains, its
 * interned Strings included. The engine is pre-sized for the balances, as a deployment with a known catalogue
 * would be; the order book is left at its default size and grows as a live one would.
 * <p>
 * Run: {@code java -Xmx8g -cp benchmarks/target/benchmarks.jar io.stockengine.benchmarks.MemoryFootprint
 * [skus [locations [orders]]]}.
 */
public final class MemoryFootprint
{
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private MemoryFootprint()
    {
    }

    /** A positional count, or one line saying what to fix and exit status 2, instead of a stack trace. */
    private static int positive(final String value, final String name, final String usage)
    {
        try
        {
            final int n = Integer.parseInt(value);
            if (n >= 1)
            {
                return n;
            }
        }
        catch (final NumberFormatException ex)
        {
            // Said below, as for a number out of range.
        }
        System.err.println("MemoryFootprint: " + name + " must be a whole number from 1 to " + Integer.MAX_VALUE +
            ", not '" + value + "'");
        System.err.println("usage: " + usage);
        System.exit(2);
        return 0;
    }

    public static void main(final String[] args)
    {
        final String usage = "MemoryFootprint [skus [locations [orders]]] (defaults " + Catalogue.SKUS + " " +
            Catalogue.LOCATIONS + " 1000000)";
        if (args.length > 0 && ("--help".equals(args[0]) || "-h".equals(args[0])))
        {
            System.out.println("usage: " + usage);
            return;
        }
        final int skus = args.length > 0 ? positive(args[0], "skus", usage) : Catalogue.SKUS;
        final int locations = args.length > 1 ? positive(args[1], "locations", usage) : Catalogue.LOCATIONS;
        final int orders = args.length > 2 ? positive(args[2], "orders", usage) : 1_000_000;
        final long balances = (long)skus * locations;

        System.out.printf("JDK %s (%s), GC %s, max heap %,d MiB%n", System.getProperty("java.version"),
            System.getProperty("java.vm.name"), collectors(), Runtime.getRuntime().maxMemory() >> 20);

        final long baseline = usedAfterGc();
        final StockEngine engine = new StockEngine(
            new EngineConfig().expectedBalances((int)balances), NoOpEventSink.INSTANCE);
        final long empty = usedAfterGc();

        final long loadStart = System.nanoTime();
        final Command c = new Command();
        final String[] locationNames = new String[locations];
        for (int l = 0; l < locations; l++)
        {
            locationNames[l] = Catalogue.locationName(l);
        }
        for (int s = 0; s < skus; s++)
        {
            final String sku = Catalogue.skuName(s);
            for (int l = 0; l < locations; l++)
            {
                Catalogue.receive(engine, c, sku, locationNames[l], Catalogue.EPOCH_MILLIS);
            }
        }
        final long loadNanos = System.nanoTime() - loadStart;
        final long loaded = usedAfterGc();

        final long reserveStart = System.nanoTime();
        for (int o = 0; o < orders; o++)
        {
            c.reset();
            c.type = CommandType.RESERVE;
            c.timestamp = Catalogue.EPOCH_MILLIS;
            c.orderId = Catalogue.padded("ORD-", o, 7);
            c.channel = MarketplaceMix.CHANNEL;
            // One line each, spread over every SKU and location; engine-interned names, so no new SKU Strings.
            final int sku = (int)((o * 2_654_435_761L) % skus);
            c.line(engine.state().symbolName(EventSink.SYMBOL_SKU, sku), locationNames[o % locations], 1);
            engine.process(c);
            if (c.result != ResultCode.OK)
            {
                throw new IllegalStateException("reserve " + o + " failed: " + ResultCode.name(c.result));
            }
        }
        final long reserveNanos = System.nanoTime() - reserveStart;
        final long reserved = usedAfterGc();

        System.out.printf("used heap after GC: baseline %,d B, empty engine %,d B, %,d balances %,d B, " +
            "%,d open orders %,d B%n", baseline, empty, balances, loaded, orders, reserved);
        System.out.printf("empty engine pre-sized for %,d balances: %,d B%n", balances, empty - baseline);
        System.out.printf("bytes per balance (engine included): %.1f (goal <= 160)%n",
            (double)(loaded - baseline) / balances);
        System.out.printf("bytes per open order line (1-line orders, id included): %.1f%n",
            (double)(reserved - loaded) / orders);
        System.out.printf("load: %,.0f receives/s; reserve: %,.0f reservations/s%n",
            balances * 1e9 / loadNanos, orders * 1e9 / reserveNanos);
        if (engine.state().balances().count() != balances || engine.state().orders().liveOrders() != orders)
        {
            throw new IllegalStateException("the engine does not hold what was loaded");
        }
    }

    private static String collectors()
    {
        final StringJoiner names = new StringJoiner(" + ");
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            names.add(gc.getName());
        }
        return names.toString();
    }

    /** Used heap after full collections, repeated until it stops shrinking (at most ten). */
    private static long usedAfterGc()
    {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++)
        {
            System.gc();
            final long now = MEMORY.getHeapMemoryUsage().getUsed();
            if (i >= 2 && now >= used)
            {
                return Math.min(used, now);
            }
            used = Math.min(used, now);
        }
        return used;
    }
}
