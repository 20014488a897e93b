package io.stockengine.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Consumer;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.EventSink;
import io.stockengine.engine.ResultCode;
import io.stockengine.engine.StockEngine;
import io.stockengine.journal.ReaderPosition;

/**
 * Drives a real {@link StockEngine} whose events go straight to a ledger's sink (no journal), one command at a
 * time, and commits the ledger with a position naming the engine's last seq. Each command advances engine time by a
 * second.
 */
final class EngineDriver
{
    final StockEngine engine;
    private final Ledger ledger;
    private long time = AccountingWorkload.BASE_TIME;
    private long correlation;

    EngineDriver(final Ledger ledger)
    {
        this(ledger, ledger.sink());
    }

    EngineDriver(final Ledger ledger, final EventSink events)
    {
        this.ledger = ledger;
        this.engine = new StockEngine(new EngineConfig(), events);
    }

    Command run(final Consumer<Command> filler)
    {
        final Command c = new Command().reset();
        filler.accept(c);
        c.correlationId = ++correlation;
        time += 1_000;
        c.timestamp = time;
        engine.process(c);
        return c;
    }

    /** The next command runs at {@code millis} of engine time (later ones a second apart, as before). */
    void at(final long millis)
    {
        time = millis - 1_000;
    }

    /** Runs a command filled by someone else (a workload), with its own correlation id and time. */
    Command process(final Command c)
    {
        engine.process(c);
        return c;
    }

    /** Runs a command that must succeed. */
    Command ok(final Consumer<Command> filler)
    {
        final Command c = run(filler);
        assertEquals(ResultCode.OK, c.result, () -> CommandType.name(c.type) + " must succeed");
        return c;
    }

    void receive(final String sku, final String location, final long quantity, final String unitCost)
    {
        ok(c ->
        {
            c.type = CommandType.RECEIVE;
            c.sku = sku;
            c.location = location;
            c.quantity = quantity;
            c.amount = Money.parse(unitCost);
        });
    }

    void sell(final String sku, final String location, final long quantity)
    {
        ok(c ->
        {
            c.type = CommandType.SALE;
            c.key = "sale-" + correlation;
            c.channel = "pos";
            c.location = location;
            c.line(sku, null, quantity);
        });
    }

    /** Reserves and ships an order of one line at once. */
    void ship(final String orderId, final String sku, final String location, final long quantity)
    {
        ok(c ->
        {
            c.type = CommandType.RESERVE;
            c.orderId = orderId;
            c.channel = "web";
            c.line(sku, location, quantity);
        });
        ok(c ->
        {
            c.type = CommandType.SHIP;
            c.orderId = orderId;
        });
    }

    void returnLine(final String orderId, final String sku, final long quantity)
    {
        ok(c ->
        {
            c.type = CommandType.RETURN;
            c.orderId = orderId;
            c.key = "return-" + correlation;
            c.line(sku, null, quantity);
        });
    }

    void adjust(final String sku, final String location, final int bucket, final long delta, final int reason)
    {
        ok(c ->
        {
            c.type = CommandType.ADJUST;
            c.sku = sku;
            c.location = location;
            c.bucket = bucket;
            c.quantity = delta;
            c.reason = reason;
        });
    }

    void move(final String sku, final String location, final int from, final int to, final long quantity)
    {
        ok(c ->
        {
            c.type = CommandType.MOVE;
            c.sku = sku;
            c.location = location;
            c.bucket = from;
            c.bucket2 = to;
            c.quantity = quantity;
        });
    }

    void count(final String sku, final String location, final long counted)
    {
        ok(c ->
        {
            c.type = CommandType.COUNT;
            c.sku = sku;
            c.location = location;
            c.quantity = counted;
        });
    }

    void transferOut(final String id, final String sku, final String from, final String to, final long quantity)
    {
        ok(c ->
        {
            c.type = CommandType.TRANSFER_OUT;
            c.reference = id;
            c.sku = sku;
            c.location = from;
            c.location2 = to;
            c.quantity = quantity;
        });
    }

    void transferIn(final String id, final long quantity)
    {
        ok(c ->
        {
            c.type = CommandType.TRANSFER_IN;
            c.reference = id;
            c.quantity = quantity;
        });
    }

    /** Commits the ledger at the engine's last seq. */
    void commit()
    {
        final long seq = engine.lastSeq();
        ledger.store(seq == 0 ? ReaderPosition.BEGINNING : new ReaderPosition(seq, seq));
    }
}
