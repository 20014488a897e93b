package io.stockengine.accounting;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.stockengine.engine.Balances;
import io.stockengine.engine.InventoryState;
import io.stockengine.journal.JournalConfig;
import io.stockengine.journal.JournalReader;
import io.stockengine.journal.JournalSeek;
import io.stockengine.journal.Queues;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Checks that units and value agree, at the seq the ledger has committed:
 * <ul>
 *   <li>for every SKU x location, the units in the ledger's cost layers (on hand, and in transit towards it) equal the
 *       engine's {@code on_hand + in_transit} there, from the journal replayed into an {@link InventoryState};</li>
 *   <li>for every SKU x location, what the postings put in the inventory accounts there equals the value of its
 *       layers;</li>
 *   <li>the inventory accounts' balance equals the value of all layers, and debits equal credits.</li>
 * </ul>
 * Every difference is listed; none means the ledger, the valuation and the engine tell the same story.
 */
public final class Reconciler
{
    /** One disagreement: what was compared, where (null for the whole ledger), and the two numbers. */
    public record Difference(String what, String sku, String location, String leftName, long left, String rightName,
        long right, boolean money)
    {
        @Override
        public String toString()
        {
            return what + (sku == null ? "" : " of " + sku + " @ " + location) + ": " + leftName + " " +
                (money ? Money.format(left) : Long.toString(left)) + ", " + rightName + " " +
                (money ? Money.format(right) : Long.toString(right));
        }
    }

    /** What was compared and what differs. */
    public record Result(long seq, int stocksChecked, long units, long layerValue, long inventoryAccounts,
        long debits, long credits, List<Difference> differences)
    {
        public boolean clean()
        {
            return differences.isEmpty();
        }
    }

    private Reconciler()
    {
    }

    /**
     * Replays the journal from seq 1 into a fresh state up to seq {@code seq} (nothing past it, so the engine's numbers
     * are those of the same moment as the ledger's).
     *
     * @throws PrunedJournalException when the journal no longer starts at seq 1.
     * @throws IllegalStateException  when the journal ends before {@code seq}.
     */
    public static InventoryState replay(final JournalConfig journal, final InventoryState state, final long seq)
    {
        try (JournalReader reader = JournalReader.open(new JournalReader.Context().config(journal)))
        {
            // A fresh state knows nothing of what the pruned events did: applying the first event left to it would
            // fail on an order it never saw reserved, or count stock from the middle of its story.
            final long first = firstSeq(journal);
            if (first > 1)
            {
                throw new PrunedJournalException("the journal starts at seq " + first + " (older files were pruned); " +
                    "reconcile needs it from seq 1, since it replays the journal into a fresh engine state up to " +
                    "the ledger's seq " + seq);
            }
            while (reader.lastSeq() < seq && reader.poll(state, 65_536, seq) > 0)
            {
                // Each poll applies up to 64k events; the loop ends at seq or at the end of the journal.
            }
            if (reader.lastSeq() != seq)
            {
                throw aheadOfJournal(reader.lastSeq(), seq);
            }
        }
        return state;
    }

    /**
     * A ledger past its journal's end: built from another (longer) journal, so its figures are not this journal's.
     * One sentence for the consumer and every report alike.
     */
    static IllegalStateException aheadOfJournal(final long journalEnd, final long ledgerSeq)
    {
        return new IllegalStateException(String.format("the journal ends at seq %,d but the ledger is at seq %,d: is " +
            "this the ledger of this journal?", journalEnd, ledgerSeq));
    }

    /** The seq of the first event the journal holds, 0 when it holds none. */
    static long firstSeq(final JournalConfig journal)
    {
        try (SingleChronicleQueue queue = Queues.open(journal.journalDir(), journal, true))
        {
            return JournalSeek.firstSeq(queue);
        }
    }

    /** Compares the ledger with {@code state}, which must hold the journal up to {@link LedgerReports#ledgerSeq}. */
    public static Result reconcile(final LedgerReports ledger, final InventoryState state)
    {
        final List<Difference> differences = new ArrayList<>();
        final Map<Long, LedgerReports.StockValue> layers = new HashMap<>();
        long units = 0;
        long layerValue = 0;
        for (final LedgerReports.StockValue stock : ledger.valuation(null, true))
        {
            layers.put(Valuation.key(stock.sku(), stock.location()), stock);
            units = Math.addExact(units, stock.totalUnits());
            layerValue = Math.addExact(layerValue, stock.totalValue());
        }
        final Set<Long> keys = new HashSet<>(layers.keySet());
        final Balances balances = state.balances();
        final Map<Long, Long> engineUnits = new HashMap<>();
        for (int b = 0; b < balances.count(); b++)
        {
            final long key = Valuation.key(balances.sku(b), balances.location(b));
            engineUnits.put(key, balances.onHand(b) + balances.get(b, Balances.IN_TRANSIT));
            keys.add(key);
        }
        final Map<Long, Long> posted = ledger.postedInventory();
        keys.addAll(posted.keySet());
        final List<Long> ordered = new ArrayList<>(keys);
        ordered.sort(null);
        for (final long key : ordered)
        {
            final LedgerReports.StockValue stock = layers.get(key);
            final long ledgerUnits = stock == null ? 0 : stock.totalUnits();
            final long ledgerValue = stock == null ? 0 : stock.totalValue();
            final long engine = engineUnits.getOrDefault(key, 0L);
            final String sku = ledger.skuName((int)(key >>> 32));
            final String location = ledger.locationName((int)key);
            if (ledgerUnits != engine)
            {
                differences.add(new Difference("units", sku, location, "cost layers", ledgerUnits,
                    "engine on_hand + in_transit", engine, false));
            }
            final long postedValue = posted.getOrDefault(key, 0L);
            if (postedValue != ledgerValue)
            {
                differences.add(new Difference("value", sku, location, "inventory accounts", postedValue, "cost layers",
                    ledgerValue, true));
            }
        }
        final LedgerReports.TrialBalance trial = ledger.trialBalance();
        if (trial.inventory() != layerValue)
        {
            differences.add(new Difference("total value", null, null, "inventory accounts " +
                ledger.stockAccounts(), trial.inventory(), "cost layers", layerValue, true));
        }
        if (!trial.balanced())
        {
            differences.add(new Difference("trial balance", null, null, "debits", trial.debits(), "credits",
                trial.credits(), true));
        }
        return new Result(ledger.ledgerSeq(), ordered.size(), units, layerValue, trial.inventory(), trial.debits(),
            trial.credits(), differences);
    }
}
