package io.stockengine.loadtest;

import io.stockengine.client.Line;

/**
 * A flash sale: a few hot SKUs with little stock at one warehouse, and most orders after them. Per hundred
 * requests: 15 ships of acknowledged orders (payment went through), 10 availability queries of hot SKUs (shoppers
 * refreshing), 75 reservations, of which {@code hot-fraction} are one unit of one hot SKU (the engine sources it)
 * and the rest ordinary orders over the other SKUs. No reservation has a TTL and none is cancelled, so a hot SKU's
 * stock only falls: once a refusal has seen none left, every later order for it must be refused too, and the
 * acknowledged units can never exceed the stock (the reconciliation checks both).
 */
final class FlashSaleScenario extends Scenario
{
    FlashSaleScenario(final LoadConfig config, final Catalogue catalogue, final Ledger ledger)
    {
        super(config, catalogue, ledger);
    }

    @Override
    String name()
    {
        return "flash-sale";
    }

    @Override
    long initialStock(final int sku, final int location)
    {
        if (sku < config.hotSkus)
        {
            return location == 0 ? config.hotStock : 0;
        }
        return config.initialStock;
    }

    @Override
    public Op next(final long intendedNanos)
    {
        final int roll = random.nextInt(100);
        if (roll < 15)
        {
            final Op ship = action(OpKind.SHIP, toShip);
            if (ship != null)
            {
                return ship;
            }
        }
        else if (roll < 25)
        {
            return randomAvailability(0, config.hotSkus);
        }
        if (random.nextDouble() < config.hotFraction)
        {
            final String sku = catalogue.skus[random.nextInt(config.hotSkus)];
            final Op op = Op.reserve(newOrder(randomChannel(), 0, new Line[] { new Line(sku, null, 1) }));
            op.hot = true;
            return op;
        }
        return Op.reserve(newOrder(randomChannel(), 0, randomLines(config.hotSkus)));
    }

    @Override
    void afterReserved(final Order order)
    {
        toShip.add(order);
    }
}
