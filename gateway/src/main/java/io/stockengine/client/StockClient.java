package io.stockengine.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.stockengine.engine.Bucket;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.Reason;

/**
 * Java client of the binary TCP protocol ({@code docs/binary-protocol.md}): every command of the HTTP API, each
 * answered by a {@link CompletableFuture} of its {@link CommandResult}. Commands are pipelined on one connection and
 * coalesced into frames: those issued while the client's event loop is busy leave together (see
 * {@link StockClientBuilder#flushDelay}). A refusal is a result, not an exception; a future fails only when the
 * client could not learn the outcome ({@link StockClientException}).
 * <p>
 * The connection is re-established with exponential back-off. A command in flight when it dropped is sent again
 * if that is safe: it carries an idempotency key or an order id (the engine recognises the retry and answers
 * {@code replayed}), or it is a query; otherwise its future fails with
 * {@link StockClientException.Kind#CONNECTION_LOST}. A whole-order action or a policy (set safety stock, configure
 * channel, define kit) called without a key is given one ({@code client:} and a random UUID), since applying either
 * twice is not always the same as once; the server keeps these keys like any other, so they count against its
 * {@code --dedup-capacity}, and a client making many such calls should size that setting for them, or pass keys of
 * its own where a retry needs no recognising.
 * Commands issued while disconnected wait for the connection (bounded by {@link StockClientBuilder#maxPending} and
 * the request timeout); one that times out before it was ever written fails with
 * {@link StockClientException.Kind#NOT_SENT} (not applied), one written with
 * {@link StockClientException.Kind#TIMEOUT} (outcome unknown). Cancelling a future only stops waiting for it:
 * the command issued is still sent, and applied if the engine accepts it; the same command issued again with the
 * same key or order id answers what became of it.
 * <p>
 * Threading: every method may be called from any thread, without locks. Futures complete on the client's event
 * loop thread, so callbacks must not block (use the {@code *Async} stages for slow work); a callback may call
 * {@link #close()}, which then does not wait for the loop to stop.
 * <p>
 * Strings are identifiers as the API defines them; quantities are whole units, money is in millionths of the
 * currency unit (12.50 is {@code 12_500_000}), times are epoch milliseconds. Buckets are
 * {@link Bucket} constants and reasons {@link Reason} constants. Several methods take runs of positional numbers:
 * their parameter documentation says which is which.
 */
public final class StockClient implements AutoCloseable
{
    private final ClientSession session;

    StockClient(final StockClientBuilder builder)
    {
        this.session = new ClientSession(builder);
        session.start();
    }

    /** Settings, then {@link StockClientBuilder#connect()} or {@link StockClientBuilder#build()}. */
    public static StockClientBuilder builder()
    {
        return new StockClientBuilder();
    }

    ClientSession session()
    {
        return session;
    }

    // ---- orders ----

    /**
     * Reserves every line or none (keyed by the order id: a retry answers the order, replayed).
     *
     * @param orderId    the order to create; also its idempotency key.
     * @param channel    the sales channel, whose policy (sourcing locations, buffer, fences) applies.
     * @param ttlSeconds seconds after which the order, if still RESERVED (nothing picked, shipped or cancelled),
     *                   expires and its units go back to sellable; 0..31,536,000, 0 for no expiry.
     * @param lines      1..1000 lines (sku, location, quantity 1..1e9); a line with a null location is sourced by
     *                   the engine.
     */
    public CompletableFuture<CommandResult> reserve(final String orderId, final String channel, final long ttlSeconds,
        final Line... lines)
    {
        final Request r = request(CommandType.RESERVE).lines(lines);
        r.orderId = orderId;
        r.channel = channel;
        r.time = ttlSeconds;
        return session.enqueue(r);
    }

    /** Picks every reserved unit of the order. */
    public CompletableFuture<CommandResult> pick(final String orderId)
    {
        return orderAction(CommandType.PICK, orderId, null, null);
    }

    /**
     * Picks the given lines (then {@code key} is required), or the whole order when there are none.
     *
     * @param orderId the order.
     * @param key     idempotency key; required with lines, optional for the whole order (the client then makes one).
     * @param lines   0..1000 lines (sku, location or null, quantity 1..1e9); none for every reserved unit.
     */
    public CompletableFuture<CommandResult> pick(final String orderId, final String key, final Line... lines)
    {
        return orderAction(CommandType.PICK, orderId, key, lines);
    }

    /** Ships every reserved and picked unit (reserved units are picked and shipped at once). */
    public CompletableFuture<CommandResult> ship(final String orderId)
    {
        return orderAction(CommandType.SHIP, orderId, null, null);
    }

