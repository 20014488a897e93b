package io.stockengine.engine;

/**
 * The events (facts, past tense) that accepted and refused commands produce. The balances are a fold over them:
 * {@link InventoryState} implements this interface as that fold, recovery replays the journal into it, and the
 * journal encodes each call as one record.
 * <p>
 * Every event carries its journal sequence number {@code seq}, gap-free from 1. {@link #beginCommand} precedes the
 * events of each command and names the command's correlation id and engine time, which every following record
 * carries. Identifiers of SKUs, locations and channels are interned ints defined by {@link #symbol} before first use;
 * order, transfer, purchase-order ids and idempotency keys travel as text.
 * <p>
 * Threading: called only on the logic thread (or the recovery thread, before the logic thread starts). An
 * implementation must copy any array or {@link CharSequence} it wants to keep: the caller reuses them.
 */
public interface EventSink
{
    /** Kinds of {@link #symbol}. */
    int SYMBOL_SKU = 0;
    int SYMBOL_LOCATION = 1;
    int SYMBOL_CHANNEL = 2;

    /** Causes of {@link #lineReleased}. */
    int RELEASE_CANCEL = 0;
    int RELEASE_EXPIRE = 1;

    /** Kinds of {@link #demandRefused}. */
    int DEMAND_RESERVE = 0;
    int DEMAND_SALE = 1;

    /** Not a record: the header that the following records of one command share. */
    void beginCommand(long correlationId, long timestamp);

    /** A SKU, location or channel name is given its int id (ids count up from 0 per kind). */
    void symbol(long seq, int kind, int id, CharSequence name);

    void safetyStockSet(long seq, int sku, int location, long quantity);

    /**
     * A channel's policy is replaced: its buffer and sourcing locations; every allocation it had is dropped and
     * {@link #allocationSet} events follow for the new ones. With {@code keepsFencedUnits} (every configuration this
     * build writes) the units its open orders took from its fences stay counted as fenced, so the new fences count
     * them; without it (journals written before), they are forgotten, and the new fences start full.
     */
    void channelConfigured(long seq, int channel, long buffer, int locationCount, int[] locations,
        boolean keepsFencedUnits);

    /**
     * A ring-fence of {@code quantity} units of a SKU at a location for one channel, of which {@code unused} are not
     * held by its open orders; -1 for an allocation of a journal written before (its fence starts full).
     */
    void allocationSet(long seq, int channel, int sku, int location, long quantity, long unused);

    void kitDefined(long seq, int kit, int componentCount, int[] componentSkus, long[] componentQuantities);

    /**
     * An order is reserved; {@code lineCount} {@link #orderLine} events follow.
     *
     * @param expiresAt   engine time at which an unpicked order expires, or 0 for none.
     * @param fingerprint hash of the reservation's payload, to tell a retry from a conflicting reuse of the id.
     */
    void orderReserved(long seq, CharSequence orderId, int channel, long expiresAt, long fingerprint, int lineCount);

    /**
     * One line of a reserved order. A kit line ({@code parentLine == -1} and components following it) moves no
     * stock itself; its component lines ({@code parentLine} = the kit line's number, {@code factor} = units per
     * kit) and plain lines move {@code quantity} units from sellable to reserved, {@code fenced} of them taken from
     * the channel's ring-fence.
     */
    void orderLine(long seq, CharSequence orderId, int lineNo, int sku, int location, long quantity, long fenced,
        int parentLine, long factor);

    void linePicked(long seq, CharSequence orderId, int lineNo, long quantity);

    /** Shipped {@code fromPicked} picked units and {@code fromReserved} reserved ones (picked and shipped at once). */
    void lineShipped(long seq, CharSequence orderId, int lineNo, long fromReserved, long fromPicked);

    /** Reserved and picked units go back to sellable; {@code fenceRestored} of them go back to the ring-fence. */
    void lineReleased(long seq, CharSequence orderId, int lineNo, long fromReserved, long fromPicked,
        long fenceRestored, int cause);

    void lineReturned(long seq, CharSequence orderId, int lineNo, long quantity, int bucket);

    /**
     * The order's status after the command's line events. A keyed whole-order action that finds the order already
     * done (nothing to change) repeats its unchanged status, so the key's binding that follows names its order.
     */
    void orderStatus(long seq, CharSequence orderId, int status);

    /** A refused reservation or sale line: lost demand, a signal for planners. {@code location} -1 = unsourced. */
    void demandRefused(long seq, int kind, CharSequence reference, int channel, int sku, int location,
        long requested, long available);

    /** Point-of-sale: sellable to gone. */
    void sold(long seq, int channel, int sku, int location, long quantity, long fenced);

    /**
     * Point-of-sale of a kit: {@code quantity} kits at {@code location}. Moves no stock itself: the {@link #sold} of
     * each of its {@code components} follows at once, so a reader can tell a kit's sales from its components' own
     * without knowing how the kit was defined then.
     */
    void kitSold(long seq, int channel, int kit, int location, int components, long quantity);

    /**
     * From here on, idempotency keys and finished orders are kept for {@code windowMillis} of engine time, at most
     * {@code keyCapacity} keys (the oldest beyond it are forgotten now) and {@code finishedOrderCapacity} finished
     * orders. Which keys and orders a state forgets decides later answers, and a replay must forget exactly what the
     * live engine did: so the settings they were decided under are journaled, not taken from the restart's flags.
     */
    void retentionSet(long seq, long windowMillis, int keyCapacity, int finishedOrderCapacity);

    /** A purchase-order line is announced or re-announced: {@code quantity} is what is now expected. */
    void incomingSet(long seq, CharSequence purchaseOrder, int sku, int location, long quantity, long expectedAt,
        long unitCost);

    /** Units arrive into {@code bucket}; {@code incomingReduced} of the purchase order's expected units are met. */
    void received(long seq, CharSequence purchaseOrder, int sku, int location, long quantity, long unitCost,
        int bucket, long incomingReduced);

    void inspected(long seq, int sku, int location, long passed, long failed);

    void moved(long seq, int sku, int location, int fromBucket, int toBucket, long quantity, int reason);

    void adjusted(long seq, int sku, int location, int bucket, long delta, int reason);

    /** Sellable is set to {@code counted}; it was {@code previous}. */
    void counted(long seq, int sku, int location, long counted, long previous);

    /** Sellable at {@code from} to in_transit at {@code to}. */
    void transferShipped(long seq, CharSequence transferId, int sku, int from, int to, long quantity);

    /** In-transit units arrive at the transfer's destination into {@code bucket}. */
    void transferReceived(long seq, CharSequence transferId, int sku, int to, long quantity, int bucket);

    /** An idempotency key is bound to the payload that succeeded; {@code seq} is the answer a retry gets. */
    void keyBound(long seq, CharSequence key, long fingerprint);
}
