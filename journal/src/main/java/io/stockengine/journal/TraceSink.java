package io.stockengine.journal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import io.stockengine.engine.EventSink;
import io.stockengine.engine.OrderBook;
import io.stockengine.engine.OrderStatus;

/**
 * Picks out the chain of events of one SKU (optionally at one location) or of one order and renders each as a JSON
 * line ({@link EventJson}), in seq order. Line events ({@code line_picked}, {@code line_shipped}, ...) name only a
 * line number, so the sink remembers the lines of the orders it traces and adds the line's {@code line_sku} and
 * {@code line_location} to them. For a SKU, an order is traced from the reservation that has a line of that SKU (or
 * of a kit holding it as a line); the reservation event itself is held back until one of its lines turns out to
 * match. The idempotency key bound at the end of a command whose own work was traced is traced too: it names the
 * client request. The expiries the engine runs at the start of a command are not that command's work (it may be any
 * later command, about anything), so they are traced without its key.
 * <p>
 * When the journal's first files were pruned, an order's reservation may be gone while its later events remain. The
 * sink then takes the order's lines from the snapshot's order book ({@link #reservedBefore}); for an order the
 * snapshot no longer holds, the traced order's line events still match by order id, without line_sku and
 * line_location.
 * <p>
 * Threading: one thread. Allocates freely: a tool, not the hot path.
 */
final class TraceSink implements EventSink, JournalFiles.SymbolListener
{
    /** What {@link #tracedLine} answers for a line of the traced order whose SKU and location are unknown. */
    private static final int[] UNKNOWN_LINE = {};

    private final Consumer<String> out;
    private final EventJson json = new EventJson(line -> this.rendered = line);
    private final String skuName;
    private final String locationName;
    private final String orderId;
    private final String purchaseOrder;
    private final String transferId;
    private int skuId = -1;
    private int locationId = -1;
    /** Traced orders: order id to its traced lines (line number to sku, location). */
    private final Map<String, Map<Integer, int[]>> orders = new HashMap<>();
    /** The snapshot's orders, for those reserved before {@link #firstKeptSeq}; null when nothing was pruned. */
    private OrderBook prunedOrders;
    private long firstKeptSeq;
    /**
     * Orders of {@link #prunedOrders} reserved again in the journal: the snapshot's lines belong to the earlier
     * order of that id, not to the one the journal's line events now name.
     */
    private final Set<String> reservedAgain = new HashSet<>();
    /**
     * Channels whose configuration fences the traced SKU (at the traced location): a new configuration of one
     * replaces its fences, so it is traced, and a fence it keeps is traced after it; one it drops is not, which is
     * how a trace shows the fence's end.
     */
    private final Set<Integer> fencing = new HashSet<>();
    private String rendered;
    private String pendingReserved;
    private String pendingOrder;
    private long pendingSeq;
    /** The order whose lines the event before released on expiry, or null. */
    private String expiringOrder;
    /** Component sales still to come of the kit sale before them. */
    private int kitSoldLeft;
    /** The kit sale before them is the traced SKU's: its components' sales are part of the trace. */
    private boolean kitSaleTraced;
    /** A kit sale not traced itself, printed before the first of its components' sales that is. */
    private String pendingKitSale;
    private long pendingKitSeq;
    /** The correlation id of the record before: a command's records are contiguous, so a change starts another. */
    private long correlationId;
    /** The current command's own work had a traced event, so the key it binds names a request about the target. */
    private boolean commandTraced;
    /** The current command's traced events include one at the traced location, not only the SKU's definitions. */
    private boolean commandPlaced;
    private long matched;
    /**
     * Lines that only name or define the traced SKU (its name, a kit naming it, and the keys of those commands),
     * printed for a trace at a location whatever the location.
     */
    private long namesOnly;
    private long firstSeq;
    private long lastSeq;
    /** The window of engine time printed, epoch ms: from inclusive, to exclusive. */
    private long from = Long.MIN_VALUE;
    private long to = Long.MAX_VALUE;
    /** The engine time of the current command. */
    private long time;

