package io.stockengine.client;

/**
 * A line of a command: an order line (sku, location or null to let the engine source it, quantity), a sale line
 * (location null: the sale names one), a kit component (sku, units per kit) or a channel allocation (sku,
 * location, units ring-fenced).
 */
public record Line(String sku, String location, long quantity)
{
    public static Line of(final String sku, final long quantity)
    {
        return new Line(sku, null, quantity);
    }

    public static Line of(final String sku, final String location, final long quantity)
    {
        return new Line(sku, location, quantity);
    }
}
