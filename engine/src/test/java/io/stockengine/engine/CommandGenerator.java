package io.stockengine.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Seeded random commands of every type over a small universe (a few hot SKUs, kits, five locations, channels with
 * buffers and ring-fences), shaped so that every outcome happens often: stock is kept scarce, orders are driven
 * through every transition, and recent commands are retried with the same key, a changed payload or a new key.
 * <p>
 * It reads the reference model's state to aim at real orders, lines and transfers, so the model must have processed
 * every command handed out before the next is asked for.
 */
final class CommandGenerator
{
    static final String[] LOCATIONS = { "L0", "L1", "L2", "L3", "L4" };
    static final String RARE_LOCATION = "L5";
    static final String[] CHANNELS = { "web", "mkt", "pos", "b2b" };
    static final String UNCONFIGURED_CHANNEL = "app";
    static final int PLAIN_SKUS = 40;
    static final int HOT_SKUS = 4;
    static final String[] KITS = { "K0", "K1", "K2", "K3", "K4", "K5" };
    /** SKUs nobody stocks at first: candidates to become kits later, unless something stocks them first. */
    static final String[] SPARE_SKUS = { "N0", "N1", "N2", "N3" };
    static final long START_TIME = 1_767_225_600_000L;

    private static final int RECENT = 64;
    private static final int[] FREE_BUCKETS = { Bucket.SELLABLE, Bucket.QUALITY_CONTROL, Bucket.DAMAGED };
    private static final int[] ADJUST_REASONS = { Reason.LOST, Reason.FOUND, Reason.THEFT, Reason.CORRECTION,
        Reason.WRITE_OFF };
    private static final int[] MOVE_REASONS = { Reason.NONE, Reason.DAMAGE, Reason.REGRADE };

    private final Random random;
    private final ReferenceModel model;
    private final ArrayDeque<Command> warmUp = new ArrayDeque<>();
    private final Command[] recent = new Command[RECENT];
    private final ArrayDeque<String> shippedOrders = new ArrayDeque<>();
    private final Set<String> usedOrderIds = new LinkedHashSet<>();
    private final List<String> transferIds = new ArrayList<>();
    /** Each channel's last configuration, sent again now and then: a repeat must change nothing. */
    private final java.util.Map<String, Command> channelConfigs = new java.util.HashMap<>();
    private int recentCount;
    private long clock = START_TIME;
    private long correlation;
    private long orders;
    private long keys;
    private long transfers;

    /** A stream of generated commands, each first run through the model so later commands refer to live state. */
    static List<Command> stream(final long seed, final int length)
    {
        final ReferenceModel model = new ReferenceModel(30_000, 5_000);
        final CommandGenerator generator = new CommandGenerator(seed, model);
        final List<Command> stream = new ArrayList<>(length);
        for (int i = 0; i < length; i++)
        {
            final Command c = new Command();
            generator.next(c);
            model.process(new Command().copyInputsFrom(c));
            stream.add(c);
        }
        return stream;
    }

    CommandGenerator(final long seed, final ReferenceModel model)
    {
        this.random = new Random(seed);
        this.model = model;
        queueWarmUp();
    }

    static String sku(final int i)
    {
        return String.format("S%02d", i);
    }

    /** Every SKU name the generator may use, plus one it never uses. */
    static List<String> universe()
    {
        final List<String> all = new ArrayList<>();
        for (int i = 0; i < PLAIN_SKUS; i++)
        {
            all.add(sku(i));
        }
        all.addAll(List.of(KITS));
        all.addAll(List.of(SPARE_SKUS));
        all.add("ZZ");
        return all;
    }

    Set<String> usedOrderIds()
    {
        return usedOrderIds;
    }

    List<String> transferIds()
    {
        return transferIds;
    }

