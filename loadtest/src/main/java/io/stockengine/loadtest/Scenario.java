package io.stockengine.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.stockengine.client.Line;
import io.stockengine.engine.OrderStatus;
import io.stockengine.engine.ResultCode;

/**
 * What every scenario shares: the catalogue set-up through the API, order and key numbering, the queues that move
 * an order from one step of its life to the next, and the bookkeeping of every answer in the {@link Ledger}.
 * Subclasses choose the mix ({@link #next}) and where an order goes after each acknowledged step.
 * <p>
 * Threading: {@link #next} and the random generator belong to the scheduler thread; {@link #completed} runs on the
 * IO threads. An order is in a queue or acted on by exactly one request at a time, never both.
 */
abstract class Scenario implements Workload
{
    /** Quantity of each receipt that keeps stock flowing during a run. */
    static final long REPLENISH_UNITS = 20;

    final LoadConfig config;
    final Catalogue catalogue;
    final Ledger ledger;
    final SplittableRandom random;
    /** Reserved orders waiting for their next action (pick, or cancel). */
    final Queue<Order> reserved = new ConcurrentLinkedQueue<>();
    /** Orders waiting to be shipped. */
    final Queue<Order> toShip = new ConcurrentLinkedQueue<>();
    private long orders;
    private long keys;

    Scenario(final LoadConfig config, final Catalogue catalogue, final Ledger ledger)
    {
        this.config = config;
        this.catalogue = catalogue;
        this.ledger = ledger;
        this.random = new SplittableRandom(config.seed);
    }

    static Scenario create(final LoadConfig config)
    {
        final String[] locations = "pos".equals(config.scenario) ? Catalogue.stores(config.locations) :
            Catalogue.warehouses(config.locations);
        final String[] channels = "pos".equals(config.scenario) ? new String[] { "pos" } :
            Catalogue.channels(config.channels);
        final Catalogue catalogue = new Catalogue(config.runId, config.skus, locations, channels);
        final Ledger ledger = new Ledger(catalogue, config.hotSkuCount());
        switch (config.scenario)
        {
            case "marketplace":
                return new MarketplaceScenario(config, catalogue, ledger);
            case "flash-sale":
                return new FlashSaleScenario(config, catalogue, ledger);
            case "multichannel":
                return new MultichannelScenario(config, catalogue, ledger);
            case "pos":
                return new PosScenario(config, catalogue, ledger);
            default:
                throw new IllegalArgumentException("unknown scenario " + config.scenario);
        }
    }

    abstract String name();

    /**
     * The catalogue, loaded through the API before the run: channel policies, then a receipt of the initial stock
     * for every SKU x location.
     */
    List<Op> setup()
    {
        final List<Op> ops = new ArrayList<>(catalogue.cells() + catalogue.channels.length);
        for (int c = 0; c < catalogue.channels.length; c++)
        {
            ops.add(Op.channel(catalogue.channels[c], channelBuffer(c), rotated(catalogue.locations, c)));
        }
        for (int sku = 0; sku < catalogue.skus.length; sku++)
        {
            for (int location = 0; location < catalogue.locations.length; location++)
            {
                final long units = initialStock(sku, location);
                if (units > 0)
                {
                    ops.add(Op.receive(newKey(), catalogue.skus[sku], catalogue.locations[location], units));
                }
            }
        }
        return ops;
    }

    /** Units received before the run at one SKU x location (0: none). */
    long initialStock(final int sku, final int location)
    {
        return config.initialStock;
    }

    /** Units each channel holds back per location. */
    long channelBuffer(final int channel)
    {
        return 0;
    }

    /** Each channel sources from the locations in a different order, so the engine's sourcing varies. */
    static String[] rotated(final String[] names, final int by)
    {
        final String[] out = new String[names.length];
        for (int i = 0; i < names.length; i++)
        {
            out[i] = names[(i + by) % names.length];
        }
        return out;
    }

    String newKey()
    {
        return catalogue.runId + "-k" + (++keys);
    }

    Order newOrder(final String channel, final long ttlSeconds, final Line[] lines)
    {
        return new Order(catalogue.runId + "-o" + (++orders), channel, ttlSeconds, lines);
    }

    String randomChannel()
    {
        return catalogue.channels[random.nextInt(catalogue.channels.length)];
    }

    /** Order lines over SKUs [from, catalogue end): 1..lines of them, 1..3 units, half sourced by the engine. */
    Line[] randomLines(final int fromSku)
    {
        final int count = 1 + random.nextInt(config.lines);
        final Line[] lines = new Line[count];
        for (int i = 0; i < count; i++)
        {
            final String sku = catalogue.skus[fromSku + random.nextInt(catalogue.skus.length - fromSku)];
            final String location = random.nextBoolean() ? null :
                catalogue.locations[random.nextInt(catalogue.locations.length)];
            lines[i] = new Line(sku, location, 1 + random.nextInt(3));
        }
        return lines;
    }