    /**
     * Ships the given lines (then {@code key} is required), or the whole order when there are none.
     *
     * @param orderId the order.
     * @param key     idempotency key; required with lines, optional for the whole order (the client then makes one).
     * @param lines   0..1000 lines (sku, location or null, quantity 1..1e9); none for every reserved and picked unit.
     */
    public CompletableFuture<CommandResult> ship(final String orderId, final String key, final Line... lines)
    {
        return orderAction(CommandType.SHIP, orderId, key, lines);
    }

    /** Releases every reserved and picked unit back to sellable. */
    public CompletableFuture<CommandResult> cancel(final String orderId)
    {
        return orderAction(CommandType.CANCEL, orderId, null, null);
    }

    /**
     * Cancels the given lines (then {@code key} is required), or the whole order when there are none.
     *
     * @param orderId the order.
     * @param key     idempotency key; required with lines, optional for the whole order (the client then makes one).
     * @param lines   0..1000 lines (sku, location or null, quantity 1..1e9); none for every reserved and picked unit.
     */
    public CompletableFuture<CommandResult> cancel(final String orderId, final String key, final Line... lines)
    {
        return orderAction(CommandType.CANCEL, orderId, key, lines);
    }

    private CompletableFuture<CommandResult> orderAction(final int type, final String orderId, final String key,
        final Line[] lines)
    {
        final Request r = request(type).lines(lines);
        r.orderId = orderId;
        // A whole-order action sent again after a lost connection must be recognised as the same action: by state
        // alone it is not (a cancel that finished a part-shipped order leaves it SHIPPED, and a second cancel of a
        // SHIPPED order is refused), so one sent without a key gets a key of its own for its resends.
        r.key = key != null || (lines != null && lines.length > 0) ? key : generatedKey();
        return session.enqueue(r);
    }

    /**
     * Returns shipped units: to quality_control when {@code inspect}, else straight to sellable.
     *
     * @param orderId the order the units were shipped in.
     * @param key     idempotency key (required).
     * @param inspect true: the units go to quality_control; false: to sellable.
     * @param lines   1..1000 lines (sku, location or null, quantity 1..1e9).
     */
    public CompletableFuture<CommandResult> returnLines(final String orderId, final String key, final boolean inspect,
        final Line... lines)
    {
        final Request r = request(CommandType.RETURN).lines(lines);
        r.orderId = orderId;
        r.key = key;
        r.flag = inspect;
        return session.enqueue(r);
    }

    // ---- movements ----

    /**
     * Point of sale at one location: all lines or none, from sellable.
     *
     * @param key      idempotency key (required).
     * @param channel  the sales channel.
     * @param location where the sale happens.
     * @param lines    1..1000 lines (sku, no location, quantity 1..1e9).
     */
    public CompletableFuture<CommandResult> sale(final String key, final String channel, final String location,
        final Line... lines)
    {
        final Request r = request(CommandType.SALE).lines(lines);
        r.key = key;
        r.channel = channel;
        r.location = location;
        return session.enqueue(r);
    }

    /**
     * Units arrive: sellable, or quality_control when {@code inspect}.
     *
     * @param key           idempotency key (required).
     * @param sku           the SKU received.
     * @param location      where it arrives.
     * @param quantity      units received, 1..1e9.
     * @param unitCost      cost of one unit in millionths of the currency unit (12.50 is {@code 12_500_000}),
     *                      0..2^63/1000; 0 is free stock. {@code quantity * unitCost} must fit in a long.
     * @param purchaseOrder null, or the purchase order whose incoming this receipt meets.
     * @param inspect       true: the units go to quality_control; false: to sellable.
     */
    public CompletableFuture<CommandResult> receive(final String key, final String sku, final String location,
        final long quantity, final long unitCost, final String purchaseOrder, final boolean inspect)
    {
        final Request r = request(CommandType.RECEIVE);
        r.key = key;
        r.sku = sku;
        r.location = location;
        r.quantity = quantity;
        r.amount = unitCost;
        r.reference = purchaseOrder;
        r.flag = inspect;
        return session.enqueue(r);
    }

    /**
     * Settles an inspection: units leave quality_control for sellable ({@code passed}) and damaged ({@code failed}).
     *
     * @param key      idempotency key (required).
     * @param sku      the SKU inspected.
     * @param location where.
     * @param passed   units to sellable, 0..1e9.
     * @param failed   units to damaged, 0..1e9; {@code passed + failed} at least 1.
     */
    public CompletableFuture<CommandResult> inspect(final String key, final String sku, final String location,
        final long passed, final long failed)
    {
        final Request r = request(CommandType.INSPECT);
        r.key = key;
        r.sku = sku;
        r.location = location;
        r.quantity = passed;
        r.quantity2 = failed;
        return session.enqueue(r);
    }