    /** Interns the locations in a fixed order first, so sourcing order never depends on what a refusal interned. */
    private void queueWarmUp()
    {
        for (final String location : LOCATIONS)
        {
            warmUp.add(movement(CommandType.RECEIVE, sku(0), location).quantity(60).done());
        }
        warmUp.add(kit("K0", "S20", 1, "S21", 2));
        warmUp.add(kit("K1", "S22", 1, "S00", 1));
        warmUp.add(kit("K2", "S23", 3));
        warmUp.add(kit("K3", "S24", 1, "S25", 1, "S26", 1));
        warmUp.add(channel("web", 0, new String[] { "L0", "L1", "L2" }, "S01", "L0", 5, "S20", "L0", 3));
        warmUp.add(channel("mkt", 2, new String[] { "L2", "L3" }, "S00", "L2", 4));
        warmUp.add(channel("pos", 0, new String[] { "L4" }));
        warmUp.add(channel("b2b", 1, new String[0], "S02", "L1", 6));
        for (int i = 0; i < 80; i++)
        {
            warmUp.add(movement(CommandType.RECEIVE, sku(random.nextInt(PLAIN_SKUS)), location())
                .quantity(1 + random.nextInt(30)).done());
        }
    }

    /** Fills {@code c} with the next command. */
    void next(final Command c)
    {
        if (!warmUp.isEmpty())
        {
            c.copyInputsFrom(warmUp.poll());
            c.timestamp = advanceClock();
            return;
        }
        c.reset();
        final int roll = random.nextInt(1000);
        if (roll < 60 && recentCount > 0)
        {
            retry(c);
        }
        else if (roll < 240)
        {
            reserve(c);
        }
        else if (roll < 400)
        {
            orderAction(c, roll < 300 ? CommandType.SHIP : roll < 350 ? CommandType.PICK : CommandType.CANCEL);
        }
        else if (roll < 440)
        {
            returnLines(c);
        }
        else if (roll < 500)
        {
            sale(c);
        }
        else if (roll < 760)
        {
            stockMovement(c, roll);
        }
        else if (roll < 800)
        {
            policy(c, roll);
        }
        else if (roll < 830)
        {
            c.type = CommandType.TICK;
        }
        else
        {
            query(c, roll);
        }
        c.correlationId = ++correlation;
        c.timestamp = advanceClock();
        if (c.key != null || c.type == CommandType.RESERVE)
        {
            remember(c);
        }
    }

    private long advanceClock()
    {
        final int roll = random.nextInt(1000);
        if (roll < 20)
        {
            return clock - random.nextInt(5_000);
        }
        if (roll < 700)
        {
            clock += random.nextInt(6);
        }
        else if (roll < 950)
        {
            clock += random.nextInt(200);
        }
        else if (roll < 990)
        {
            clock += 1_000 + random.nextInt(30_000);
        }
        else
        {
            clock += 60_000 + random.nextInt(900_000);
        }
        return clock;
    }

    private void remember(final Command c)
    {
        final Command copy = new Command().copyInputsFrom(c);
        recent[recentCount < RECENT ? recentCount++ : random.nextInt(RECENT)] = copy;
    }

    // ---- names ----

    private String plainSku()
    {
        return random.nextInt(10) < 4 ? sku(random.nextInt(HOT_SKUS)) : sku(random.nextInt(PLAIN_SKUS));
    }

    private String orderSku()
    {
        final int roll = random.nextInt(100);
        if (roll < 12)
        {
            return KITS[random.nextInt(KITS.length)];
        }
        return roll < 14 ? SPARE_SKUS[random.nextInt(SPARE_SKUS.length)] : plainSku();
    }

    private String stockSku()
    {
        final int roll = random.nextInt(100);
        if (roll < 4)
        {
            return KITS[random.nextInt(KITS.length)];
        }
        return roll < 6 ? SPARE_SKUS[random.nextInt(SPARE_SKUS.length)] : plainSku();
    }

    private String location()
    {
        return random.nextInt(200) == 0 ? RARE_LOCATION : LOCATIONS[random.nextInt(LOCATIONS.length)];
    }

    private String channel()
    {
        final int roll = random.nextInt(100);
        return roll < 88 ? CHANNELS[random.nextInt(CHANNELS.length)] : UNCONFIGURED_CHANNEL;
    }

    private String newKey()
    {
        return "k" + (++keys);
    }

    // ---- orders ----