    Op randomReserve(final int fromSku)
    {
        final long ttl = random.nextDouble() < config.ttlFraction ? config.ttlSeconds : 0;
        return Op.reserve(newOrder(randomChannel(), ttl, randomLines(fromSku)));
    }

    Op randomAvailability(final int fromSku, final int toSku)
    {
        final String[] skus = new String[1 + random.nextInt(5)];
        for (int i = 0; i < skus.length; i++)
        {
            skus[i] = catalogue.skus[fromSku + random.nextInt(toSku - fromSku)];
        }
        return Op.availability(randomChannel(), skus);
    }

    Op randomReceipt(final int fromSku, final String location)
    {
        final String sku = catalogue.skus[fromSku + random.nextInt(catalogue.skus.length - fromSku)];
        return Op.receive(newKey(), sku,
            location != null ? location : catalogue.locations[random.nextInt(catalogue.locations.length)],
            REPLENISH_UNITS);
    }

    Op randomStockQuery()
    {
        return Op.stock(catalogue.skus[random.nextInt(catalogue.skus.length)]);
    }

    /** The next action on a queued order, or null when none waits. */
    static Op action(final int kind, final Queue<Order> queue)
    {
        final Order order = queue.poll();
        return order == null ? null : Op.action(kind, order);
    }

    // ---- answers ----

    @Override
    public final void completed(final Op op, final Outcome outcome)
    {
        switch (op.kind)
        {
            case OpKind.RESERVE -> reserveCompleted(op, outcome);
            case OpKind.PICK, OpKind.SHIP, OpKind.CANCEL -> actionCompleted(op, outcome);
            case OpKind.SALE, OpKind.RECEIVE -> movementCompleted(op, outcome);
            default ->
            {
                // Queries change nothing; their answers count only in the statistics.
            }
        }
    }

    private void reserveCompleted(final Op op, final Outcome outcome)
    {
        final Order order = op.order;
        if (outcome.code == ResultCode.OK)
        {
            ledger.reserved(order, outcome, op.sentNanos, op.hot);
            if (order.status == OrderStatus.RESERVED)
            {
                afterReserved(order);
            }
        }
        else if (Codes.isUnknown(outcome.code))
        {
            order.unknown = true;
            order.lostKind = OpKind.RESERVE;
            ledger.open.add(order);
        }
        else if (!Codes.notApplied(outcome.code))
        {
            ledger.refused(outcome, System.nanoTime(), op.hot);
        }
    }

    private void actionCompleted(final Op op, final Outcome outcome)
    {
        final Order order = op.order;
        if (outcome.code == ResultCode.OK)
        {
            order.status = outcome.status;
            switch (outcome.status)
            {
                case OrderStatus.SHIPPED -> ledger.shipped(order);
                case OrderStatus.CANCELLED -> ledger.cancelled(order);
                case OrderStatus.EXPIRED -> ledger.expired(order);
                case OrderStatus.PICKED -> afterPicked(order);
                default -> ledger.anomalies.add(order.id + ": " + OpKind.name(op.kind) + " answered status " +
                    OrderStatus.name(outcome.status));
            }
        }
        else if (Codes.isUnknown(outcome.code))
        {
            order.unknown = true;
            order.lostKind = op.kind;
        }
        else if (Codes.notApplied(outcome.code))
        {
            // The engine never saw it: the order is as it was, so it goes back for another try.
            requeue(op.kind, order);
        }
        // Any other refusal (an order that expired under a pick) leaves the order open: the check after the run
        // compares it with the engine.
    }

    private void movementCompleted(final Op op, final Outcome outcome)
    {
        if (outcome.code == ResultCode.OK)
        {
            if (op.kind == OpKind.SALE)
            {
                ledger.sold(op);
            }
            else
            {
                ledger.received(op);
            }
        }
        else if (Codes.isUnknown(outcome.code))
        {
            ledger.unknownMovements.add(op);
        }
    }

    /** A new reservation is acknowledged. */
    void afterReserved(final Order order)
    {
        if (order.ttlSeconds == 0)
        {
            reserved.add(order);
        }
    }

    /** A pick is acknowledged. */
    void afterPicked(final Order order)
    {
        toShip.add(order);
    }

    /** An action the engine never applied: the order waits for it again. */
    void requeue(final int kind, final Order order)
    {
        if (kind == OpKind.SHIP)
        {
            toShip.add(order);
        }
        else
        {
            reserved.add(order);
        }
    }
}
