package io.stockengine.loadtest;

/**
 * A multi-channel seller: mostly asking "how many can channel X sell". Each channel holds back a different buffer
 * and sources from the warehouses in a different order. Per hundred requests: 90 availability queries of 1..5 SKUs
 * for a random channel, then writes: 5 reservations (lines sourced or located as in the marketplace, the same TTL
 * fraction), 3 ships of reserved orders (ship picks and ships at once), 1 cancel and 1 receipt.
 */
final class MultichannelScenario extends Scenario
{
    MultichannelScenario(final LoadConfig config, final Catalogue catalogue, final Ledger ledger)
    {
        super(config, catalogue, ledger);
    }

    @Override
    String name()
    {
        return "multichannel";
    }

    @Override
    long channelBuffer(final int channel)
    {
        return channel;
    }

    @Override
    public Op next(final long intendedNanos)
    {
        final int roll = random.nextInt(100);
        if (roll < 90)
        {
            return randomAvailability(0, catalogue.skus.length);
        }
        Op op = null;
        if (roll < 93)
        {
            op = action(OpKind.SHIP, reserved);
        }
        else if (roll < 94)
        {
            op = action(OpKind.CANCEL, reserved);
        }
        else if (roll < 95)
        {
            return randomReceipt(0, null);
        }
        return op != null ? op : randomReserve(0);
    }

    @Override
    void requeue(final int kind, final Order order)
    {
        reserved.add(order);
    }
}