    /** Traces {@code orderId} when it is not null, else {@code sku} (at {@code location} when not null). */
    TraceSink(final Consumer<String> out, final String sku, final String location, final String orderId)
    {
        this(out, sku, location, orderId, null, null);
    }

    /**
     * Traces one of: an order, a purchase order (its lines announced and its receipts), a transfer (shipped and
     * received), or a SKU (at a location when not null); the others are null.
     */
    TraceSink(final Consumer<String> out, final String sku, final String location, final String orderId,
        final String purchaseOrder, final String transferId)
    {
        this.out = out;
        final boolean bySku = orderId == null && purchaseOrder == null && transferId == null;
        this.skuName = bySku ? sku : null;
        this.locationName = bySku ? location : null;
        this.orderId = orderId;
        this.purchaseOrder = purchaseOrder;
        this.transferId = transferId;
    }

    long matched()
    {
        return matched;
    }

    /** Events traced beyond the SKU's name: none means nothing happened to it (at the traced location). */
    long eventsBeyondItsName()
    {
        return matched - namesOnly;
    }

    /** The traced location is named in the journal read (always true when no location is traced). */
    boolean locationKnown()
    {
        return locationName == null || locationId >= 0;
    }

    long firstSeq()
    {
        return firstSeq;
    }

    long lastSeq()
    {
        return lastSeq;
    }

    /**
     * The journal starts at {@code firstSeq}: the reservations of orders placed before it were pruned, and
     * {@code snapshotOrders} (a snapshot's order book covering the seqs before it, or null for none) has their lines.
     */
    void reservedBefore(final long firstSeq, final OrderBook snapshotOrders)
    {
        this.firstKeptSeq = firstSeq;
        this.prunedOrders = snapshotOrders;
    }

    /**
     * Prints only the events of engine time {@code from} (inclusive) to {@code to} (exclusive). Every event is still
     * read, so that a line event in the window names the SKU and location of a reservation made before it.
     */
    void window(final long from, final long to)
    {
        this.from = from;
        this.to = to;
    }

    @Override
    public void learn(final int kind, final int id, final CharSequence name)
    {
        json.learn(kind, id, name);
        if (kind == SYMBOL_SKU && skuName != null && skuName.contentEquals(name))
        {
            skuId = id;
        }
        if (kind == SYMBOL_LOCATION && locationName != null && locationName.contentEquals(name))
        {
            locationId = id;
        }
    }

    /** @return whether the line was printed: its command is in the window. */
    private boolean print(final long seq, final String line)
    {
        if (time < from || time >= to)
        {
            return false;
        }
        out.accept(line);
        matched++;
        if (firstSeq == 0)
        {
            firstSeq = seq;
        }
        lastSeq = seq;
        return true;
    }

    /** Prints the event just rendered, part of the current command's own work. */
    private void emit(final long seq)
    {
        pendingReserved = null;
        print(seq, rendered);
        commandTraced = true;
        commandPlaced = true;
    }

    /**
     * Prints the event just rendered, part of the current command's own work, which defines the SKU at every location
     * (a kit naming it): in a trace at a location it is context, not an event there.
     */
    private void emitContext(final long seq)
    {
        pendingReserved = null;
        if (print(seq, rendered))
        {
            namesOnly++;
        }
        commandTraced = true;
    }

    /**
     * Prints the event just rendered, an expiry run ahead of the current command: the command itself may have
     * nothing to do with what is traced, so its key is not traced on account of this event.
     */
    private boolean emitExpiry(final long seq)
    {
        return print(seq, rendered);
    }

    /** The SKU traced, at the location traced when there is one. */
    private boolean at(final int sku, final int location)
    {
        return skuId >= 0 && sku == skuId && (locationName == null || (locationId >= 0 && location == locationId));
    }