    /**
     * Moves units between the free buckets ({@link Bucket#SELLABLE}, {@link Bucket#QUALITY_CONTROL},
     * {@link Bucket#DAMAGED}) of one SKU at one location.
     *
     * @param key      idempotency key (required).
     * @param sku      the SKU.
     * @param location where.
     * @param quantity units moved, 1..1e9.
     * @param from     the {@link Bucket} they leave: SELLABLE, QUALITY_CONTROL or DAMAGED (RESERVED and PICKED
     *                 belong to orders).
     * @param to       the {@link Bucket} they enter, one of the same three, not {@code from}.
     * @param reason   a {@link Reason} constant ({@link Reason#NONE} .. {@link Reason#REGRADE}), {@link Reason#NONE}
     *                 for none.
     */
    public CompletableFuture<CommandResult> move(final String key, final String sku, final String location,
        final long quantity, final int from, final int to, final int reason)
    {
        final Request r = request(CommandType.MOVE);
        r.key = key;
        r.sku = sku;
        r.location = location;
        r.quantity = quantity;
        r.bucket = from;
        r.bucket2 = to;
        r.reason = reason;
        return session.enqueue(r);
    }

    /**
     * A signed change of one free bucket (units appear or disappear, unlike {@link #move}).
     *
     * @param key      idempotency key (required).
     * @param sku      the SKU.
     * @param location where.
     * @param delta    units added (positive) or removed (negative), -1e9..1e9, not 0.
     * @param bucket   the {@link Bucket} changed: {@link Bucket#SELLABLE}, {@link Bucket#QUALITY_CONTROL} or
     *                 {@link Bucket#DAMAGED}.
     * @param reason   {@link Reason#LOST}, {@link Reason#FOUND}, {@link Reason#THEFT}, {@link Reason#CORRECTION} or
     *                 {@link Reason#WRITE_OFF}.
     */
    public CompletableFuture<CommandResult> adjust(final String key, final String sku, final String location,
        final long delta, final int bucket, final int reason)
    {
        final Request r = request(CommandType.ADJUST);
        r.key = key;
        r.sku = sku;
        r.location = location;
        r.quantity = delta;
        r.bucket = bucket;
        r.reason = reason;
        return session.enqueue(r);
    }

    /**
     * Cycle count of sellable: sets it and journals the variance. The answer's {@link CommandResult#outTime()} is
     * sellable before the count (on INVALID_TRANSITION, a stale expected: sellable now), so the variance found is
     * {@code counted - outTime()}; -1 on a retry whose answer the engine no longer keeps.
     *
     * @param key      idempotency key (required).
     * @param sku      the SKU counted.
     * @param location where.
     * @param counted  the sellable units found, 0..1e9.
     */
    public CompletableFuture<CommandResult> count(final String key, final String sku, final String location,
        final long counted)
    {
        return count(key, sku, location, counted, false, 0);
    }

    /**
     * Cycle count applied only if sellable still equals {@code expected} (else INVALID_TRANSITION, whose
     * {@link CommandResult#outTime()} holds sellable now).
     *
     * @param key      idempotency key (required).
     * @param sku      the SKU counted.
     * @param location where.
     * @param counted  the sellable units found, 0..1e9.
     * @param expected the sellable units the books showed when counting began, 0..1e9.
     */
    public CompletableFuture<CommandResult> count(final String key, final String sku, final String location,
        final long counted, final long expected)
    {
        return count(key, sku, location, counted, true, expected);
    }

    private CompletableFuture<CommandResult> count(final String key, final String sku, final String location,
        final long counted, final boolean hasExpected, final long expected)
    {
        final Request r = request(CommandType.COUNT);
        r.key = key;
        r.sku = sku;
        r.location = location;
        r.quantity = counted;
        r.flag = hasExpected;
        r.quantity2 = expected;
        return session.enqueue(r);
    }