    private void reserve(final Command c)
    {
        c.type = CommandType.RESERVE;
        c.orderId = "o" + (++orders);
        usedOrderIds.add(c.orderId);
        c.channel = random.nextInt(100) == 0 ? null : channel();
        final int ttlRoll = random.nextInt(10);
        c.time = ttlRoll < 4 ? 0 : ttlRoll < 8 ? 50 + random.nextInt(5_000) : 5_000 + random.nextInt(120_000);
        final int roll = random.nextInt(100);
        final int lines = roll < 50 ? 1 : roll < 80 ? 2 : roll < 95 ? 3 : 4 + random.nextInt(4);
        final Set<String> skus = new LinkedHashSet<>();
        while (skus.size() < lines)
        {
            skus.add(orderSku());
        }
        for (final String sku : skus)
        {
            final String location = random.nextBoolean() ? null : location();
            final long quantity = random.nextInt(10) == 0 ? 4 + random.nextInt(12) : 1 + random.nextInt(3);
            c.line(sku, location, quantity);
        }
        if (random.nextInt(20) == 0)
        {
            c.line(c.lineSku[0], random.nextBoolean() ? null : location(), 1 + random.nextInt(2));
        }
    }

    private ReferenceModel.Order someOrder()
    {
        final Set<ReferenceModel.Order> open = model.openOrders();
        if (open.isEmpty())
        {
            return null;
        }
        final int skip = random.nextInt(Math.min(open.size(), 400));
        int i = 0;
        for (final ReferenceModel.Order order : open)
        {
            if (i++ == skip)
            {
                return order;
            }
        }
        return null;
    }

    private String orderIdForAction()
    {
        final int roll = random.nextInt(100);
        final int open = model.openOrders().size();
        final int pressure = open > 300 ? 95 : 75;
        if (roll < pressure)
        {
            final ReferenceModel.Order order = someOrder();
            if (order != null)
            {
                return order.id;
            }
        }
        if (roll < 97 && !usedOrderIds.isEmpty())
        {
            return "o" + (1 + random.nextInt((int)Math.max(1, orders)));
        }
        return "x" + random.nextInt(1000);
    }

    private void orderAction(final Command c, final int type)
    {
        c.type = type;
        c.orderId = orderIdForAction();
        if (type == CommandType.SHIP)
        {
            shippedOrders.addLast(c.orderId);
            if (shippedOrders.size() > 200)
            {
                shippedOrders.pollFirst();
            }
        }
        if (random.nextBoolean())
        {
            return;
        }
        c.key = newKey();
        final ReferenceModel.Order order = model.order(c.orderId);
        final int count = 1 + (random.nextInt(4) == 0 ? 1 : 0);
        for (int i = 0; i < count; i++)
        {
            if (order == null || random.nextInt(25) == 0)
            {
                c.line(orderSku(), random.nextBoolean() ? null : location(), 1 + random.nextInt(3));
                continue;
            }
            final ReferenceModel.Line line = order.lines.get(random.nextInt(order.lines.size()));
            final long limit = type == CommandType.PICK ? line.reserved : line.reserved + line.picked;
            final int where = random.nextInt(20);
            final String location = where < 10 ? line.location : where < 19 ? null : location();
            c.line(line.sku, location, 1 + random.nextInt((int)Math.min(limit, 20) + 1));
        }
    }

    private void returnLines(final Command c)
    {
        c.type = CommandType.RETURN;
        c.key = newKey();
        c.flag = random.nextInt(3) > 0;
        final String id = shippedOrders.isEmpty() || random.nextInt(15) == 0 ? "x" + random.nextInt(1000) :
            shippedOrders.toArray(new String[0])[random.nextInt(shippedOrders.size())];
        c.orderId = id;
        final ReferenceModel.Order order = model.order(id);
        if (order == null)
        {
            c.line(orderSku(), null, 1);
            return;
        }
        final ReferenceModel.Line line = order.lines.get(random.nextInt(order.lines.size()));
        final long returnable = line.shipped - line.returned;
        c.line(line.sku, random.nextBoolean() ? line.location : null,
            1 + random.nextInt((int)Math.min(returnable, 10) + 1));
        if (random.nextInt(6) == 0)
        {
            c.line(line.sku, null, 1);
        }
    }

