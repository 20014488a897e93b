package io.stockengine.engine;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/**
 * A deliberately plain implementation of docs/engine-semantics.md: strings for ids, one object per balance, order and
 * line, no caching and no performance tricks. The differential test runs it beside {@link StockEngine} and compares
 * every output, so when the two disagree it should be obvious from reading this class which one is wrong.
 * <p>
 * Events are not delivered anywhere; each is counted by {@link #emit} (the only place that advances {@code seq}) and
 * its kind is kept for the current command, so a seq mismatch can be explained event by event.
 */
final class ReferenceModel
{
    static final class Balance
    {
        final String sku;
        final String location;
        final long[] buckets = new long[5];
        long safetyStock;
        long inTransit;
        /** Purchase-order lines expected here, by purchase-order id. */
        final Map<String, PoLine> incoming = new LinkedHashMap<>();

        Balance(final String sku, final String location)
        {
            this.sku = sku;
            this.location = location;
        }

        long onHand()
        {
            return Arrays.stream(buckets).sum();
        }

        long incoming()
        {
            return incoming.values().stream().mapToLong(l -> l.quantity).sum();
        }
    }

    static final class PoLine
    {
        long quantity;
        long expectedAt;
        long unitCost;
    }

    static final class Channel
    {
        long buffer;
        final List<String> locations = new ArrayList<>();
        /** Unused ring-fence per "sku@location". */
        final Map<String, Long> fences = new LinkedHashMap<>();
        /** The fences as configured, per "sku@location". */
        final Map<String, Long> allocated = new LinkedHashMap<>();
        /** Seq of the configuration's last event. */
        long configuredSeq;
    }

    /** One SKU taken by an order line: the line's own SKU with factor 1, or a kit component. */
    static final class Part
    {
        final String sku;
        final long factor;
        /** Units of this part still counted as taken from the channel's ring-fence. */
        long fencedLeft;

        Part(final String sku, final long factor)
        {
            this.sku = sku;
            this.factor = factor;
        }
    }

    static final class Line
    {
        final String sku;
        final String location;
        final long quantity;
        final boolean kit;
        final List<Part> parts = new ArrayList<>();
        long reserved;
        long picked;
        long shipped;
        long returned;
        long cancelled;

        Line(final String sku, final String location, final long quantity, final boolean kit)
        {
            this.sku = sku;
            this.location = location;
            this.quantity = quantity;
            this.kit = kit;
        }
    }

    static final class Order
    {
        final String id;
        final String channel;
        final List<Object> payload;
        final long reservedSeq;
        final long expiresAt;
        final List<Line> lines = new ArrayList<>();
        int status = OrderStatus.RESERVED;
        /** Seq of the reservation's last event: the answer a retry of the reservation gets. */
        long reservedSeqLast;
        /** Seq of the last event of the last command that changed the order. */
        long lastSeq;
        long finishedAt;
        /** A cancel, not a ship, made it SHIPPED. */
        boolean closedByCancel;

        Order(final String id, final String channel, final List<Object> payload, final long reservedSeq,
            final long expiresAt)
        {
            this.id = id;
            this.channel = channel;
            this.payload = payload;
            this.reservedSeq = reservedSeq;
            this.expiresAt = expiresAt;
        }

        long total(final ToLongFunction<Line> field)
        {
            return lines.stream().mapToLong(field).sum();
        }
    }

    static final class Transfer
    {
        final String id;
        final String sku;
        final String from;
        final String to;
        final long quantity;
        long inTransit;
        long received;

        Transfer(final String id, final String sku, final String from, final String to, final long quantity)
        {
            this.id = id;
            this.sku = sku;
            this.from = from;
            this.to = to;
            this.quantity = quantity;
            this.inTransit = quantity;
        }
    }

    static final class Binding
    {
        final String key;
        final int type;
        final List<Object> payload;
        final long seq;
        final long time;
        /** What the command answered (order actions and transfers), for its retries: a copy of its outputs. */
        Command answer;

        Binding(final String key, final int type, final List<Object> payload, final long seq, final long time)
        {
            this.key = key;
            this.type = type;
            this.payload = payload;
            this.seq = seq;
            this.time = time;
        }
    }

    /** Flows per SKU that conservation is checked against; see {@link #checkInvariants}. */
    static final int FLOW_RECEIVED = 0;
    static final int FLOW_RETURNED = 1;
    static final int FLOW_SHIPPED = 2;
    static final int FLOW_SOLD = 3;
    static final int FLOW_ADJUSTED = 4;
    static final int FLOW_COUNTED = 5;
    static final int FLOW_WRITTEN_OFF = 6;

    private final long window;
    private final int capacity;
    private final int finishedCapacity;

    private long now;
    private long seq;
    private final List<String> commandEvents = new ArrayList<>();
    private final Set<String> touchedSkus = new LinkedHashSet<>();

    /** Interned names; locations in first-seen order, which is the order of stock rows and default sourcing. */
    private final Set<String> skuNames = new HashSet<>();
    private final List<String> locations = new ArrayList<>();
    private final Set<String> channelNames = new HashSet<>();

    /** sku -> location -> balance. */
    private final Map<String, Map<String, Balance>> balances = new HashMap<>();
    private final Map<String, Channel> channels = new HashMap<>();
    /** kit sku -> component sku -> units per kit, in definition order. */
    private final Map<String, LinkedHashMap<String, Long>> kits = new HashMap<>();
    private final Map<String, Order> orders = new LinkedHashMap<>();
    private final TreeSet<Order> expiring = new TreeSet<>(
        Comparator.<Order>comparingLong(o -> o.expiresAt).thenComparingLong(o -> o.reservedSeq));
    private final ArrayDeque<Order> finished = new ArrayDeque<>();
    private final Set<Order> open = new LinkedHashSet<>();
    /** Open orders by each SKU their lines take (components for kit lines), so invariants look at few orders. */
    private final Map<String, Set<Order>> openBySku = new HashMap<>();
    private final Map<String, Transfer> transfers = new HashMap<>();
    private final Map<String, Binding> bindings = new HashMap<>();
    private final ArrayDeque<Binding> bindingOrder = new ArrayDeque<>();
    /** The binding the command being processed made, if any. */
    private Binding boundNow;
    private final Map<String, long[]> flows = new HashMap<>();

    ReferenceModel(final long window, final int capacity)
    {
        this(window, capacity, Integer.MAX_VALUE);
    }