    /**
     * Announces (or changes) a purchase-order line: {@code quantity} expected at {@code expectedAtMillis}. Note the
     * order of the numbers, unlike {@link #receive}: quantity, then the time, then the cost.
     *
     * @param key              idempotency key (required).
     * @param purchaseOrder    the purchase order.
     * @param sku              the SKU expected.
     * @param location         where it is expected.
     * @param quantity         units expected, 0..1e9: it replaces what the line expected before.
     * @param expectedAtMillis when they are expected, epoch milliseconds (0 is 1970-01-01, at most
     *                         253,402,300,799,999 = 9999-12-31T23:59:59.999Z).
     * @param unitCost         cost of one unit in millionths of the currency unit, 0..2^63/1000.
     */
    public CompletableFuture<CommandResult> announceIncoming(final String key, final String purchaseOrder,
        final String sku, final String location, final long quantity, final long expectedAtMillis, final long unitCost)
    {
        final Request r = request(CommandType.ANNOUNCE_INCOMING);
        r.key = key;
        r.reference = purchaseOrder;
        r.sku = sku;
        r.location = location;
        r.quantity = quantity;
        r.time = expectedAtMillis;
        r.amount = unitCost;
        return session.enqueue(r);
    }

    /**
     * Sends units from sellable at {@code from} to in_transit at {@code to}.
     *
     * @param key        idempotency key (required).
     * @param transferId the transfer, named again by {@link #transferIn} and {@link #queryTransfer}.
     * @param sku        the SKU sent.
     * @param from       the location it leaves.
     * @param to         the location it goes to, not {@code from}.
     * @param quantity   units sent, 1..1e9.
     */
    public CompletableFuture<CommandResult> transferOut(final String key, final String transferId, final String sku,
        final String from, final String to, final long quantity)
    {
        final Request r = request(CommandType.TRANSFER_OUT);
        r.key = key;
        r.reference = transferId;
        r.sku = sku;
        r.location = from;
        r.location2 = to;
        r.quantity = quantity;
        return session.enqueue(r);
    }

    /**
     * Receives a transfer: in transit to sellable (or quality_control when {@code inspect}) at its destination.
     *
     * @param key        idempotency key (required).
     * @param transferId the transfer.
     * @param quantity   units received, 0..1e9; 0 means all still in transit.
     * @param inspect    true: the units go to quality_control; false: to sellable.
     */
    public CompletableFuture<CommandResult> transferIn(final String key, final String transferId, final long quantity,
        final boolean inspect)
    {
        final Request r = request(CommandType.TRANSFER_IN);
        r.key = key;
        r.reference = transferId;
        r.quantity = quantity;
        r.flag = inspect;
        return session.enqueue(r);
    }

    // ---- policies (the key is optional: they are idempotent by nature, and resent after a lost connection) ----

    /**
     * Sets the sellable units of a SKU at a location that no channel may sell ({@code available} excludes them).
     *
     * @param key      idempotency key, or null.
     * @param sku      the SKU (not a kit).
     * @param location where.
     * @param quantity the safety stock, 0..1e9 units.
     */
    public CompletableFuture<CommandResult> setSafetyStock(final String key, final String sku, final String location,
        final long quantity)
    {
        final Request r = request(CommandType.SET_SAFETY_STOCK);
        r.key = key != null ? key : generatedKey();
        r.sku = sku;
        r.location = location;
        r.quantity = quantity;
        return session.enqueue(r);
    }

    /**
     * Replaces a channel's policy: its buffer, the locations it sources from in order, and its ring-fences.
     *
     * @param key         idempotency key, or null.
     * @param channel     the channel.
     * @param buffer      units at every location the channel may not sell (taken off what it sees), 0..1e9.
     * @param locations   the locations it sources from, in order, distinct; null or empty for every location.
     * @param allocations ring-fences: (sku, location, units 0..1e9) each; null for none. With the locations, at most
     *                    1000 in all.
     */
    public CompletableFuture<CommandResult> configureChannel(final String key, final String channel, final long buffer,
        final List<String> locations, final List<Line> allocations)
    {
        final int locationCount = locations == null ? 0 : locations.size();
        final int allocationCount = allocations == null ? 0 : allocations.size();
        final Line[] lines = new Line[locationCount + allocationCount];
        for (int i = 0; i < locationCount; i++)
        {
            lines[i] = new Line(null, locations.get(i), 0);
        }
        for (int i = 0; i < allocationCount; i++)
        {
            lines[locationCount + i] = allocations.get(i);
        }
        final Request r = request(CommandType.CONFIGURE_CHANNEL).lines(lines);
        r.key = key != null ? key : generatedKey();
        r.channel = channel;
        r.quantity = buffer;
        r.quantity2 = locationCount;
        return session.enqueue(r);
    }

