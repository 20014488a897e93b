package io.stockengine.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.OrderStatus;
import io.stockengine.engine.PipelineConfig;
import io.stockengine.engine.ResultCode;

/**
 * Which idempotency keys and finished orders a state forgets decides later answers, so a restart with other
 * retention flags (window, capacity) must replay what was journaled under the old ones exactly, and apply the new
 * ones from then on. A reviewer showed three ways it did not: a recovery that failed on an order forgotten too early,
 * an order id reused after it was forgotten attached to the old order's lines, and keys scrambled by a snapshot
 * holding more of them than the new capacity (one retry applied twice).
 */
@Timeout(60)
class RetentionRestartTest
{
    private static final long T0 = 1_800_000_000_000L;
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    private final long[] clock = { T0 };

    private JournaledEngine open(final EngineConfig engineConfig, final boolean snapshots, final List<String> log)
    {
        return JournaledEngine.open(new JournalConfig().dataDir(dir).snapshots(snapshots).rollCycle("FAST_DAILY"),
            engineConfig, new PipelineConfig().ringSize(1024).tickIntervalMillis(0).clock(() -> clock[0]), log::add);
    }

    private Command run(final JournaledEngine engine, final long at, final Consumer<Command> filler) throws Exception
    {
        clock[0] = at;
        return engine.pipeline().submit(filler).get(10, TimeUnit.SECONDS);
    }

    private static Consumer<Command> receive(final String key, final long quantity)
    {
        return c ->
        {
            c.type = CommandType.RECEIVE;
            c.key = key;
            c.sku = "A";
            c.location = "WH1";
            c.quantity = quantity;
            c.amount = 1_000_000;
        };
    }

    private static Consumer<Command> reserve(final String order, final long quantity)
    {
        return c ->
        {
            c.type = CommandType.RESERVE;
            c.orderId = order;
            c.channel = "web";
            c.line("A", "WH1", quantity);
        };
    }

    private static Consumer<Command> action(final int type, final String order)
    {
        return c ->
        {
            c.type = type;
            c.orderId = order;
        };
    }

    @Test
    void shouldRecoverWithASmallerWindowAnOrderTheJournalStillActedOn() throws Exception
    {
        final long hash;
        try (JournaledEngine engine = open(new EngineConfig(), false, new CopyOnWriteArrayList<>()))
        {
            run(engine, T0, receive("r-1", 10));
            run(engine, T0 + 1, reserve("A1", 2));
            run(engine, T0 + 2, action(CommandType.SHIP, "A1"));
            // A reservation two hours later forgets finished orders older than the window: not A1, under 7 days.
            run(engine, T0 + 2 * HOUR, reserve("B1", 1));
            final Command returned = run(engine, T0 + 3 * HOUR, c ->
            {
                c.type = CommandType.RETURN;
                c.orderId = "A1";
                c.key = "ret-1";
                c.line("A", "WH1", 1);
            });
            assertEquals(ResultCode.OK, returned.result);
            hash = engine.pipeline().engine().stateHash();
        }
        final List<String> log = new CopyOnWriteArrayList<>();
        try (JournaledEngine engine = open(new EngineConfig().dedupWindowMillis(HOUR), false, log))
        {
            final Command order = run(engine, T0 + 3 * HOUR + 1, action(CommandType.QUERY_ORDER, "A1"));
            assertEquals(ResultCode.OK, order.result, "the hour's window forgets A1 from now on, not in the replay");
            assertEquals(OrderStatus.SHIPPED, order.status);
            assertTrue(log.stream().anyMatch(l -> l.startsWith("retention: keys and finished orders kept 3,600,000 ms")),
                log.toString());
            assertFalse(engine.pipeline().engine().stateHash() == hash, "the new retention is part of the state");
        }
    }