    private void sale(final Command c)
    {
        c.type = CommandType.SALE;
        c.key = newKey();
        c.channel = channel();
        c.location = location();
        final int lines = 1 + random.nextInt(3);
        final Set<String> skus = new LinkedHashSet<>();
        while (skus.size() < lines)
        {
            skus.add(orderSku());
        }
        for (final String sku : skus)
        {
            c.line(sku, null, 1 + random.nextInt(3));
        }
        if (random.nextInt(20) == 0)
        {
            c.line(c.lineSku[0], null, 1);
        }
    }

    // ---- other movements ----

    private void stockMovement(final Command c, final int roll)
    {
        c.key = newKey();
        c.sku = stockSku();
        c.location = location();
        if (roll < 580)
        {
            c.type = CommandType.RECEIVE;
            c.quantity = 1 + random.nextInt(random.nextInt(4) == 0 ? 40 : 12);
            c.amount = 1_000_000L * (1 + random.nextInt(50));
            if (random.nextInt(400) == 0)
            {
                // Worth the most a receipt may be worth, or a millionth more (refused).
                c.amount = Long.MAX_VALUE / c.quantity + (c.quantity > 1 ? random.nextInt(2) : 0);
            }
            c.flag = random.nextInt(5) == 0;
            final Set<String> pos = model.purchaseOrders(c.sku, c.location);
            if (!pos.isEmpty() && random.nextBoolean())
            {
                c.reference = pos.iterator().next();
            }
            else if (random.nextInt(10) == 0)
            {
                c.reference = "po" + random.nextInt(30);
            }
        }
        else if (roll < 600)
        {
            c.type = CommandType.ANNOUNCE_INCOMING;
            c.reference = "po" + random.nextInt(30);
            c.quantity = random.nextInt(30) == 0 ? 0 : 1 + random.nextInt(50);
            c.time = clock + random.nextInt(3 * 86_400_000);
            c.amount = 500_000L * (1 + random.nextInt(40));
        }
        else if (roll < 620)
        {
            c.type = CommandType.INSPECT;
            c.quantity = random.nextInt(4);
            c.quantity2 = c.quantity == 0 ? 1 + random.nextInt(2) : random.nextInt(3);
        }
        else if (roll < 640)
        {
            c.type = CommandType.MOVE;
            final int from = random.nextInt(3);
            c.bucket = FREE_BUCKETS[from];
            c.bucket2 = FREE_BUCKETS[(from + 1 + random.nextInt(2)) % 3];
            c.quantity = 1 + random.nextInt(5);
            c.reason = MOVE_REASONS[random.nextInt(MOVE_REASONS.length)];
        }
        else if (roll < 665)
        {
            c.type = CommandType.ADJUST;
            c.bucket = random.nextInt(10) < 6 ? Bucket.SELLABLE : FREE_BUCKETS[random.nextInt(3)];
            c.quantity = (1 + random.nextInt(10)) * (random.nextBoolean() ? 1 : -1);
            c.reason = ADJUST_REASONS[random.nextInt(ADJUST_REASONS.length)];
        }
        else if (roll < 690)
        {
            c.type = CommandType.COUNT;
            c.quantity = random.nextInt(30);
            c.flag = random.nextBoolean();
            if (c.flag)
            {
                final long sellable = model.sellable(c.sku, c.location);
                c.quantity2 = random.nextInt(4) == 0 ? sellable + 1 + random.nextInt(3) : sellable;
            }
        }
        else if (roll < 725)
        {
            c.type = CommandType.TRANSFER_OUT;
            c.reference = !transferIds.isEmpty() && random.nextInt(20) == 0 ?
                transferIds.get(random.nextInt(transferIds.size())) : "t" + (++transfers);
            if (!transferIds.contains(c.reference))
            {
                transferIds.add(c.reference);
            }
            c.location2 = random.nextInt(30) == 0 ? c.location :
                LOCATIONS[(List.of(LOCATIONS).indexOf(c.location) + 1 + random.nextInt(LOCATIONS.length - 1)) %
                    LOCATIONS.length];
            c.quantity = 1 + random.nextInt(8);
        }
        else
        {
            c.type = CommandType.TRANSFER_IN;
            c.sku = null;
            c.location = null;
            c.flag = random.nextInt(4) == 0;
            if (transferIds.isEmpty() || random.nextInt(15) == 0)
            {
                c.reference = "t-none-" + random.nextInt(100);
                return;
            }
            c.reference = transferIds.get(Math.max(0, transferIds.size() - 1 - random.nextInt(30)));
            final ReferenceModel.Transfer transfer = model.transfer(c.reference);
            final long inTransit = transfer == null ? 3 : transfer.inTransit;
            c.quantity = random.nextInt(5) < 2 ? 0 : 1 + random.nextInt((int)Math.min(inTransit, 10) + 1);
        }
    }