    /**
     * Defines (or redefines) a kit, sold as its components.
     *
     * @param key        idempotency key, or null.
     * @param sku        the kit's SKU: one with no stock, safety stock or fence of its own, and no component.
     * @param components 1..32 components: (sku, no location, units per kit 1..1e9).
     */
    public CompletableFuture<CommandResult> defineKit(final String key, final String sku, final Line... components)
    {
        final Request r = request(CommandType.DEFINE_KIT).lines(components);
        r.key = key != null ? key : generatedKey();
        r.sku = sku;
        return session.enqueue(r);
    }

    // ---- queries ----

    /**
     * A key for a command called without one whose resend must be recognised as such: a whole-order action (the
     * order's state cannot tell a resend from a second action) and a policy (two configurations of one channel in
     * flight, both resent after a lost connection, would each be applied again, refilling fences taken in between).
     */
    private static String generatedKey()
    {
        return "client:" + java.util.UUID.randomUUID();
    }

    /** Every location of the SKU ({@code Command.STOCK_*} rows); {@link CommandResult#stockTotal} sums them. */
    public CompletableFuture<CommandResult> queryStock(final String sku)
    {
        final Request r = request(CommandType.QUERY_STOCK);
        r.sku = sku;
        return session.enqueue(r);
    }

    /** The SKU at one location: zero or one stock row. */
    public CompletableFuture<CommandResult> queryStockAt(final String sku, final String location)
    {
        final Request r = request(CommandType.QUERY_STOCK_AT);
        r.sku = sku;
        r.location = location;
        return session.enqueue(r);
    }

    /** What the channel may sell now of each SKU: rows per location, totals per SKU as items. */
    public CompletableFuture<CommandResult> queryAvailability(final String channel, final String... skus)
    {
        return availability(channel, false, 0, skus);
    }

    /**
     * What the channel may promise by {@code atMillis}, counting incoming expected by then.
     *
     * @param channel  the channel.
     * @param atMillis the date, epoch milliseconds (as {@link #announceIncoming}'s {@code expectedAtMillis}).
     * @param skus     1..1000 SKUs.
     */
    public CompletableFuture<CommandResult> queryAvailabilityAt(final String channel, final long atMillis,
        final String... skus)
    {
        return availability(channel, true, atMillis, skus);
    }

    private CompletableFuture<CommandResult> availability(final String channel, final boolean hasDate,
        final long atMillis, final String[] skus)
    {
        final Line[] lines = new Line[skus == null ? 0 : skus.length];
        for (int i = 0; i < lines.length; i++)
        {
            lines[i] = new Line(skus[i], null, 0);
        }
        final Request r = request(CommandType.QUERY_AVAILABILITY).lines(lines);
        r.channel = channel;
        r.flag = hasDate;
        r.time = atMillis;
        return session.enqueue(r);
    }

    public CompletableFuture<CommandResult> queryOrder(final String orderId)
    {
        final Request r = request(CommandType.QUERY_ORDER);
        r.orderId = orderId;
        return session.enqueue(r);
    }

    public CompletableFuture<CommandResult> queryTransfer(final String transferId)
    {
        final Request r = request(CommandType.QUERY_TRANSFER);
        r.reference = transferId;
        return session.enqueue(r);
    }

    /** The channel's stored policy: buffer in {@code outTime}, sourcing locations then fences as rows. */
    public CompletableFuture<CommandResult> queryChannel(final String channel)
    {
        final Request r = request(CommandType.QUERY_CHANNEL);
        r.channel = channel;
        return session.enqueue(r);
    }

    /** A kit's components as rows (sku, units per kit); NOT_FOUND when the SKU is no kit. */
    public CompletableFuture<CommandResult> queryKit(final String sku)
    {
        final Request r = request(CommandType.QUERY_KIT);
        r.sku = sku;
        return session.enqueue(r);
    }

    private Request request(final int type)
    {
        return new Request(session, type);
    }

    // ---- connection ----

    /** True while a connection is up (a snapshot: it may drop at any time). */
    public boolean isConnected()
    {
        return session.isConnected();
    }

    /** Connections made so far (1 + reconnects). */
    public long connections()
    {
        return session.connections();
    }

    /**
     * Answers from the server that could not be read: a broken frame (which closes the connection) or a single
     * unreadable answer (which fails its command with {@link StockClientException.Kind#ANSWER_UNREADABLE}).
     */
    public long protocolErrors()
    {
        return session.protocolErrors();
    }

    /**
     * Fails every command still pending with {@link StockClientException.Kind#CLOSED}, closes the connection and
     * stops the client's event loop. Idempotent.
     */
    @Override
    public void close()
    {
        session.close(2_000);
    }
}