    private boolean touches(final int sku, final int from, final int to)
    {
        return skuId >= 0 && sku == skuId &&
            (locationName == null || (locationId >= 0 && (from == locationId || to == locationId)));
    }

    /**
     * Any event but an order line ends the window in which a held-back reservation can still match, and any but a
     * component's sale ends a kit sale's.
     */
    private void other()
    {
        pendingReserved = null;
        expiringOrder = null;
        kitSoldLeft = 0;
        kitSaleTraced = false;
        pendingKitSale = null;
    }

    /** The traced lines of a traced order, or null. */
    private Map<Integer, int[]> lines(final CharSequence order)
    {
        if (orders.isEmpty() && prunedOrders == null)
        {
            return null;
        }
        final String id = order.toString();
        final Map<Integer, int[]> lines = orders.get(id);
        return lines != null ? lines : prunedLines(id);
    }

    /**
     * The traced lines of an order whose reservation was pruned, from the snapshot's order book, chosen as
     * {@link #orderLine} chooses them; null when the snapshot does not hold that order or none of its lines is traced.
     */
    private Map<Integer, int[]> prunedLines(final String id)
    {
        final int order = prunedOrder(id);
        if (order < 0 || reservedAgain.contains(id))
        {
            return null;
        }
        final Map<Integer, int[]> lines = new HashMap<>();
        for (int n = 0, count = prunedOrders.lineCount(order); n < count; n++)
        {
            final int line = prunedOrders.line(order, n);
            final int sku = prunedOrders.lineSku(line);
            final int location = prunedOrders.lineLocation(line);
            final int parent = (int)prunedOrders.lineValue(line, OrderBook.L_PARENT);
            if (orderId != null || at(sku, location) || (parent >= 0 && lines.containsKey(parent)))
            {
                lines.put(n, new int[] { sku, location });
            }
        }
        if (lines.isEmpty())
        {
            return null;
        }
        orders.put(id, lines);
        return lines;
    }

    /** The snapshot's handle of an order reserved before the journal's first kept seq, or -1. */
    private int prunedOrder(final CharSequence id)
    {
        if (prunedOrders == null)
        {
            return -1;
        }
        final int order = prunedOrders.find(id);
        return order >= 0 && prunedOrders.reserveSeq(order) < firstKeptSeq ? order : -1;
    }

    private static boolean isTraced(final String traced, final CharSequence reference)
    {
        return traced != null && reference != null && traced.contentEquals(reference);
    }

    private boolean isTracedOrder(final CharSequence order)
    {
        return orderId != null && orderId.contentEquals(order);
    }

    /**
     * The line of a line event as {sku, location} when the line is traced; {@link #UNKNOWN_LINE} for a line of the
     * traced order whose SKU and location are gone with its pruned reservation; null when the event is not traced.
     */
    private int[] tracedLine(final CharSequence order, final int lineNo)
    {
        if (orderId != null && !isTracedOrder(order))
        {
            return null;
        }
        final Map<Integer, int[]> lines = lines(order);
        final int[] line = lines == null ? null : lines.get(lineNo);
        return line == null && orderId != null ? UNKNOWN_LINE : line;
    }

    /** Adds to the line event just rendered the SKU and location of its line, which the event itself lacks. */
    private void withLine(final int[] line)
    {
        if (line == UNKNOWN_LINE)
        {
            return;
        }
        final StringBuilder enriched = new StringBuilder(rendered.length() + 48)
            .append(rendered, 0, rendered.length() - 1).append(",\"line_sku\":");
        quote(enriched, json.name(SYMBOL_SKU, line[0])).append(",\"line_location\":");
        quote(enriched, json.name(SYMBOL_LOCATION, line[1])).append('}');
        rendered = enriched.toString();
    }