    @Test
    void shouldKeepAReusedOrderIdApartFromTheOrderForgottenUnderASmallerWindow() throws Exception
    {
        final Command live;
        try (JournaledEngine engine = open(new EngineConfig().dedupWindowMillis(HOUR), false, new CopyOnWriteArrayList<>()))
        {
            run(engine, T0, receive("r-1", 10));
            run(engine, T0 + 1, reserve("X", 2));
            run(engine, T0 + 2, action(CommandType.CANCEL, "X"));
            run(engine, T0 + 2 * HOUR, reserve("B", 1));
            assertEquals(ResultCode.OK, run(engine, T0 + 2 * HOUR + 1, reserve("X", 3)).result, "X was forgotten");
            live = run(engine, T0 + 2 * HOUR + 2, action(CommandType.QUERY_ORDER, "X"));
            assertEquals(OrderStatus.RESERVED, live.status);
        }
        try (JournaledEngine engine = open(new EngineConfig(), false, new CopyOnWriteArrayList<>()))
        {
            final Command after = run(engine, T0 + 2 * HOUR + 3, action(CommandType.QUERY_ORDER, "X"));
            assertEquals(OrderStatus.RESERVED, after.status);
            assertEquals(3, after.value(0, Command.LINE_FIELDS, Command.LINE_RESERVED));
            assertEquals(ResultCode.OK, run(engine, T0 + 2 * HOUR + 4, action(CommandType.PICK, "X")).result);
        }
    }

    /**
     * Not retention, but the same restart: a clock behind the journal's engine time holds that time still (TTLs count
     * from it), which a start must say rather than leave a tester to find an `expires_at` hours ahead.
     */
    @Test
    void shouldWarnWhenTheClockIsBehindTheJournalsTime() throws Exception
    {
        try (JournaledEngine engine = open(new EngineConfig(), false, new CopyOnWriteArrayList<>()))
        {
            run(engine, T0 + 2 * HOUR, receive("r-1", 1));
        }
        clock[0] = T0;
        final List<String> log = new CopyOnWriteArrayList<>();
        try (JournaledEngine engine = open(new EngineConfig(), false, log))
        {
            assertTrue(log.stream().anyMatch(l -> l.startsWith("recovery: WARNING the clock reads") &&
                l.contains("7,200,000 ms behind")), log.toString());
        }
        final List<String> quiet = new CopyOnWriteArrayList<>();
        clock[0] = T0 + 2 * HOUR;
        try (JournaledEngine engine = open(new EngineConfig(), false, quiet))
        {
            assertFalse(quiet.stream().anyMatch(l -> l.contains("WARNING")), quiet.toString());
        }
    }

    @Test
    void shouldForgetTheOldestKeysOfASnapshotWhenTheCapacityShrinks() throws Exception
    {
        try (JournaledEngine engine = open(new EngineConfig(), true, new CopyOnWriteArrayList<>()))
        {
            for (int i = 0; i < 6; i++)
            {
                assertEquals(ResultCode.OK, run(engine, T0 + i, receive("k" + i, 10 + i)).result);
            }
        }
        try (JournaledEngine engine = open(new EngineConfig().dedupCapacity(4), true, new CopyOnWriteArrayList<>()))
        {
            final Command k5 = run(engine, T0 + 100, receive("k5", 15));
            assertTrue(k5.replayed, "the newest keys are kept");
            final Command k0 = run(engine, T0 + 101, receive("k0", 10));
            assertEquals(ResultCode.OK, k0.result, "the oldest two are forgotten, not scrambled into a conflict");
            assertFalse(k0.replayed);
            assertEquals(ResultCode.OK, run(engine, T0 + 102, receive("k6", 1)).result);
            final Command again = run(engine, T0 + 103, receive("k5", 15));
            assertTrue(again.replayed, "k5 is still one of the newest four: never applied twice");
            final Command stock = run(engine, T0 + 104, c ->
            {
                c.type = CommandType.QUERY_STOCK_AT;
                c.sku = "A";
                c.location = "WH1";
            });
            assertEquals(10 + 11 + 12 + 13 + 14 + 15 + 10 + 1,
                stock.value(0, Command.STOCK_FIELDS, Command.STOCK_SELLABLE));
        }
    }
}
