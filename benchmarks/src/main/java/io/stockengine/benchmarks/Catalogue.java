package io.stockengine.benchmarks;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.ResultCode;
import io.stockengine.engine.StockEngine;

/**
 * A synthetic catalogue: SKU and location names created once, and the RECEIVE commands that stock every
 * SKU x location. The names are kept as the very String instances the engine interns, so the benchmarks hand the
 * engine the same objects a decoder's intern cache would.
 */
final class Catalogue
{
    /** The catalogue size the design names: one million SKUs at ten locations, ten million balances. */
    static final int SKUS = 1_000_000;
    static final int LOCATIONS = 10;
    /** Deep enough that no benchmark run empties a balance, so every reservation in the mixes can succeed. */
    static final long UNITS_PER_BALANCE = 1_000_000;
    /** One unit of currency, in millionths. */
    static final long UNIT_COST = 1_000_000;
    /** 2026-11-21T00:00:00Z: engine time is synthetic, this only makes journal timestamps look plausible. */
    static final long EPOCH_MILLIS = 1_795_219_200_000L;

    final String[] skus;
    final String[] locations;

    Catalogue(final int skuCount, final int locationCount)
    {
        skus = new String[skuCount];
        locations = new String[locationCount];
        for (int i = 0; i < skuCount; i++)
        {
            skus[i] = skuName(i);
        }
        for (int i = 0; i < locationCount; i++)
        {
            locations[i] = locationName(i);
        }
    }

    int skuCount()
    {
        return skus.length;
    }

    int locationCount()
    {
        return locations.length;
    }

    int balanceCount()
    {
        return skus.length * locations.length;
    }

    /** "SKU-000123": six digits cover the million-SKU catalogue and keep every name the same length. */
    static String skuName(final int i)
    {
        return padded("SKU-", i, 6);
    }

    static String locationName(final int i)
    {
        return padded("LOC-", i, 2);
    }

    static String padded(final String prefix, final int value, final int digits)
    {
        final char[] text = new char[prefix.length() + digits];
        prefix.getChars(0, prefix.length(), text, 0);
        int v = value;
        for (int i = text.length - 1; i >= prefix.length(); i--)
        {
            text[i] = (char)('0' + v % 10);
            v /= 10;
        }
        return new String(text);
    }

    /**
     * Receives {@link #UNITS_PER_BALANCE} units into every SKU x location, SKU by SKU, so the balances of one SKU
     * sit next to each other as they would after a bulk load.
     */
    void receiveAll(final StockEngine engine, final long timestamp)
    {
        final Command c = new Command();
        for (final String sku : skus)
        {
            for (final String location : locations)
            {
                receive(engine, c, sku, location, timestamp);
            }
        }
    }

    static void receive(final StockEngine engine, final Command c, final String sku, final String location,
        final long timestamp)
    {
        c.reset();
        c.type = CommandType.RECEIVE;
        c.timestamp = timestamp;
        c.sku = sku;
        c.location = location;
        c.quantity = UNITS_PER_BALANCE;
        c.amount = UNIT_COST;
        engine.process(c);
        if (c.result != ResultCode.OK)
        {
            throw new IllegalStateException("receive of " + sku + " at " + location + " failed: " +
                ResultCode.name(c.result));
        }
    }
}