    private static StringBuilder quote(final StringBuilder to, final String value)
    {
        if (value == null)
        {
            return to.append("null");
        }
        to.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\')
            {
                to.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                to.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                to.append(c);
            }
        }
        return to.append('"');
    }

    @Override
    public void beginCommand(final long correlationId, final long timestamp)
    {
        commandTraced &= correlationId == this.correlationId;
        commandPlaced &= correlationId == this.correlationId;
        this.correlationId = correlationId;
        this.time = timestamp;
        json.beginCommand(correlationId, timestamp);
    }

    @Override
    public void symbol(final long seq, final int kind, final int id, final CharSequence name)
    {
        other();
        learn(kind, id, name);
        if (kind == SYMBOL_SKU && id == skuId && skuId >= 0)
        {
            json.symbol(seq, kind, id, name);
            if (locationName == null)
            {
                emit(seq);
            }
            else
            {
                // The SKU's name, shown at any location; the command that first named it may have worked at
                // another, so its key is traced only on account of its own events here.
                if (emitExpiry(seq))
                {
                    namesOnly++;
                }
            }
        }
    }

    @Override
    public void safetyStockSet(final long seq, final int sku, final int location, final long quantity)
    {
        other();
        if (at(sku, location))
        {
            json.safetyStockSet(seq, sku, location, quantity);
            emit(seq);
        }
    }

    @Override
    public void channelConfigured(final long seq, final int channel, final long buffer, final int locationCount,
        final int[] locations, final boolean keepsFencedUnits)
    {
        other();
        if (fencing.remove(channel))
        {
            json.channelConfigured(seq, channel, buffer, locationCount, locations, keepsFencedUnits);
            emit(seq);
        }
    }

    @Override
    public void allocationSet(final long seq, final int channel, final int sku, final int location,
        final long quantity, final long unused)
    {
        other();
        if (at(sku, location))
        {
            fencing.add(channel);
            json.allocationSet(seq, channel, sku, location, quantity, unused);
            emit(seq);
        }
    }

    @Override
    public void kitDefined(final long seq, final int kit, final int componentCount, final int[] componentSkus,
        final long[] componentQuantities)
    {
        other();
        boolean touches = skuId >= 0 && kit == skuId;
        for (int i = 0; i < componentCount && !touches; i++)
        {
            touches = skuId >= 0 && componentSkus[i] == skuId;
        }
        if (touches)
        {
            json.kitDefined(seq, kit, componentCount, componentSkus, componentQuantities);
            if (locationName == null)
            {
                emit(seq);
            }
            else
            {
                emitContext(seq);
            }
        }
    }

    @Override
    public void orderReserved(final long seq, final CharSequence orderId, final int channel, final long expiresAt,
        final long fingerprint, final int lineCount)
    {
        other();
        if (prunedOrder(orderId) >= 0)
        {
            reservedAgain.add(orderId.toString());
        }
        if (this.orderId != null)
        {
            if (this.orderId.contentEquals(orderId))
            {
                orders.put(this.orderId, new HashMap<>());
                json.orderReserved(seq, orderId, channel, expiresAt, fingerprint, lineCount);
                emit(seq);
            }
            return;
        }
        if (skuId < 0)
        {
            return;
        }
        final String id = orderId.toString();
        orders.remove(id);
        json.orderReserved(seq, orderId, channel, expiresAt, fingerprint, lineCount);
        pendingReserved = rendered;
        pendingOrder = id;
        pendingSeq = seq;
    }

    @Override
    public void orderLine(final long seq, final CharSequence orderId, final int lineNo, final int sku,
        final int location, final long quantity, final long fenced, final int parentLine, final long factor)
    {
        final boolean traced;
        if (this.orderId != null)
        {
            traced = this.orderId.contentEquals(orderId) && orders.containsKey(this.orderId);
        }
        else
        {
            final Map<Integer, int[]> lines = lines(orderId);
            traced = at(sku, location) || (parentLine >= 0 && lines != null && lines.containsKey(parentLine));
        }
        if (!traced)
        {
            return;
        }
        final String id = orderId.toString();
        if (pendingReserved != null && pendingOrder.equals(id))
        {
            print(pendingSeq, pendingReserved);
        }
        orders.computeIfAbsent(id, k -> new HashMap<>()).put(lineNo, new int[] { sku, location });
        json.orderLine(seq, orderId, lineNo, sku, location, quantity, fenced, parentLine, factor);
        emit(seq);
    }

    @Override
    public void linePicked(final long seq, final CharSequence orderId, final int lineNo, final long quantity)
    {
        other();
        final int[] line = tracedLine(orderId, lineNo);
        if (line != null)
        {
            json.linePicked(seq, orderId, lineNo, quantity);
            withLine(line);
            emit(seq);
        }
    }

    @Override
    public void lineShipped(final long seq, final CharSequence orderId, final int lineNo, final long fromReserved,
        final long fromPicked)
    {
        other();
        final int[] line = tracedLine(orderId, lineNo);
        if (line != null)
        {
            json.lineShipped(seq, orderId, lineNo, fromReserved, fromPicked);
            withLine(line);
            emit(seq);
        }
    }

    @Override
    public void lineReleased(final long seq, final CharSequence orderId, final int lineNo, final long fromReserved,
        final long fromPicked, final long fenceRestored, final int cause)
    {
        other();
        if (cause == RELEASE_EXPIRE)
        {
            expiringOrder = orderId.toString();
        }
        final int[] line = tracedLine(orderId, lineNo);
        if (line != null)
        {
            json.lineReleased(seq, orderId, lineNo, fromReserved, fromPicked, fenceRestored, cause);
            withLine(line);
            if (cause == RELEASE_EXPIRE)
            {
                emitExpiry(seq);
            }
            else
            {
                emit(seq);
            }
        }
    }

    @Override
    public void lineReturned(final long seq, final CharSequence orderId, final int lineNo, final long quantity,
        final int bucket)
    {
        other();
        final int[] line = tracedLine(orderId, lineNo);
        if (line != null)
        {
            json.lineReturned(seq, orderId, lineNo, quantity, bucket);
            withLine(line);
            emit(seq);
        }
    }

    @Override
    public void orderStatus(final long seq, final CharSequence orderId, final int status)
    {
        // An expiry's status follows the lines it released; an EXPIRED after anything else is a command's own (a
        // keyed action that found the order expired repeats it), and the key that command binds is traced with it.
        final boolean expiry = status == OrderStatus.EXPIRED && expiringOrder != null &&
            expiringOrder.contentEquals(orderId);
        other();
        if (this.orderId != null ? isTracedOrder(orderId) : lines(orderId) != null)
        {
            json.orderStatus(seq, orderId, status);
            if (expiry)
            {
                emitExpiry(seq);
            }
            else
            {
                emit(seq);
            }
        }
    }

    @Override
    public void demandRefused(final long seq, final int kind, final CharSequence reference, final int channel,
        final int sku, final int location, final long requested, final long available)
    {
        other();
        final boolean traced = orderId != null ? reference != null && orderId.contentEquals(reference) :
            at(sku, location);
        if (traced)
        {
            json.demandRefused(seq, kind, reference, channel, sku, location, requested, available);
            emit(seq);
        }
    }

    @Override
    public void sold(final long seq, final int channel, final int sku, final int location, final long quantity,
        final long fenced)
    {
        final int kitLeft = kitSoldLeft - 1;
        final boolean ofTracedKit = kitLeft >= 0 && kitSaleTraced;
        final String kitSale = kitLeft >= 0 ? pendingKitSale : null;
        other();
        if (ofTracedKit || at(sku, location))
        {
            if (kitSale != null)
            {
                // The component is traced: the kit sale it belongs to says why it left.
                print(pendingKitSeq, kitSale);
            }
            json.sold(seq, channel, sku, location, quantity, fenced);
            emit(seq);
        }
        if (kitLeft > 0)
        {
            kitSoldLeft = kitLeft;
            kitSaleTraced = ofTracedKit;
            pendingKitSale = ofTracedKit || at(sku, location) ? null : kitSale;
        }
    }

    @Override
    public void retentionSet(final long seq, final long windowMillis, final int keyCapacity,
        final int finishedOrderCapacity)
    {
        other();
    }

    @Override
    public void kitSold(final long seq, final int channel, final int kit, final int location, final int components,
        final long quantity)
    {
        other();
        if (at(kit, location))
        {
            json.kitSold(seq, channel, kit, location, components, quantity);
            emit(seq);
            kitSaleTraced = true;
        }
        else if (skuId >= 0)
        {
            json.kitSold(seq, channel, kit, location, components, quantity);
            pendingKitSale = rendered;
            pendingKitSeq = seq;
        }
        kitSoldLeft = components;
    }

    @Override
    public void incomingSet(final long seq, final CharSequence purchaseOrder, final int sku, final int location,
        final long quantity, final long expectedAt, final long unitCost)
    {
        other();
        if (at(sku, location) || isTraced(this.purchaseOrder, purchaseOrder))
        {
            json.incomingSet(seq, purchaseOrder, sku, location, quantity, expectedAt, unitCost);
            emit(seq);
        }
    }

    @Override
    public void received(final long seq, final CharSequence purchaseOrder, final int sku, final int location,
        final long quantity, final long unitCost, final int bucket, final long incomingReduced)
    {
        other();
        if (at(sku, location) || isTraced(this.purchaseOrder, purchaseOrder))
        {
            json.received(seq, purchaseOrder, sku, location, quantity, unitCost, bucket, incomingReduced);
            emit(seq);
        }
    }

    @Override
    public void inspected(final long seq, final int sku, final int location, final long passed, final long failed)
    {
        other();
        if (at(sku, location))
        {
            json.inspected(seq, sku, location, passed, failed);
            emit(seq);
        }
    }

    @Override
    public void moved(final long seq, final int sku, final int location, final int fromBucket, final int toBucket,
        final long quantity, final int reason)
    {
        other();
        if (at(sku, location))
        {
            json.moved(seq, sku, location, fromBucket, toBucket, quantity, reason);
            emit(seq);
        }
    }

    @Override
    public void adjusted(final long seq, final int sku, final int location, final int bucket, final long delta,
        final int reason)
    {
        other();
        if (at(sku, location))
        {
            json.adjusted(seq, sku, location, bucket, delta, reason);
            emit(seq);
        }
    }

    @Override
    public void counted(final long seq, final int sku, final int location, final long counted, final long previous)
    {
        other();
        if (at(sku, location))
        {
            json.counted(seq, sku, location, counted, previous);
            emit(seq);
        }
    }

    @Override
    public void transferShipped(final long seq, final CharSequence transferId, final int sku, final int from,
        final int to, final long quantity)
    {
        other();
        if (touches(sku, from, to) || isTraced(this.transferId, transferId))
        {
            json.transferShipped(seq, transferId, sku, from, to, quantity);
            emit(seq);
        }
    }

    @Override
    public void transferReceived(final long seq, final CharSequence transferId, final int sku, final int to,
        final long quantity, final int bucket)
    {
        other();
        if (touches(sku, to, to) || isTraced(this.transferId, transferId))
        {
            json.transferReceived(seq, transferId, sku, to, quantity, bucket);
            emit(seq);
        }
    }

    @Override
    public void keyBound(final long seq, final CharSequence key, final long fingerprint)
    {
        other();
        if (commandTraced)
        {
            json.keyBound(seq, key, fingerprint);
            if (print(seq, rendered) && !commandPlaced && locationName != null)
            {
                namesOnly++;
            }
        }
        // The key ends its command: the next one may come under the same correlation id and must earn its own.
        commandTraced = false;
        commandPlaced = false;
    }
}