    ReferenceModel(final long window, final int capacity, final int finishedCapacity)
    {
        this.window = window;
        this.capacity = capacity;
        this.finishedCapacity = finishedCapacity;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Entry point
    // ------------------------------------------------------------------------------------------------------------

    void process(final Command c)
    {
        c.clearOutputs();
        boundNow = null;
        commandEvents.clear();
        touchedSkus.clear();
        now = Math.max(now, c.timestamp);
        expireDue();
        switch (c.type)
        {
            case CommandType.TICK -> c.seq = 0;
            case CommandType.RESERVE -> reserve(c);
            case CommandType.PICK, CommandType.SHIP, CommandType.CANCEL -> orderAction(c);
            case CommandType.RETURN -> returnLines(c);
            case CommandType.SALE -> sale(c);
            case CommandType.ANNOUNCE_INCOMING, CommandType.RECEIVE, CommandType.INSPECT, CommandType.MOVE,
                CommandType.ADJUST, CommandType.COUNT, CommandType.TRANSFER_OUT -> movement(c);
            case CommandType.TRANSFER_IN -> transferIn(c);
            case CommandType.SET_SAFETY_STOCK, CommandType.CONFIGURE_CHANNEL, CommandType.DEFINE_KIT -> policy(c);
            case CommandType.QUERY_STOCK_AT -> queryStockAt(c);
            case CommandType.QUERY_STOCK -> queryStock(c);
            case CommandType.QUERY_AVAILABILITY -> queryAvailability(c);
            case CommandType.QUERY_ORDER -> queryOrder(c);
            case CommandType.QUERY_TRANSFER -> queryTransfer(c);
            case CommandType.QUERY_CHANNEL -> queryChannel(c);
            case CommandType.QUERY_KIT -> queryKit(c);
            default -> throw new IllegalArgumentException("unknown command type " + c.type);
        }
        if (boundNow != null && (c.type == CommandType.PICK || c.type == CommandType.SHIP ||
            c.type == CommandType.CANCEL || c.type == CommandType.RETURN || c.type == CommandType.TRANSFER_OUT ||
            c.type == CommandType.TRANSFER_IN || c.type == CommandType.COUNT))
        {
            boundNow.answer = new Command().copyOutputsFrom(c);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Events, symbols and time
    // ------------------------------------------------------------------------------------------------------------

    /** The only place that advances the journal sequence. */
    private long emit(final String kind)
    {
        commandEvents.add(kind);
        return ++seq;
    }

    private void internSku(final String name)
    {
        if (name != null && skuNames.add(name))
        {
            emit("symbol");
        }
    }

    private void internLocation(final String name)
    {
        if (name != null && !locations.contains(name))
        {
            locations.add(name);
            emit("symbol");
        }
    }

    private void internChannel(final String name)
    {
        if (name != null && channelNames.add(name))
        {
            emit("symbol");
        }
    }

    private void expireDue()
    {
        while (!expiring.isEmpty() && expiring.first().expiresAt <= now)
        {
            final Order order = expiring.first();
            for (int i = 0; i < order.lines.size(); i++)
            {
                final Line line = order.lines.get(i);
                if (line.reserved > 0)
                {
                    release(order, line, line.reserved, "lineReleased");
                }
            }
            setStatus(order, OrderStatus.EXPIRED);
            order.lastSeq = emit("orderStatus");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Idempotency
    // ------------------------------------------------------------------------------------------------------------

    /** @return true when the command was answered from its key (a replay or a conflict). */
    private boolean answeredByKey(final Command c)
    {
        if (c.key == null)
        {
            return false;
        }
        final Binding binding = bindings.get(c.key);
        if (binding == null || now - binding.time >= window)
        {
            return false;
        }
        if (binding.type != c.type || !sameRequest(binding.payload, c))
        {
            c.result = ResultCode.IDEMPOTENCY_CONFLICT;
            c.field = "Idempotency-Key";
            return true;
        }
        c.replayed = true;
        c.seq = binding.seq;
        replayOutputs(c, binding);
        return true;
    }

    /** Ends a successful command: binds its key (the command's last event) and answers the last seq. */
    private void succeed(final Command c)
    {
        if (c.key != null)
        {
            while (!bindingOrder.isEmpty() &&
                (now - bindingOrder.peekFirst().time >= window || bindingOrder.size() >= capacity))
            {
                final Binding evicted = bindingOrder.pollFirst();
                bindings.remove(evicted.key, evicted);
            }
            final long bound = emit("keyBound");
            final Binding binding = new Binding(c.key, c.type, payload(c), bound, now);
            bindings.put(c.key, binding);
            bindingOrder.addLast(binding);
            boundNow = binding;
        }
        c.seq = seq;
    }

    /**
     * A retry answers what the original answered (API.md); a binding without a copy (a movement, whose answer
     * echoes the request) answers from the state.
     */
    private void replayOutputs(final Command c, final Binding binding)
    {
        if (binding.answer != null)
        {
            final Command a = binding.answer;
            c.status = a.status;
            c.outTime = a.outTime;
            c.outName = a.outName;
            c.outName2 = a.outName2;
            c.outName3 = a.outName3;
            if (c.type != CommandType.TRANSFER_OUT && c.type != CommandType.TRANSFER_IN)
            {
                // A transfer's answer names no SKU or location per row (its names are the out names).
                c.rowSku = a.rowSku.clone();
                c.rowLocation = a.rowLocation.clone();
            }
            c.rowValues = a.rowValues.clone();
            c.rowCount = a.rowCount;
            return;
        }
        switch (c.type)
        {
            case CommandType.PICK, CommandType.SHIP, CommandType.CANCEL, CommandType.RETURN ->
            {
                final Order order = orders.get(c.orderId);
                if (order != null)
                {
                    writeOrder(c, order);
                }
            }
            case CommandType.TRANSFER_OUT, CommandType.TRANSFER_IN ->
            {
                final Transfer transfer = transfers.get(c.reference);
                if (transfer != null)
                {
                    writeTransfer(c, transfer);
                }
            }
            default ->
            {
            }
        }
    }

    /** Every input the command's type reads, except key, timestamp and correlation id. */
    /** The bound payload matches: the same inputs and body form, or the same inputs when none was bound with one. */
    private static boolean sameRequest(final List<Object> bound, final Command c)
    {
        return bound.equals(payload(c)) || c.bodyForm != 0 && bound.equals(payload(c, 0));
    }

    static List<Object> payload(final Command c)
    {
        return payload(c, c.bodyForm);
    }

    static List<Object> payload(final Command c, final long bodyForm)
    {
        final List<Object> p = new ArrayList<>();
        switch (c.type)
        {
            case CommandType.RESERVE -> addAll(p, c.orderId, c.channel, c.time);
            case CommandType.PICK, CommandType.SHIP, CommandType.CANCEL -> p.add(c.orderId);
            case CommandType.RETURN -> addAll(p, c.orderId, c.flag);
            case CommandType.SALE -> addAll(p, c.channel, c.location);
            case CommandType.ANNOUNCE_INCOMING -> addAll(p, c.reference, c.sku, c.location, c.quantity, c.amount, c.time);
            case CommandType.RECEIVE -> addAll(p, c.sku, c.location, c.quantity, c.amount, c.reference, c.flag);
            case CommandType.INSPECT -> addAll(p, c.sku, c.location, c.quantity, c.quantity2);
            case CommandType.MOVE -> addAll(p, c.sku, c.location, c.quantity, c.bucket, c.bucket2, c.reason);
            case CommandType.ADJUST -> addAll(p, c.sku, c.location, c.quantity, c.bucket, c.reason);
            case CommandType.COUNT -> addAll(p, c.sku, c.location, c.quantity, c.flag, c.flag ? c.quantity2 : 0L);
            case CommandType.TRANSFER_OUT -> addAll(p, c.reference, c.sku, c.location, c.location2, c.quantity);
            case CommandType.TRANSFER_IN -> addAll(p, c.reference, c.flag, c.quantity);
            case CommandType.SET_SAFETY_STOCK -> addAll(p, c.sku, c.location, c.quantity);
            case CommandType.CONFIGURE_CHANNEL -> addAll(p, c.channel, c.quantity, c.quantity2);
            case CommandType.DEFINE_KIT -> p.add(c.sku);
            default -> throw new IllegalArgumentException("no payload for " + CommandType.name(c.type));
        }
        p.add(bodyForm);
        final boolean lineLocations = c.type != CommandType.SALE && c.type != CommandType.DEFINE_KIT;
        for (int i = 0; i < c.lineCount; i++)
        {
            addAll(p, c.lineSku[i], lineLocations ? c.lineLocation[i] : null, c.lineQuantity[i]);
        }
        return p;
    }

    private static void addAll(final List<Object> p, final Object... values)
    {
        p.addAll(Arrays.asList(values));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Balances and channel views
    // ------------------------------------------------------------------------------------------------------------

    private Balance find(final String sku, final String location)
    {
        final Map<String, Balance> bySku = balances.get(sku);
        return bySku == null ? null : bySku.get(location);
    }

    private Balance balance(final String sku, final String location)
    {
        touchedSkus.add(sku);
        return balances.computeIfAbsent(sku, s -> new HashMap<>()).computeIfAbsent(location, l -> new Balance(sku, l));
    }

    private long bucket(final String sku, final String location, final int bucket)
    {
        final Balance b = find(sku, location);
        return b == null ? 0 : b.buckets[bucket];
    }

    private void flow(final String sku, final int flow, final long units)
    {
        flows.computeIfAbsent(sku, s -> new long[7])[flow] += units;
    }

    private static String fenceKey(final String sku, final String location)
    {
        return sku + "@" + location;
    }

    private long fence(final String channel, final String sku, final String location)
    {
        final Channel ch = channels.get(channel);
        return ch == null ? 0 : ch.fences.getOrDefault(fenceKey(sku, location), 0L);
    }

    private long fencedTotal(final String sku, final String location)
    {
        return channels.values().stream().mapToLong(ch -> ch.fences.getOrDefault(fenceKey(sku, location), 0L)).sum();
    }

    /** A channel never configured, or configured without locations, sources from every location in first-seen order. */
    private List<String> channelLocations(final String channel)
    {
        final Channel ch = channels.get(channel);
        return ch == null || ch.locations.isEmpty() ? locations : ch.locations;
    }

    /** What one channel may take of a plain SKU at a location. */
    private long channelAvailable(final String channel, final String sku, final String location)
    {
        return channelAvailable(channel, sku, location, 0);
    }

    /** With {@code arriving} more units sellable, held back like the rest before the floor at zero. */
    private long channelAvailable(final String channel, final String sku, final String location,
        final long arriving)
    {
        final Balance b = find(sku, location);
        final long sellable = (b == null ? 0 : b.buckets[Bucket.SELLABLE]) + arriving;
        final long safety = b == null ? 0 : b.safetyStock;
        final Channel ch = channels.get(channel);
        final long buffer = ch == null ? 0 : ch.buffer;
        final long othersFences = fencedTotal(sku, location) - fence(channel, sku, location);
        return Math.max(0, sellable - safety - buffer - othersFences);
    }

    /** Units of SKUs (components, for a kit) one unit of {@code sku} takes. */
    private Map<String, Long> partsOf(final String sku)
    {
        final LinkedHashMap<String, Long> components = kits.get(sku);
        return components != null ? components : Map.of(sku, 1L);
    }

    /** What the channel may still take at the location after {@code demand}, in units of {@code sku} (kits for a kit). */
    private long remaining(final String channel, final String sku, final String location, final Map<String, Long> demand)
    {
        long kitsLeft = Long.MAX_VALUE;
        for (final Map.Entry<String, Long> part : partsOf(sku).entrySet())
        {
            final long free = channelAvailable(channel, part.getKey(), location) -
                demand.getOrDefault(fenceKey(part.getKey(), location), 0L);
            kitsLeft = Math.min(kitsLeft, Math.max(0, free) / part.getValue());
        }
        return kitsLeft;
    }

    private static void place(final Map<String, Long> demand, final Map<String, Long> parts, final String location,
        final long quantity)
    {
        parts.forEach((sku, factor) -> demand.merge(fenceKey(sku, location), quantity * factor, Long::sum));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Reserve and sale
    // ------------------------------------------------------------------------------------------------------------

    private void reserve(final Command c)
    {
        final Order existing = orders.get(c.orderId);
        if (existing != null)
        {
            if (sameRequest(existing.payload, c))
            {
                c.replayed = true;
                c.seq = existing.reservedSeqLast;
                writeOrderAsPlaced(c, existing);
            }
            else
            {
                c.result = ResultCode.IDEMPOTENCY_CONFLICT;
                c.field = "order_id";
            }
            return;
        }
        if (c.channel == null)
        {
            invalid(c, "channel");
            return;
        }
        internNames(c);
        final int n = c.lineCount;
        final String[] at = new String[n];
        final Map<String, Long> demand = new HashMap<>();
        final List<long[]> shortfalls = new ArrayList<>();
        final List<String> shortfallLocations = new ArrayList<>();
        if (!placeAllAtOneLocation(c, at, demand))
        {
            // Lines with a location take theirs first; the others are sourced from what those leave.
            final long[] left = new long[n];
            for (int i = 0; i < n; i++)
            {
                if (c.lineLocation[i] != null)
                {
                    left[i] = remaining(c.channel, c.lineSku[i], c.lineLocation[i], demand);
                    if (left[i] >= c.lineQuantity[i])
                    {
                        at[i] = c.lineLocation[i];
                        place(demand, partsOf(c.lineSku[i]), at[i], c.lineQuantity[i]);
                    }
                }
            }
            for (int i = 0; i < n; i++)
            {
                if (c.lineLocation[i] != null)
                {
                    continue;
                }
                for (final String location : channelLocations(c.channel))
                {
                    final long here = remaining(c.channel, c.lineSku[i], location, demand);
                    if (here >= c.lineQuantity[i])
                    {
                        at[i] = location;
                        place(demand, partsOf(c.lineSku[i]), location, c.lineQuantity[i]);
                        break;
                    }
                    left[i] = Math.max(left[i], here);
                }
            }
            for (int i = 0; i < n; i++)
            {
                if (at[i] == null)
                {
                    shortfalls.add(new long[] { i, c.lineQuantity[i], left[i] });
                    shortfallLocations.add(c.lineLocation[i]);
                }
            }
        }
        if (!shortfalls.isEmpty())
        {
            refuse(c, shortfalls, shortfallLocations);
            return;
        }
        final long expiresAt = c.time > 0 ? now + c.time : 0;
        final long reservedSeq = emit("orderReserved");
        final Order order = new Order(c.orderId, c.channel, payload(c), reservedSeq, expiresAt);
        for (int i = 0; i < n; i++)
        {
            final String sku = c.lineSku[i];
            final boolean kit = kits.containsKey(sku);
            final Line line = new Line(sku, at[i], c.lineQuantity[i], kit);
            if (kit)
            {
                emit("orderLine");
            }
            for (final Map.Entry<String, Long> entry : partsOf(sku).entrySet())
            {
                final Part part = new Part(entry.getKey(), entry.getValue());
                final long units = line.quantity * part.factor;
                final long fenced = takeFence(c.channel, part.sku, line.location, units);
                part.fencedLeft = fenced;
                final Balance b = balance(part.sku, line.location);
                b.buckets[Bucket.SELLABLE] -= units;
                b.buckets[Bucket.RESERVED] += units;
                line.parts.add(part);
                emit("orderLine");
            }
            line.reserved = line.quantity;
            order.lines.add(line);
        }
        order.reservedSeqLast = seq;
        order.lastSeq = seq;
        forgetFinishedOrders();
        orders.put(order.id, order);
        open.add(order);
        for (final Line line : order.lines)
        {
            line.parts.forEach(part -> openBySku.computeIfAbsent(part.sku, k -> new LinkedHashSet<>()).add(order));
        }
        if (expiresAt != 0)
        {
            expiring.add(order);
        }
        c.seq = seq;
        writeOrder(c, order);
    }

    /** Step 3 of sourcing: one location of the channel takes every unlocated line. */
    private boolean placeAllAtOneLocation(final Command c, final String[] at, final Map<String, Long> demand)
    {
        boolean unlocated = false;
        for (int i = 0; i < c.lineCount; i++)
        {
            unlocated |= c.lineLocation[i] == null;
        }
        if (!unlocated)
        {
            return false;
        }
        for (final String location : channelLocations(c.channel))
        {
            final Map<String, Long> trial = new HashMap<>();
            boolean all = true;
            for (int i = 0; i < c.lineCount && all; i++)
            {
                final String where = c.lineLocation[i] != null ? c.lineLocation[i] : location;
                if (remaining(c.channel, c.lineSku[i], where, trial) >= c.lineQuantity[i])
                {
                    place(trial, partsOf(c.lineSku[i]), where, c.lineQuantity[i]);
                }
                else
                {
                    all = false;
                }
            }
            if (all)
            {
                for (int i = 0; i < c.lineCount; i++)
                {
                    at[i] = c.lineLocation[i] != null ? c.lineLocation[i] : location;
                }
                demand.putAll(trial);
                return true;
            }
        }
        return false;
    }

    /** Units the channel's orders hold at the SKU x location that they took from its fences. */
    private long heldFromFences(final String channel, final String sku, final String location)
    {
        long held = 0;
        // Only open orders hold anything: a finished one's parts count no fenced units.
        for (final Order order : openBySku.getOrDefault(sku, Set.of()))
        {
            if (!order.channel.equals(channel))
            {
                continue;
            }
            for (final Line line : order.lines)
            {
                if (!line.location.equals(location))
                {
                    continue;
                }
                for (final Part part : line.parts)
                {
                    if (part.sku.equals(sku))
                    {
                        held += Math.min(part.fencedLeft, (line.reserved + line.picked) * part.factor);
                    }
                }
            }
        }
        return held;
    }

    private long takeFence(final String channel, final String sku, final String location, final long units)
    {
        final Channel ch = channels.get(channel);
        if (ch == null)
        {
            return 0;
        }
        final String key = fenceKey(sku, location);
        final long fence = ch.fences.getOrDefault(key, 0L);
        final long taken = Math.min(fence, units);
        if (taken > 0)
        {
            ch.fences.put(key, fence - taken);
        }
        return taken;
    }

    /** Refused demand is journaled, but like every refusal it answers seq 0: only successes carry a seq. */
    private void refuse(final Command c, final List<long[]> shortfalls, final List<String> rowLocations)
    {
        c.result = ResultCode.INSUFFICIENT_STOCK;
        writeShortfalls(c, shortfalls, rowLocations);
        for (int i = 0; i < c.lineCount; i++)
        {
            emit("demandRefused");
        }
    }

    private static void writeShortfalls(final Command c, final List<long[]> shortfalls, final List<String> rowLocations)
    {
        final String[] skus = new String[shortfalls.size()];
        for (int r = 0; r < shortfalls.size(); r++)
        {
            skus[r] = c.type == CommandType.RESERVE || c.type == CommandType.SALE ?
                c.lineSku[(int)shortfalls.get(r)[0]] : c.sku;
        }
        c.ensureRows(shortfalls.size(), Command.SHORTFALL_FIELDS);
        c.rowCount = shortfalls.size();
        for (int r = 0; r < shortfalls.size(); r++)
        {
            c.rowSku[r] = skus[r];
            c.rowLocation[r] = rowLocations.get(r);
            System.arraycopy(shortfalls.get(r), 0, c.rowValues, r * Command.SHORTFALL_FIELDS, Command.SHORTFALL_FIELDS);
        }
    }

    private void sale(final Command c)
    {
        if (answeredByKey(c))
        {
            return;
        }
        internNames(c);
        final Map<String, Long> demand = new HashMap<>();
        final List<long[]> shortfalls = new ArrayList<>();
        final List<String> shortfallLocations = new ArrayList<>();
        for (int i = 0; i < c.lineCount; i++)
        {
            final long left = remaining(c.channel, c.lineSku[i], c.location, demand);
            if (left >= c.lineQuantity[i])
            {
                place(demand, partsOf(c.lineSku[i]), c.location, c.lineQuantity[i]);
            }
            else
            {
                shortfalls.add(new long[] { i, c.lineQuantity[i], left });
                shortfallLocations.add(c.location);
            }
        }
        if (!shortfalls.isEmpty())
        {
            refuse(c, shortfalls, shortfallLocations);
            return;
        }
        for (int i = 0; i < c.lineCount; i++)
        {
            if (kits.containsKey(c.lineSku[i]))
            {
                emit("kitSold");
            }
            for (final Map.Entry<String, Long> part : partsOf(c.lineSku[i]).entrySet())
            {
                final long units = c.lineQuantity[i] * part.getValue();
                takeFence(c.channel, part.getKey(), c.location, units);
                balance(part.getKey(), c.location).buckets[Bucket.SELLABLE] -= units;
                flow(part.getKey(), FLOW_SOLD, units);
                emit("sold");
            }
        }
        succeed(c);
    }

    /** Interns the names a mutating command carries, in the order it reads them. */
    private void internNames(final Command c)
    {
        internChannel(c.channel);
        internSku(c.sku);
        internLocation(c.location);
        internLocation(c.location2);
        for (int i = 0; i < c.lineCount; i++)
        {
            internSku(c.lineSku[i]);
            internLocation(c.lineLocation[i]);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Order actions and returns
    // ------------------------------------------------------------------------------------------------------------

    private void orderAction(final Command c)
    {
        // CommandType: a whole-order action reads no key (it is idempotent by nature).
        final boolean withLines = c.lineCount > 0;
        if (withLines && answeredByKey(c))
        {
            return;
        }
        final Order order = orders.get(c.orderId);
        if (order == null)
        {
            c.result = ResultCode.NOT_FOUND;
            return;
        }
        final int status = order.status;
        if (!withLines)
        {
            wholeOrderAction(c, order, status);
            return;
        }
        if (OrderStatus.isFinished(status))
        {
            c.result = ResultCode.INVALID_TRANSITION;
            c.status = order.status;
            return;
        }
        final long[] asked = matchLines(c, order);
        if (asked == null)
        {
            c.result = ResultCode.INVALID_TRANSITION;
            c.status = order.status;
            return;
        }
        for (int i = 0; i < asked.length; i++)
        {
            final Line line = order.lines.get(i);
            final long limit = c.type == CommandType.PICK ? line.reserved : line.reserved + line.picked;
            if (asked[i] > limit)
            {
                c.result = ResultCode.INVALID_TRANSITION;
                c.status = order.status;
                return;
            }
        }
        for (int i = 0; i < asked.length; i++)
        {
            if (asked[i] > 0)
            {
                apply(c.type, order, order.lines.get(i), asked[i]);
            }
        }
        finishAction(c, order);
    }

    private void wholeOrderAction(final Command c, final Order order, final int status)
    {
        final boolean cancelledOrExpired = status == OrderStatus.CANCELLED || status == OrderStatus.EXPIRED;
        final boolean refused = switch (c.type)
        {
            case CommandType.PICK -> cancelledOrExpired || (status == OrderStatus.SHIPPED && order.closedByCancel);
            case CommandType.SHIP -> cancelledOrExpired;
            default -> status == OrderStatus.SHIPPED && !order.closedByCancel;
        };
        if (refused)
        {
            c.result = ResultCode.INVALID_TRANSITION;
            c.status = order.status;
            return;
        }
        final boolean nothingToDo = switch (c.type)
        {
            case CommandType.PICK -> order.total(l -> l.reserved) == 0;
            case CommandType.SHIP -> status == OrderStatus.SHIPPED;
            default -> cancelledOrExpired || status == OrderStatus.SHIPPED;
        };
        if (nothingToDo)
        {
            c.seq = order.lastSeq;
            writeOrder(c, order);
            return;
        }
        for (final Line line : order.lines)
        {
            final long quantity = c.type == CommandType.PICK ? line.reserved : line.reserved + line.picked;
            if (quantity > 0)
            {
                apply(c.type, order, line, quantity);
            }
        }
        finishAction(c, order);
    }

    /**
     * The units asked of each line of the order: an asked line fills the lines with its SKU (and location, when
     * given) in order, each up to what it can still take of the action; the rest stays on the last such line.
     */
    private static long[] matchLines(final Command c, final Order order)
    {
        final long[] asked = new long[order.lines.size()];
        for (int i = 0; i < c.lineCount; i++)
        {
            long left = c.lineQuantity[i];
            int last = -1;
            for (int l = 0; l < order.lines.size(); l++)
            {
                final Line line = order.lines.get(l);
                if (line.sku.equals(c.lineSku[i]) &&
                    (c.lineLocation[i] == null || c.lineLocation[i].equals(line.location)))
                {
                    last = l;
                    final long room = switch (c.type)
                    {
                        case CommandType.PICK -> line.reserved;
                        case CommandType.RETURN -> line.shipped - line.returned;
                        default -> line.reserved + line.picked;
                    };
                    final long units = Math.min(left, Math.max(0, room - asked[l]));
                    asked[l] += units;
                    left -= units;
                }
            }
            // The refusal names the first asked line that names no line, or that asks more than its lines can take
            // (the units left over make its last line's count exceed what it holds, which refuses the action).
            if (last < 0)
            {
                c.field = c.field == null ? "lines[" + i + "]" : c.field;
                return null;
            }
            if (left > 0 && c.field == null)
            {
                c.field = "lines[" + i + "]";
            }
            asked[last] += left;
        }
        return asked;
    }

    private void apply(final int type, final Order order, final Line line, final long quantity)
    {
        switch (type)
        {
            case CommandType.PICK ->
            {
                moveParts(line, quantity, Bucket.RESERVED, Bucket.PICKED);
                line.reserved -= quantity;
                line.picked += quantity;
                emitLine(line, "linePicked");
            }
            case CommandType.SHIP ->
            {
                final long fromPicked = Math.min(quantity, line.picked);
                final long fromReserved = quantity - fromPicked;
                for (final Part part : line.parts)
                {
                    final Balance b = balance(part.sku, line.location);
                    b.buckets[Bucket.PICKED] -= fromPicked * part.factor;
                    b.buckets[Bucket.RESERVED] -= fromReserved * part.factor;
                    flow(part.sku, FLOW_SHIPPED, quantity * part.factor);
                }
                line.picked -= fromPicked;
                line.reserved -= fromReserved;
                line.shipped += quantity;
                // Shipped units are the unfenced ones first: a part keeps fenced units up to what it still holds.
                for (final Part part : line.parts)
                {
                    part.fencedLeft = Math.min(part.fencedLeft, (line.reserved + line.picked) * part.factor);
                }
                emitLine(line, "lineShipped");
            }
            default -> release(order, line, quantity, "lineReleased");
        }
    }

    /**
     * Cancel or expiry: reserved first, then picked, back to sellable, giving back ring-fence: only into a fence the
     * channel still has at that SKU x location, only units the part took from a fence, and never so far that the
     * fence's unused units and what the channel's orders hold from it pass its quantity.
     */
    private void release(final Order order, final Line line, final long quantity, final String event)
    {
        final long fromReserved = Math.min(quantity, line.reserved);
        final long fromPicked = quantity - fromReserved;
        final Channel ch = channels.get(order.channel);
        for (final Part part : line.parts)
        {
            final Balance b = balance(part.sku, line.location);
            b.buckets[Bucket.RESERVED] -= fromReserved * part.factor;
            b.buckets[Bucket.PICKED] -= fromPicked * part.factor;
            b.buckets[Bucket.SELLABLE] += quantity * part.factor;
            final String key = fenceKey(part.sku, line.location);
            // Released units are the fenced ones first; they go back into the fence, if the channel has one there,
            // only as far as its unused units and what its orders still hold stay within its quantity.
            final long leaving = Math.min(quantity * part.factor, part.fencedLeft);
            if (ch != null && ch.fences.containsKey(key))
            {
                final long held = heldFromFences(order.channel, part.sku, line.location);
                final long restored = Math.max(0, Math.min(leaving,
                    ch.allocated.get(key) - ch.fences.get(key) - (held - leaving)));
                ch.fences.put(key, ch.fences.get(key) + restored);
            }
            part.fencedLeft -= leaving;
        }
        line.reserved -= fromReserved;
        line.picked -= fromPicked;
        line.cancelled += quantity;
        emitLine(line, event);
    }

    /** A line event for the order line, and for a kit line one for each component line as well. */
    private void emitLine(final Line line, final String event)
    {
        if (line.kit)
        {
            emit(event);
        }
        for (int i = 0; i < line.parts.size(); i++)
        {
            emit(event);
        }
    }

    private void moveParts(final Line line, final long quantity, final int from, final int to)
    {
        for (final Part part : line.parts)
        {
            final Balance b = balance(part.sku, line.location);
            b.buckets[from] -= quantity * part.factor;
            b.buckets[to] += quantity * part.factor;
        }
    }

    /** An orderStatus event only when the status changed: the docs leave open whether an unchanged one is journaled. */
    private void finishAction(final Command c, final Order order)
    {
        final int status = OrderStatus.derive(order.total(l -> l.reserved), order.total(l -> l.picked),
            order.total(l -> l.shipped), OrderStatus.CANCELLED);
        if (status != order.status)
        {
            // A cancel that leaves a partly shipped order SHIPPED closes it; a retry of it is then done.
            order.closedByCancel |= c.type == CommandType.CANCEL && status == OrderStatus.SHIPPED;
            setStatus(order, status);
            emit("orderStatus");
        }
        order.lastSeq = seq;
        succeed(c);
        writeOrder(c, order);
    }

    private void setStatus(final Order order, final int status)
    {
        if (order.status == OrderStatus.RESERVED && status != OrderStatus.RESERVED)
        {
            expiring.remove(order);
        }
        if (!OrderStatus.isFinished(order.status) && OrderStatus.isFinished(status))
        {
            order.finishedAt = now;
            finished.addLast(order);
            open.remove(order);
            for (final Line line : order.lines)
            {
                line.parts.forEach(part -> openBySku.get(part.sku).remove(order));
            }
        }
        order.status = status;
    }

    /** Finished orders older than the window (or beyond the capacity) are forgotten when a later order is reserved. */
    private void forgetFinishedOrders()
    {
        while (!finished.isEmpty() &&
            (now - finished.peekFirst().finishedAt >= window || finished.size() > finishedCapacity))
        {
            orders.remove(finished.pollFirst().id);
        }
    }

    private void returnLines(final Command c)
    {
        if (answeredByKey(c))
        {
            return;
        }
        final Order order = orders.get(c.orderId);
        if (order == null)
        {
            c.result = ResultCode.NOT_FOUND;
            return;
        }
        final long[] asked = matchLines(c, order);
        if (asked == null)
        {
            c.result = ResultCode.INVALID_TRANSITION;
            c.status = order.status;
            return;
        }
        for (int i = 0; i < asked.length; i++)
        {
            final Line line = order.lines.get(i);
            if (asked[i] > line.shipped - line.returned)
            {
                c.result = ResultCode.INVALID_TRANSITION;
                c.status = order.status;
                return;
            }
        }
        for (int i = 0; i < asked.length; i++)
        {
            for (final Part part : order.lines.get(i).parts)
            {
                if (asked[i] > 0 && kits.containsKey(part.sku))
                {
                    // Defined as a kit since it shipped: a kit holds no stock of its own.
                    c.result = ResultCode.INVALID_TRANSITION;
                    c.status = order.status;
                    return;
                }
            }
        }
        final int to = c.flag ? Bucket.QUALITY_CONTROL : Bucket.SELLABLE;
        for (int i = 0; i < asked.length; i++)
        {
            if (asked[i] == 0)
            {
                continue;
            }
            final Line line = order.lines.get(i);
            for (final Part part : line.parts)
            {
                balance(part.sku, line.location).buckets[to] += asked[i] * part.factor;
                flow(part.sku, FLOW_RETURNED, asked[i] * part.factor);
            }
            line.returned += asked[i];
            emitLine(line, "lineReturned");
        }
        order.lastSeq = seq;
        succeed(c);
        writeOrder(c, order);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Other movements
    // ------------------------------------------------------------------------------------------------------------

    private void movement(final Command c)
    {
        if (answeredByKey(c))
        {
            return;
        }
        if (kits.containsKey(c.sku))
        {
            invalid(c, "sku");
            return;
        }
        switch (c.type)
        {
            case CommandType.ANNOUNCE_INCOMING ->
            {
                internNames(c);
                final Balance b = balance(c.sku, c.location);
                if (c.quantity == 0)
                {
                    b.incoming.remove(c.reference);
                }
                else
                {
                    final PoLine line = b.incoming.computeIfAbsent(c.reference, r -> new PoLine());
                    line.quantity = c.quantity;
                    line.expectedAt = c.time;
                    line.unitCost = c.amount;
                }
                emit("incomingSet");
            }
            case CommandType.RECEIVE ->
            {
                if (BigInteger.valueOf(c.quantity).multiply(BigInteger.valueOf(c.amount)).bitLength() > 63)
                {
                    invalid(c, "unit_cost");
                    return;
                }
                internNames(c);
                final Balance b = balance(c.sku, c.location);
                b.buckets[c.flag ? Bucket.QUALITY_CONTROL : Bucket.SELLABLE] += c.quantity;
                final PoLine line = c.reference == null ? null : b.incoming.get(c.reference);
                if (line != null)
                {
                    line.quantity -= Math.min(c.quantity, line.quantity);
                    if (line.quantity == 0)
                    {
                        b.incoming.remove(c.reference);
                    }
                }
                flow(c.sku, FLOW_RECEIVED, c.quantity);
                emit("received");
            }
            case CommandType.INSPECT ->
            {
                final long qc = bucket(c.sku, c.location, Bucket.QUALITY_CONTROL);
                if (c.quantity + c.quantity2 > qc)
                {
                    insufficient(c, c.quantity + c.quantity2, qc);
                    return;
                }
                internNames(c);
                final Balance b = balance(c.sku, c.location);
                b.buckets[Bucket.QUALITY_CONTROL] -= c.quantity + c.quantity2;
                b.buckets[Bucket.SELLABLE] += c.quantity;
                b.buckets[Bucket.DAMAGED] += c.quantity2;
                emit("inspected");
            }
            case CommandType.MOVE ->
            {
                final long from = bucket(c.sku, c.location, c.bucket);
                if (c.quantity > from)
                {
                    insufficient(c, c.quantity, from);
                    return;
                }
                internNames(c);
                final Balance b = balance(c.sku, c.location);
                b.buckets[c.bucket] -= c.quantity;
                b.buckets[c.bucket2] += c.quantity;
                emit("moved");
            }
            case CommandType.ADJUST ->
            {
                final long held = bucket(c.sku, c.location, c.bucket);
                if (held + c.quantity < 0)
                {
                    insufficient(c, -c.quantity, held);
                    return;
                }
                internNames(c);
                balance(c.sku, c.location).buckets[c.bucket] += c.quantity;
                flow(c.sku, FLOW_ADJUSTED, c.quantity);
                if (c.reason == Reason.WRITE_OFF)
                {
                    flow(c.sku, FLOW_WRITTEN_OFF, -c.quantity);
                }
                emit("adjusted");
            }
            case CommandType.COUNT ->
            {
                final long sellable = bucket(c.sku, c.location, Bucket.SELLABLE);
                c.ensureRows(1, Command.COUNT_FIELDS);
                c.rowSku[0] = c.sku;
                c.rowLocation[0] = c.location;
                c.outTime = sellable;
                c.rowValues[Command.COUNT_PREVIOUS] = sellable;
                c.rowValues[Command.COUNT_COUNTED] = c.quantity;
                c.rowValues[Command.COUNT_VARIANCE] = c.quantity - sellable;
                c.rowCount = 1;
                if (c.flag && c.quantity2 != sellable)
                {
                    c.result = ResultCode.INVALID_TRANSITION;
                    return;
                }
                internNames(c);
                balance(c.sku, c.location).buckets[Bucket.SELLABLE] = c.quantity;
                flow(c.sku, FLOW_COUNTED, c.quantity - sellable);
                emit("counted");
            }
            default -> transferOut(c);
        }
        if (c.result == ResultCode.OK)
        {
            succeed(c);
        }
    }

    private void transferOut(final Command c)
    {
        // The docs list the reused id first; a malformed request is refused before the state is consulted.
        if (Objects.equals(c.location, c.location2))
        {
            invalid(c, "to");
            return;
        }
        if (transfers.containsKey(c.reference))
        {
            c.field = "transfer_id";
            c.result = ResultCode.INVALID_TRANSITION;
            return;
        }
        final long sellable = bucket(c.sku, c.location, Bucket.SELLABLE);
        if (c.quantity > sellable)
        {
            insufficient(c, c.quantity, sellable);
            return;
        }
        internNames(c);
        balance(c.sku, c.location).buckets[Bucket.SELLABLE] -= c.quantity;
        balance(c.sku, c.location2).inTransit += c.quantity;
        final Transfer transfer = new Transfer(c.reference, c.sku, c.location, c.location2, c.quantity);
        transfers.put(transfer.id, transfer);
        emit("transferShipped");
        writeTransfer(c, transfer);
    }

    private void transferIn(final Command c)
    {
        if (answeredByKey(c))
        {
            return;
        }
        final Transfer transfer = transfers.get(c.reference);
        if (transfer == null)
        {
            c.result = ResultCode.NOT_FOUND;
            return;
        }
        final long quantity = c.quantity == 0 ? transfer.inTransit : c.quantity;
        if (transfer.inTransit == 0 || quantity > transfer.inTransit)
        {
            // The refusal shows the transfer as it is, so the caller sees what is left in transit, and names the
            // quantity when one was asked.
            c.field = c.quantity > 0 ? "quantity" : null;
            c.result = ResultCode.INVALID_TRANSITION;
            writeTransfer(c, transfer);
            return;
        }
        final Balance b = balance(transfer.sku, transfer.to);
        b.inTransit -= quantity;
        b.buckets[c.flag ? Bucket.QUALITY_CONTROL : Bucket.SELLABLE] += quantity;
        transfer.inTransit -= quantity;
        transfer.received += quantity;
        emit("transferReceived");
        succeed(c);
        writeTransfer(c, transfer);
    }

    private void insufficient(final Command c, final long requested, final long available)
    {
        c.result = ResultCode.INSUFFICIENT_STOCK;
        writeShortfalls(c, List.of(new long[] { 0, requested, available }), Arrays.asList(c.location));
    }

    private static void invalid(final Command c, final String field)
    {
        c.result = ResultCode.INVALID_REQUEST;
        c.field = field;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Policies
    // ------------------------------------------------------------------------------------------------------------

    private void policy(final Command c)
    {
        if (answeredByKey(c))
        {
            return;
        }
        switch (c.type)
        {
            case CommandType.SET_SAFETY_STOCK ->
            {
                if (kits.containsKey(c.sku))
                {
                    invalid(c, "sku");
                    return;
                }
                internNames(c);
                balance(c.sku, c.location).safetyStock = c.quantity;
                emit("safetyStockSet");
            }
            case CommandType.CONFIGURE_CHANNEL ->
            {
                for (int i = (int)c.quantity2; i < c.lineCount; i++)
                {
                    if (kits.containsKey(c.lineSku[i]))
                    {
                        // A kit holds no stock to fence.
                        invalid(c, "allocations");
                        return;
                    }
                }
                final Channel current = channels.get(c.channel);
                if (current != null && sameConfiguration(current, c))
                {
                    // The same configuration again changes nothing (API.md: policy PUTs are idempotent).
                    final long answered = current.configuredSeq;
                    if (c.key != null)
                    {
                        succeed(c);
                        return;
                    }
                    c.seq = answered;
                    return;
                }
                internChannel(c.channel);
                final Channel ch = new Channel();
                ch.buffer = c.quantity;
                for (int i = 0; i < c.quantity2; i++)
                {
                    internLocation(c.lineLocation[i]);
                    ch.locations.add(c.lineLocation[i]);
                }
                channels.put(c.channel, ch);
                emit("channelConfigured");
                // Each allocation's names are defined just before the allocation that first uses them.
                for (int i = (int)c.quantity2; i < c.lineCount; i++)
                {
                    internSku(c.lineSku[i]);
                    internLocation(c.lineLocation[i]);
                    // The fence is the channel's whole: what its open orders hold from its fences there counts.
                    final String key = fenceKey(c.lineSku[i], c.lineLocation[i]);
                    final long held = heldFromFences(c.channel, c.lineSku[i], c.lineLocation[i]);
                    // A fence whose quantity is asked again stays as it stands: what was sold from it is not
                    // fenced again.
                    final boolean unchanged = current != null && current.fences.containsKey(key) &&
                        current.allocated.containsKey(key) && current.allocated.get(key) == c.lineQuantity[i];
                    ch.fences.put(key, unchanged ? current.fences.get(key) : Math.max(0, c.lineQuantity[i] - held));
                    ch.allocated.put(key, c.lineQuantity[i]);
                    // A ring-fence is a record of the SKU at the location, so it shows in QUERY_STOCK.
                    balance(c.lineSku[i], c.lineLocation[i]);
                    emit("allocationSet");
                }
                ch.configuredSeq = seq;
            }
            default ->
            {
                final String refusal = kitRefusal(c);
                if (refusal != null)
                {
                    invalid(c, refusal);
                    return;
                }
                internSku(c.sku);
                for (int i = 0; i < c.lineCount; i++)
                {
                    internSku(c.lineSku[i]);
                }
                final LinkedHashMap<String, Long> components = new LinkedHashMap<>();
                for (int i = 0; i < c.lineCount; i++)
                {
                    components.put(c.lineSku[i], c.lineQuantity[i]);
                }
                kits.put(c.sku, components);
                emit("kitDefined");
            }
        }
        succeed(c);
    }

    private static boolean sameConfiguration(final Channel ch, final Command c)
    {
        final List<String> locations = new ArrayList<>();
        for (int i = 0; i < c.quantity2; i++)
        {
            locations.add(c.lineLocation[i]);
        }
        final Map<String, Long> allocations = new LinkedHashMap<>();
        for (int i = (int)c.quantity2; i < c.lineCount; i++)
        {
            allocations.put(fenceKey(c.lineSku[i], c.lineLocation[i]), c.lineQuantity[i]);
        }
        // One SKU x location allocated twice is never the configuration in force (the gateways refuse it anyway).
        return allocations.size() == c.lineCount - c.quantity2 && ch.buffer == c.quantity &&
            ch.locations.equals(locations) && ch.allocated.equals(allocations);
    }

    /**
     * @return the field a kit definition is refused for, or null. The SKU is checked before its components, and stock
     * still expected (incoming) counts as holding stock, as in-transit does.
     */
    private String kitRefusal(final Command c)
    {
        final boolean component = kits.values().stream().anyMatch(k -> k.containsKey(c.sku));
        final Map<String, Balance> held = balances.getOrDefault(c.sku, Map.of());
        final boolean stock = held.values().stream().anyMatch(b -> b.onHand() > 0 || b.inTransit > 0 || b.incoming() > 0 ||
            b.safetyStock > 0) || held.keySet().stream().anyMatch(location -> fencedTotal(c.sku, location) > 0);
        if (component || stock)
        {
            return "sku";
        }
        for (int i = 0; i < c.lineCount; i++)
        {
            if (c.lineSku[i].equals(c.sku) || kits.containsKey(c.lineSku[i]))
            {
                return "components";
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Queries and outputs
    // ------------------------------------------------------------------------------------------------------------

    private void queryStockAt(final Command c)
    {
        final Balance b = find(c.sku, c.location);
        if (b != null)
        {
            c.ensureRows(1, Command.STOCK_FIELDS);
            writeStockRow(c, 0, b);
            c.rowCount = 1;
        }
    }

    private void queryStock(final Command c)
    {
        final Map<String, Balance> bySku = balances.getOrDefault(c.sku, Map.of());
        final List<Balance> rows = new ArrayList<>();
        for (final String location : locations)
        {
            if (bySku.containsKey(location))
            {
                rows.add(bySku.get(location));
            }
        }
        c.ensureRows(rows.size(), Command.STOCK_FIELDS);
        for (int r = 0; r < rows.size(); r++)
        {
            writeStockRow(c, r, rows.get(r));
        }
        c.rowCount = rows.size();
    }

    private static void writeStockRow(final Command c, final int row, final Balance b)
    {
        final int base = row * Command.STOCK_FIELDS;
        final long[] v = c.rowValues;
        v[base + Command.STOCK_ON_HAND] = b.onHand();
        v[base + Command.STOCK_AVAILABLE] = Math.max(0, b.buckets[Bucket.SELLABLE] - b.safetyStock);
        v[base + Command.STOCK_SELLABLE] = b.buckets[Bucket.SELLABLE];
        v[base + Command.STOCK_RESERVED] = b.buckets[Bucket.RESERVED];
        v[base + Command.STOCK_PICKED] = b.buckets[Bucket.PICKED];
        v[base + Command.STOCK_COMMITTED] = b.buckets[Bucket.RESERVED] + b.buckets[Bucket.PICKED];
        v[base + Command.STOCK_QUALITY_CONTROL] = b.buckets[Bucket.QUALITY_CONTROL];
        v[base + Command.STOCK_DAMAGED] = b.buckets[Bucket.DAMAGED];
        v[base + Command.STOCK_SAFETY_STOCK] = b.safetyStock;
        v[base + Command.STOCK_INCOMING] = b.incoming();
        v[base + Command.STOCK_IN_TRANSIT] = b.inTransit;
        c.rowSku[row] = b.sku;
        c.rowLocation[row] = b.location;
    }

    private void queryAvailability(final Command c)
    {
        c.seq = seq;
        final List<String> where = channelLocations(c.channel);
        final int rows = c.lineCount * where.size();
        c.ensureRows(Math.max(rows, c.lineCount), Command.AVAILABILITY_FIELDS);
        int row = 0;
        for (int i = 0; i < c.lineCount; i++)
        {
            long total = 0;
            for (final String location : where)
            {
                if (partsOf(c.lineSku[i]).keySet().stream().anyMatch(sku -> find(sku, location) == null))
                {
                    continue;
                }
                if (row == Command.MAX_AVAILABILITY_ROWS)
                {
                    c.rowCount = 0;
                    c.result = ResultCode.INVALID_REQUEST;
                    c.field = "sku";
                    return;
                }
                final long quantity = promisable(c, c.lineSku[i], location);
                c.rowSku[row] = c.lineSku[i];
                c.rowLocation[row] = location;
                c.rowValues[row * Command.AVAILABILITY_FIELDS + Command.AVAILABILITY_ITEM] = i;
                c.rowValues[row * Command.AVAILABILITY_FIELDS + Command.AVAILABILITY_QUANTITY] = quantity;
                total += quantity;
                row++;
            }
            c.itemTotals[i] = total;
        }
        c.rowCount = row;
    }

    /**
     * Channel availability now, plus incoming expected by the asked date when there is one. Only locations where the
     * SKU (each component of a kit) has a record get a row; the totals are the same either way.
     */
    private long promisable(final Command c, final String sku, final String location)
    {
        long kitsLeft = Long.MAX_VALUE;
        for (final Map.Entry<String, Long> part : partsOf(sku).entrySet())
        {
            final Balance b = find(part.getKey(), location);
            final long arriving = c.flag && b != null ? b.incoming.values().stream()
                .filter(l -> l.expectedAt <= c.time).mapToLong(l -> l.quantity).sum() : 0;
            final long units = channelAvailable(c.channel, part.getKey(), location, arriving);
            kitsLeft = Math.min(kitsLeft, units / part.getValue());
        }
        return kitsLeft;
    }

    private void queryOrder(final Command c)
    {
        final Order order = orders.get(c.orderId);
        if (order == null)
        {
            c.result = ResultCode.NOT_FOUND;
            return;
        }
        writeOrder(c, order);
        c.seq = order.lastSeq;
    }

    private void queryTransfer(final Command c)
    {
        final Transfer transfer = transfers.get(c.reference);
        if (transfer == null)
        {
            c.result = ResultCode.NOT_FOUND;
            return;
        }
        writeTransfer(c, transfer);
    }

    private void queryKit(final Command c)
    {
        final LinkedHashMap<String, Long> components = c.sku == null ? null : kits.get(c.sku);
        if (components == null)
        {
            c.result = ResultCode.NOT_FOUND;
            return;
        }
        c.ensureRows(components.size(), 1);
        int row = 0;
        for (final Map.Entry<String, Long> component : components.entrySet())
        {
            c.rowSku[row] = component.getKey();
            c.rowLocation[row] = null;
            c.rowValues[row++] = component.getValue();
        }
        c.rowCount = row;
    }

    /**
     * Buffer in outTime, location count in status, rows: the sourcing locations, then each ring-fence's unused
     * units, with its quantity as the row's item.
     */
    private void queryChannel(final Command c)
    {
        final Channel ch = channels.get(c.channel);
        if (ch == null)
        {
            return;
        }
        c.outTime = ch.buffer;
        c.status = ch.locations.size();
        c.ensureRows(ch.locations.size() + ch.fences.size(), 1);
        int row = 0;
        for (final String location : ch.locations)
        {
            c.rowSku[row] = null;
            c.rowLocation[row] = location;
            c.itemTotals[row] = 0;
            c.rowValues[row++] = 0;
        }
        for (final Map.Entry<String, Long> fence : ch.fences.entrySet())
        {
            final int at = fence.getKey().indexOf('@');
            c.rowSku[row] = fence.getKey().substring(0, at);
            c.rowLocation[row] = fence.getKey().substring(at + 1);
            c.itemTotals[row] = ch.allocated.get(fence.getKey());
            c.rowValues[row++] = fence.getValue();
        }
        c.rowCount = row;
    }

    private void writeOrder(final Command c, final Order order)
    {
        c.status = order.status;
        c.outTime = expiring.contains(order) || order.status == OrderStatus.EXPIRED ? order.expiresAt : 0;
        c.outName = order.channel;
        c.ensureRows(order.lines.size(), Command.LINE_FIELDS);
        for (int r = 0; r < order.lines.size(); r++)
        {
            final Line line = order.lines.get(r);
            c.rowSku[r] = line.sku;
            c.rowLocation[r] = line.location;
            final int base = r * Command.LINE_FIELDS;
            c.rowValues[base + Command.LINE_QUANTITY] = line.quantity;
            c.rowValues[base + Command.LINE_RESERVED] = line.reserved;
            c.rowValues[base + Command.LINE_PICKED] = line.picked;
            c.rowValues[base + Command.LINE_SHIPPED] = line.shipped;
            c.rowValues[base + Command.LINE_RETURNED] = line.returned;
            c.rowValues[base + Command.LINE_CANCELLED] = line.cancelled;
        }
        c.rowCount = order.lines.size();
    }

    /** A retried reservation's answer: the order as the reservation placed it, whatever happened since. */
    private void writeOrderAsPlaced(final Command c, final Order order)
    {
        writeOrder(c, order);
        c.status = OrderStatus.RESERVED;
        c.outTime = order.expiresAt;
        for (int r = 0; r < order.lines.size(); r++)
        {
            final int base = r * Command.LINE_FIELDS;
            c.rowValues[base + Command.LINE_RESERVED] = order.lines.get(r).quantity;
            c.rowValues[base + Command.LINE_PICKED] = 0;
            c.rowValues[base + Command.LINE_SHIPPED] = 0;
            c.rowValues[base + Command.LINE_RETURNED] = 0;
            c.rowValues[base + Command.LINE_CANCELLED] = 0;
        }
    }

    private static void writeTransfer(final Command c, final Transfer transfer)
    {
        c.outName = transfer.sku;
        c.outName2 = transfer.from;
        c.outName3 = transfer.to;
        c.ensureRows(1, Command.TRANSFER_FIELDS);
        c.rowValues[0] = transfer.quantity;
        c.rowValues[1] = transfer.inTransit;
        c.rowValues[2] = transfer.received;
        c.rowCount = 1;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Test access: state for the generator and invariants
    // ------------------------------------------------------------------------------------------------------------

    long now()
    {
        return now;
    }

    long seq()
    {
        return seq;
    }

    List<String> commandEvents()
    {
        return commandEvents;
    }

    List<String> locations()
    {
        return locations;
    }

    Set<String> skus()
    {
        return balances.keySet();
    }

    Set<String> touchedSkus()
    {
        return touchedSkus;
    }

    boolean isKit(final String sku)
    {
        return kits.containsKey(sku);
    }

    Order order(final String id)
    {
        return orders.get(id);
    }

    Transfer transfer(final String id)
    {
        return transfers.get(id);
    }

    long sellable(final String sku, final String location)
    {
        return bucket(sku, location, Bucket.SELLABLE);
    }

    long bucketOf(final String sku, final String location, final int bucket)
    {
        return bucket(sku, location, bucket);
    }

    /**
     * Checks what must hold after every command for the given SKUs (all SKUs when null) and returns the first
     * violation, or null.
     */
    String checkInvariants(final Set<String> skus)
    {
        // A fence's unused units never pass its quantity less what the channel's orders hold from it.
        for (final Map.Entry<String, Channel> channel : channels.entrySet())
        {
            for (final Map.Entry<String, Long> fence : channel.getValue().fences.entrySet())
            {
                final int at = fence.getKey().indexOf('@');
                if (skus == null || skus.contains(fence.getKey().substring(0, at)))
                {
                    final long held = heldFromFences(channel.getKey(), fence.getKey().substring(0, at),
                        fence.getKey().substring(at + 1));
                    final long quantity = channel.getValue().allocated.get(fence.getKey());
                    if (fence.getValue() < 0 || fence.getValue() > Math.max(0, quantity - held))
                    {
                        return "fence " + channel.getKey() + " " + fence.getKey() + ": " + fence.getValue() +
                            " unused of " + quantity + " with " + held + " held";
                    }
                }
            }
        }
        if (skus == null)
        {
            // Nor does a part count more fenced units than it holds.
            for (final Order order : orders.values())
            {
                for (final Line line : order.lines)
                {
                    for (final Part part : line.parts)
                    {
                        if (part.fencedLeft < 0 || part.fencedLeft > (line.reserved + line.picked) * part.factor)
                        {
                            return "order " + order.id + " line " + line.sku + ": " + part.fencedLeft +
                                " fenced units of " + part.sku + " beyond what it holds";
                        }
                    }
                }
            }
        }
        final Set<String> checked = skus == null ? balances.keySet() : skus;
        final Set<Order> holding = new LinkedHashSet<>();
        if (skus == null)
        {
            holding.addAll(orders.values());
        }
        else
        {
            skus.forEach(sku -> holding.addAll(openBySku.getOrDefault(sku, Set.of())));
        }
        final Map<String, long[]> committed = new HashMap<>();
        for (final Order order : holding)
        {
            if (OrderStatus.isFinished(order.status) && order.total(l -> l.reserved + l.picked) != 0)
            {
                return "finished order " + order.id + " still holds stock";
            }
            for (final Line line : order.lines)
            {
                if (line.reserved < 0 || line.picked < 0 || line.returned > line.shipped ||
                    line.reserved + line.picked + line.shipped + line.cancelled != line.quantity)
                {
                    return "order " + order.id + " line " + line.sku + " does not add up";
                }
                for (final Part part : line.parts)
                {
                    if (checked.contains(part.sku))
                    {
                        final long[] held = committed.computeIfAbsent(fenceKey(part.sku, line.location), k -> new long[2]);
                        held[0] += line.reserved * part.factor;
                        held[1] += line.picked * part.factor;
                    }
                }
            }
        }
        for (final String sku : checked)
        {
            long onHand = 0;
            long inTransit = 0;
            for (final Balance b : balances.getOrDefault(sku, Map.of()).values())
            {
                for (final long bucket : b.buckets)
                {
                    if (bucket < 0)
                    {
                        return "negative bucket at " + sku + "@" + b.location + " " + Arrays.toString(b.buckets);
                    }
                }
                if (b.inTransit < 0 || b.safetyStock < 0 || b.incoming() < 0)
                {
                    return "negative in_transit, safety stock or incoming at " + sku + "@" + b.location;
                }
                final long[] held = committed.getOrDefault(fenceKey(sku, b.location), new long[2]);
                if (held[0] != b.buckets[Bucket.RESERVED] || held[1] != b.buckets[Bucket.PICKED])
                {
                    return "committed at " + sku + "@" + b.location + " is " + b.buckets[Bucket.RESERVED] + "/" +
                        b.buckets[Bucket.PICKED] + " but open orders hold " + held[0] + "/" + held[1];
                }
                onHand += b.onHand();
                inTransit += b.inTransit;
            }
            final long[] f = flows.getOrDefault(sku, new long[7]);
            final long expected = f[FLOW_RECEIVED] + f[FLOW_RETURNED] - f[FLOW_SHIPPED] - f[FLOW_SOLD] +
                f[FLOW_ADJUSTED] + f[FLOW_COUNTED];
            if (expected != onHand + inTransit)
            {
                return "conservation of " + sku + ": received " + f[FLOW_RECEIVED] + " + returned " +
                    f[FLOW_RETURNED] + " - shipped " + f[FLOW_SHIPPED] + " - sold " + f[FLOW_SOLD] + " +/- adjusted " +
                    f[FLOW_ADJUSTED] + " (written off " + f[FLOW_WRITTEN_OFF] + ") +/- counted " + f[FLOW_COUNTED] +
                    " != on_hand " + onHand + " + in_transit " + inTransit;
            }
        }
        for (final Map.Entry<String, Channel> ch : channels.entrySet())
        {
            for (final Map.Entry<String, Long> fence : ch.getValue().fences.entrySet())
            {
                if (fence.getValue() < 0)
                {
                    return "negative ring-fence of " + ch.getKey() + " at " + fence.getKey();
                }
            }
        }
        return null;
    }

    List<String> orderIds()
    {
        return new ArrayList<>(orders.keySet());
    }

    Set<Order> openOrders()
    {
        return open;
    }

    Map<String, Transfer> transfers()
    {
        return transfers;
    }

    Set<String> kitSkus()
    {
        return kits.keySet();
    }

    Set<String> purchaseOrders(final String sku, final String location)
    {
        final Balance b = find(sku, location);
        return b == null ? Set.of() : b.incoming.keySet();
    }
}