    // ---- policies ----

    private void policy(final Command c, final int roll)
    {
        c.key = random.nextInt(3) == 0 ? null : newKey();
        if (roll < 780)
        {
            c.type = CommandType.SET_SAFETY_STOCK;
            c.sku = stockSku();
            c.location = location();
            c.quantity = random.nextInt(5);
        }
        else if (roll < 792)
        {
            configureChannel(c);
        }
        else
        {
            defineKit(c);
        }
    }

    private void configureChannel(final Command c)
    {
        c.type = CommandType.CONFIGURE_CHANNEL;
        c.channel = random.nextInt(8) == 0 ? UNCONFIGURED_CHANNEL + random.nextInt(3) :
            CHANNELS[random.nextInt(CHANNELS.length)];
        final Command last = channelConfigs.get(c.channel);
        if (last != null && random.nextInt(3) == 0)
        {
            final String key = c.key;
            c.copyInputsFrom(last);
            c.key = key;
            shuffleAllocations(c);
            return;
        }
        if (last != null && random.nextBoolean())
        {
            // Most fences kept as they are, beside another buffer or one fence changed: the kept ones stay as
            // they stand (what was sold from them is not fenced again).
            final String key = c.key;
            c.copyInputsFrom(last);
            c.key = key;
            c.quantity = random.nextInt(4);
            if (c.lineCount > (int)c.quantity2 && random.nextBoolean())
            {
                c.lineQuantity[(int)c.quantity2 + random.nextInt(c.lineCount - (int)c.quantity2)] = 1 + random.nextInt(6);
            }
            shuffleAllocations(c);
            channelConfigs.put(c.channel, new Command().copyInputsFrom(c));
            return;
        }
        c.quantity = random.nextInt(4);
        final List<String> locations = new ArrayList<>(List.of(LOCATIONS));
        Collections.shuffle(locations, random);
        final int count = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(3);
        for (int i = 0; i < count; i++)
        {
            c.line(null, locations.get(i), 0);
        }
        c.quantity2 = count;
        final Set<String> fenced = new LinkedHashSet<>();
        final int allocations = random.nextInt(4);
        for (int i = 0; i < allocations; i++)
        {
            final String sku = random.nextBoolean() ? sku(random.nextInt(HOT_SKUS)) : sku(20 + random.nextInt(7));
            final String location = LOCATIONS[random.nextInt(LOCATIONS.length)];
            if (fenced.add(sku + "@" + location))
            {
                c.line(sku, location, 1 + random.nextInt(6));
            }
        }
        channelConfigs.put(c.channel, new Command().copyInputsFrom(c));
    }

    /** The same allocations in another order are the same configuration. */
    private void shuffleAllocations(final Command c)
    {
        for (int i = c.lineCount - 1; i > (int)c.quantity2; i--)
        {
            final int j = (int)c.quantity2 + random.nextInt(i - (int)c.quantity2 + 1);
            final String sku = c.lineSku[i];
            final String location = c.lineLocation[i];
            final long quantity = c.lineQuantity[i];
            c.lineSku[i] = c.lineSku[j];
            c.lineLocation[i] = c.lineLocation[j];
            c.lineQuantity[i] = c.lineQuantity[j];
            c.lineSku[j] = sku;
            c.lineLocation[j] = location;
            c.lineQuantity[j] = quantity;
        }
    }

