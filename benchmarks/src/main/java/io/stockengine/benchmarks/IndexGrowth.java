package io.stockengine.benchmarks;

import io.stockengine.engine.Command;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.NoOpEventSink;
import io.stockengine.engine.StockEngine;

/**
 * The longest single command while a catalogue is created one balance at a time: on an engine of the default size
 * the balance index doubles on the logic thread as it fills, re-placing every balance, which is the pause
 * {@code --expected-balances} avoids; sized for the catalogue, no command waits for that. Prints the longest
 * receipt of each, and which one it was.
 * <p>
 * Run: {@code java -Xmx8g -XX:+UseParallelGC -cp benchmarks/target/benchmarks.jar
 * io.stockengine.benchmarks.IndexGrowth [skus [locations]]} (defaults 1,000,000 x 10).
 */
public final class IndexGrowth
{
    private IndexGrowth()
    {
    }

    public static void main(final String[] args)
    {
        final int skus = args.length > 0 ? count(args[0], "skus") : Catalogue.SKUS;
        final int locations = args.length > 1 ? count(args[1], "locations") : Catalogue.LOCATIONS;
        if ((long)skus * locations > 1 << 30)
        {
            System.err.println("IndexGrowth: skus x locations must be at most 2^30, not " + (long)skus * locations);
            System.exit(2);
        }
        final int balances = skus * locations;
        run("default size", new EngineConfig(), skus, locations);
        run("sized for " + String.format("%,d", balances), new EngineConfig().expectedBalances(balances), skus,
            locations);
    }

    /** A positional count from 1, or one line saying what to fix and exit status 2, instead of a stack trace. */
    private static int count(final String value, final String name)
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
        System.err.println("IndexGrowth: " + name + " must be a whole number from 1, not '" + value + "'; usage: " +
            "IndexGrowth [skus [locations]]");
        System.exit(2);
        return 0;
    }

    private static void run(final String label, final EngineConfig config, final int skus, final int locations)
    {
        System.gc();
        final StockEngine engine = new StockEngine(config, NoOpEventSink.INSTANCE);
        final Command c = new Command();
        final String[] locationNames = new String[locations];
        for (int l = 0; l < locations; l++)
        {
            locationNames[l] = Catalogue.locationName(l);
        }
        long longest = 0;
        long longestAt = 0;
        long created = 0;
        final long start = System.nanoTime();
        for (int s = 0; s < skus; s++)
        {
            final String sku = Catalogue.skuName(s);
            for (int l = 0; l < locations; l++)
            {
                final long before = System.nanoTime();
                Catalogue.receive(engine, c, sku, locationNames[l], Catalogue.EPOCH_MILLIS);
                final long took = System.nanoTime() - before;
                created++;
                if (took > longest)
                {
                    longest = took;
                    longestAt = created;
                }
            }
        }
        System.out.printf("%s: %,d balances in %.1f s; the longest single receipt took %.1f ms (the %,dth)%n",
            label, created, (System.nanoTime() - start) / 1e9, longest / 1e6, longestAt);
    }
}
