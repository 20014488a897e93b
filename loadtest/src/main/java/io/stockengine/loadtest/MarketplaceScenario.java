package io.stockengine.loadtest;

/**
 * A marketplace at checkout. Per hundred requests: about 28 reservations over the channels (1..lines lines, half
 * sourced by the engine; a fraction with a short TTL that are abandoned and left to expire), 20 picks, 20 ships,
 * 5 cancels of reserved orders, 17 availability queries of 1..5 SKUs, 5 stock queries and 5 receipts that bring
 * back about what shipping takes away. When no order waits for a pick, ship or cancel, a reservation goes instead.
 */
final class MarketplaceScenario extends Scenario
{
    MarketplaceScenario(final LoadConfig config, final Catalogue catalogue, final Ledger ledger)
    {
        super(config, catalogue, ledger);
    }

    @Override
    String name()
    {
        return "marketplace";
    }

    @Override
    public Op next(final long intendedNanos)
    {
        final int roll = random.nextInt(100);
        Op op = null;
        if (roll < 20)
        {
            op = action(OpKind.PICK, reserved);
        }
        else if (roll < 40)
        {
            op = action(OpKind.SHIP, toShip);
        }
        else if (roll < 45)
        {
            op = action(OpKind.CANCEL, reserved);
        }
        else if (roll < 62)
        {
            return randomAvailability(0, catalogue.skus.length);
        }
        else if (roll < 67)
        {
            return randomStockQuery();
        }
        else if (roll < 72)
        {
            return randomReceipt(0, null);
        }
        return op != null ? op : randomReserve(0);
    }
}