    private void defineKit(final Command c)
    {
        c.type = CommandType.DEFINE_KIT;
        final int roll = random.nextInt(100);
        if (roll < 40)
        {
            c.sku = KITS[random.nextInt(KITS.length)];
        }
        else if (roll < 70)
        {
            c.sku = SPARE_SKUS[random.nextInt(SPARE_SKUS.length)];
        }
        else
        {
            c.sku = plainSku();
        }
        final int components = 1 + random.nextInt(3);
        final Set<String> skus = new LinkedHashSet<>();
        while (skus.size() < components)
        {
            final int pick = random.nextInt(40);
            skus.add(pick == 0 ? c.sku : pick == 1 ? KITS[random.nextInt(KITS.length)] :
                pick < 6 ? sku(random.nextInt(HOT_SKUS)) : sku(20 + random.nextInt(20)));
        }
        for (final String sku : skus)
        {
            c.line(sku, null, 1 + random.nextInt(3));
        }
    }

    // ---- queries ----

    private void query(final Command c, final int roll)
    {
        if (roll < 860)
        {
            c.type = CommandType.QUERY_STOCK_AT;
            c.sku = stockSku();
            c.location = location();
        }
        else if (roll < 890)
        {
            c.type = CommandType.QUERY_STOCK;
            c.sku = random.nextInt(30) == 0 ? "ZZ" : stockSku();
        }
        else if (roll < 940)
        {
            c.type = CommandType.QUERY_AVAILABILITY;
            c.channel = random.nextInt(20) == 0 ? "nowhere" : channel();
            final int skus = 1 + random.nextInt(3);
            for (int i = 0; i < skus; i++)
            {
                c.line(orderSku(), null, 0);
            }
            c.flag = random.nextInt(3) == 0;
            c.time = c.flag ? clock + random.nextInt(4 * 86_400_000) : 0;
        }
        else if (roll < 970)
        {
            c.type = CommandType.QUERY_ORDER;
            c.orderId = orderIdForAction();
        }
        else if (roll < 990)
        {
            c.type = CommandType.QUERY_TRANSFER;
            c.reference = transferIds.isEmpty() || random.nextInt(10) == 0 ? "t-none" :
                transferIds.get(random.nextInt(transferIds.size()));
        }
        else if (roll < 995)
        {
            c.type = CommandType.QUERY_CHANNEL;
            c.channel = random.nextInt(5) == 0 ? UNCONFIGURED_CHANNEL : CHANNELS[random.nextInt(CHANNELS.length)];
        }
        else
        {
            // Kits, and now and then a SKU that may or may not have become one (the candidates) or never will.
            c.type = CommandType.QUERY_KIT;
            final int pick = random.nextInt(4);
            c.sku = pick < 2 ? KITS[random.nextInt(KITS.length)] :
                pick == 2 ? SPARE_SKUS[random.nextInt(SPARE_SKUS.length)] : plainSku();
        }
    }

    // ---- retries ----

    /** Same key and payload (a replay), same key with a changed payload (a conflict) or the payload under a new key. */
    private void retry(final Command c)
    {
        final Command original = recent[random.nextInt(recentCount)];
        c.copyInputsFrom(original);
        final int roll = random.nextInt(100);
        if (roll < 60)
        {
            return;
        }
        if (roll < 85)
        {
            changePayload(c);
            return;
        }
        if (c.type == CommandType.RESERVE)
        {
            c.orderId = "o" + (++orders);
            usedOrderIds.add(c.orderId);
        }
        else
        {
            c.key = newKey();
        }
    }

