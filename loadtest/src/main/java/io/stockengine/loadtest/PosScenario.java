package io.stockengine.loadtest;

import io.stockengine.client.Line;

/**
 * Point of sale in many stores: tills send their sales in bursts (a burst of {@code burst} requests shares one
 * intended start, all from one store), every store carrying the whole catalogue. Per hundred requests: 88 sales of
 * 1..lines lines of 1..2 units, 7 stock queries (a clerk checking another store) and 5 replenishment receipts at
 * the store.
 */
final class PosScenario extends Scenario
{
    private long burstStart = Long.MIN_VALUE;
    private String store;

    PosScenario(final LoadConfig config, final Catalogue catalogue, final Ledger ledger)
    {
        super(config, catalogue, ledger);
    }

    @Override
    String name()
    {
        return "pos";
    }

    @Override
    public int burst()
    {
        return config.burst;
    }

    @Override
    public Op next(final long intendedNanos)
    {
        if (intendedNanos != burstStart || store == null)
        {
            burstStart = intendedNanos;
            store = catalogue.locations[random.nextInt(catalogue.locations.length)];
        }
        final int roll = random.nextInt(100);
        if (roll < 88)
        {
            final Line[] lines = new Line[1 + random.nextInt(config.lines)];
            for (int i = 0; i < lines.length; i++)
            {
                lines[i] = new Line(catalogue.skus[random.nextInt(catalogue.skus.length)], null,
                    1 + random.nextInt(2));
            }
            return Op.sale(newKey(), catalogue.channels[0], store, lines);
        }
        if (roll < 95)
        {
            return randomStockQuery();
        }
        return randomReceipt(0, store);
    }
}
