package io.stockengine.loadtest;

import java.util.HashMap;
import java.util.Map;

/**
 * The names a run uses. SKUs carry the run id ({@code <run>-<index>}), so every run starts from SKUs the engine has
 * never seen and its reconciliation is exact even against a server that has served other runs; locations and
 * channels are shared names. A run configures its channels, so their names say they are the load test's
 * ({@code loadtest-web}): a run against a server that also serves real channels must not rewrite their policies.
 */
final class Catalogue
{
    private static final String[] CHANNEL_NAMES = {
        "loadtest-web", "loadtest-marketplace", "loadtest-wholesale", "loadtest-app", "loadtest-retail",
        "loadtest-b2b", "loadtest-social", "loadtest-partner" };

    final String runId;
    final String[] skus;
    final String[] locations;
    final String[] channels;
    private final Map<String, Integer> locationIndex = new HashMap<>();
    private final String skuPrefix;

    Catalogue(final String runId, final int skuCount, final String[] locations, final String[] channels)
    {
        this.runId = runId;
        this.skuPrefix = runId + "-";
        this.skus = new String[skuCount];
        for (int i = 0; i < skuCount; i++)
        {
            skus[i] = skuPrefix + i;
        }
        this.locations = locations;
        this.channels = channels;
        for (int i = 0; i < locations.length; i++)
        {
            locationIndex.put(locations[i], i);
        }
    }

    static String[] warehouses(final int count)
    {
        final String[] names = new String[count];
        for (int i = 0; i < count; i++)
        {
            names[i] = "WH-" + (i + 1);
        }
        return names;
    }

    static String[] stores(final int count)
    {
        final String[] names = new String[count];
        for (int i = 0; i < count; i++)
        {
            names[i] = String.format("STORE-%04d", i + 1);
        }
        return names;
    }

    static String[] channels(final int count)
    {
        final String[] names = new String[count];
        for (int i = 0; i < count; i++)
        {
            names[i] = i < CHANNEL_NAMES.length ? CHANNEL_NAMES[i] : "loadtest-channel-" + (i + 1);
        }
        return names;
    }

    /** The index of one of this run's SKUs, or -1. */
    int skuIndex(final String sku)
    {
        if (sku == null || !sku.startsWith(skuPrefix))
        {
            return -1;
        }
        try
        {
            final int index = Integer.parseInt(sku, skuPrefix.length(), sku.length(), 10);
            return index >= 0 && index < skus.length ? index : -1;
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    int locationIndex(final String location)
    {
        final Integer index = location == null ? null : locationIndex.get(location);
        return index == null ? -1 : index;
    }

    int cells()
    {
        return skus.length * locations.length;
    }

    int cell(final int sku, final int location)
    {
        return sku * locations.length + location;
    }
}