    /** Changes one input the command's type reads, as a client reusing a key for another request would. */
    private void changePayload(final Command c)
    {
        switch (c.type)
        {
            case CommandType.RESERVE ->
            {
                if (random.nextBoolean())
                {
                    c.time += 1;
                }
                else
                {
                    c.lineQuantity[random.nextInt(c.lineCount)] += 1;
                }
            }
            case CommandType.PICK, CommandType.SHIP, CommandType.CANCEL, CommandType.SALE, CommandType.DEFINE_KIT ->
                c.lineQuantity[random.nextInt(c.lineCount)] += 1;
            case CommandType.RETURN, CommandType.TRANSFER_IN -> c.flag = !c.flag;
            case CommandType.CONFIGURE_CHANNEL, CommandType.COUNT, CommandType.RECEIVE, CommandType.MOVE,
                CommandType.INSPECT, CommandType.ANNOUNCE_INCOMING, CommandType.TRANSFER_OUT,
                CommandType.SET_SAFETY_STOCK -> c.quantity += 1;
            case CommandType.ADJUST -> c.quantity += c.quantity < 0 ? -1 : 1;
            default -> throw new IllegalStateException("no retry for " + CommandType.name(c.type));
        }
    }

    // ---- building ----

    private Builder movement(final int type, final String sku, final String location)
    {
        final Builder b = new Builder(type);
        b.c.key = newKey();
        b.c.sku = sku;
        b.c.location = location;
        return b;
    }

    private Command kit(final String kit, final Object... components)
    {
        final Command c = new Command().reset();
        c.type = CommandType.DEFINE_KIT;
        c.key = newKey();
        c.sku = kit;
        for (int i = 0; i < components.length; i += 2)
        {
            c.line((String)components[i], null, ((Number)components[i + 1]).longValue());
        }
        return c;
    }

    private Command channel(final String channel, final long buffer, final String[] locations,
        final Object... allocations)
    {
        final Command c = new Command().reset();
        c.type = CommandType.CONFIGURE_CHANNEL;
        c.key = newKey();
        c.channel = channel;
        c.quantity = buffer;
        c.quantity2 = locations.length;
        for (final String location : locations)
        {
            c.line(null, location, 0);
        }
        for (int i = 0; i < allocations.length; i += 3)
        {
            c.line((String)allocations[i], (String)allocations[i + 1], ((Number)allocations[i + 2]).longValue());
        }
        return c;
    }

    private static final class Builder
    {
        final Command c = new Command().reset();

        Builder(final int type)
        {
            c.type = type;
        }

        Builder quantity(final long quantity)
        {
            c.quantity = quantity;
            return this;
        }

        Command done()
        {
            return c;
        }
    }

    /** The inputs of a command that its type reads, for failure messages. */
    static String describe(final Command c)
    {
        final StringBuilder s = new StringBuilder(CommandType.name(c.type)).append('{');
        s.append("ts=").append(c.timestamp);
        append(s, "key", c.key);
        append(s, "order", c.orderId);
        append(s, "channel", c.channel);
        append(s, "sku", c.sku);
        append(s, "location", c.location);
        append(s, "location2", c.location2);
        append(s, "reference", c.reference);
        if (c.quantity != 0)
        {
            s.append(", quantity=").append(c.quantity);
        }
        if (c.quantity2 != 0)
        {
            s.append(", quantity2=").append(c.quantity2);
        }
        if (c.amount != 0)
        {
            s.append(", amount=").append(c.amount);
        }
        if (c.time != 0)
        {
            s.append(", time=").append(c.time);
        }
        if (c.type == CommandType.MOVE || c.type == CommandType.ADJUST)
        {
            s.append(", bucket=").append(Bucket.name(c.bucket)).append(", bucket2=").append(Bucket.name(c.bucket2))
                .append(", reason=").append(Reason.name(c.reason));
        }
        if (c.flag)
        {
            s.append(", flag");
        }
        if (c.lineCount > 0)
        {
            s.append(", lines=[");
            for (int i = 0; i < c.lineCount; i++)
            {
                s.append(i == 0 ? "" : ", ").append(c.lineSku[i]).append('@').append(c.lineLocation[i]).append(" x")
                    .append(c.lineQuantity[i]);
            }
            s.append(']');
        }
        return s.append('}').toString();
    }

    private static void append(final StringBuilder s, final String name, final String value)
    {
        if (value != null)
        {
            s.append(", ").append(name).append('=').append(value);
        }
    }
}
