package io.stockengine.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.stockengine.client.Line;
import io.stockengine.engine.OrderStatus;
import io.stockengine.engine.ResultCode;

/**
 * The reconciliation's verdicts against a fake engine whose answers the test writes: oversells and sales after a
 * sell-out are caught even when the engine's own balances look consistent.
 */
class ReconcilerTest
{
    private final Catalogue catalogue = new Catalogue("rt", 3, new String[] { "WH-1", "WH-2" }, new String[] { "web" });
    private final Map<String, Outcome> stock = new HashMap<>();
    private final Map<String, Outcome> orders = new HashMap<>();

    /** Answers stock and order queries from the maps; an unknown SKU has no stock, an unknown order is not found. */
    private final Target engine = answering(op -> op.kind == OpKind.STOCK ?
        stock.getOrDefault(op.sku, Outcome.stock(ResultCode.OK, List.of())) :
        orders.getOrDefault(op.orderId, Outcome.of(ResultCode.NOT_FOUND)));

    /** A fake engine on one connection that answers every request at once with {@code answer}'s outcome. */
    private static Target answering(final java.util.function.Function<Op, Outcome> answer)
    {
        return new Target()
        {
            @Override
            public int connections()
            {
                return 1;
            }

            @Override
            public boolean pipelined()
            {
                return true;
            }

            @Override
            public String protocol()
            {
                return "fake";
            }

            @Override
            public void send(final int connection, final Op op, final Completion completion)
            {
                completion.completed(op, answer.apply(op));
            }

            @Override
            public void close()
            {
            }
        };
    }

    private static Outcome.StockRow row(final String location, final long onHand, final long sellable,
        final long reserved)
    {
        return new Outcome.StockRow(location, onHand, sellable, reserved, 0, 0, 0);
    }

    private static Op receipt(final String sku, final String location, final long units)
    {
        return Op.receive("k-" + sku + location, sku, location, units);
    }

    private Reconciliation reconcile(final Ledger ledger) throws InterruptedException
    {
        return new Reconciler(engine, ledger, new PrintStream(new ByteArrayOutputStream(), true,
            StandardCharsets.UTF_8)).reconcile();
    }

    /**
     * A server that is down (or still recovering) answers nothing: the run cannot be checked, which is not the same
     * as the engine disagreeing with it. Every query's non-answer was listed as a difference, blaming the engine.
     */
    @Test
    void shouldRefuseToJudgeARunWhenTheServerGivesNoAnswers()
    {
        final Ledger ledger = new Ledger(catalogue, 0);
        ledger.received(receipt("rt-0", "WH-1", 10));
        final Target down = answering(op -> Outcome.of(Codes.NOT_SENT));
        final IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class, () -> new Reconciler(down, ledger, new PrintStream(
                new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).waitForServerAtMost(1_000).reconcile());
        assertTrue(refused.getMessage().startsWith("the server gives no answers to check the run against (NOT_SENT)"),
            refused.getMessage());
    }

    @Test
    void shouldPassWhenTheEngineHoldsWhatWasAcknowledged() throws Exception
    {
        final Ledger ledger = new Ledger(catalogue, 0);
        ledger.received(receipt("rt-0", "WH-1", 10));
        final Order order = new Order("rt-o1", "web", 0, new Line[] { new Line("rt-0", null, 4) });
        final Outcome reserved = Outcome.order(ResultCode.OK, OrderStatus.RESERVED, 0,
            List.of(new Outcome.OrderLine("rt-0", "WH-1", 4, 4, 0, 0, 0)));
        ledger.reserved(order, reserved, 1, false);
        orders.put("rt-o1", reserved);
        stock.put("rt-0", Outcome.stock(ResultCode.OK, List.of(row("WH-1", 10, 6, 4))));

        final Reconciliation reconciliation = reconcile(ledger);
        assertTrue(reconciliation.passed(), reconciliation.differences.toString());
    }

    @Test
    void shouldCallOutUnitsCommittedBeyondWhatWasReceived() throws Exception
    {
        // Two acknowledged reservations of 4 out of 6 units received: the engine must have let one through that it
        // should have refused, whatever its balances now say.
        final Ledger ledger = new Ledger(catalogue, 0);
        ledger.received(receipt("rt-1", "WH-2", 6));
        for (int i = 1; i <= 2; i++)
        {
            final Order order = new Order("rt-o" + i, "web", 0, new Line[] { new Line("rt-1", "WH-2", 4) });
            final Outcome reserved = Outcome.order(ResultCode.OK, OrderStatus.RESERVED, 0,
                List.of(new Outcome.OrderLine("rt-1", "WH-2", 4, 4, 0, 0, 0)));
            ledger.reserved(order, reserved, i, false);
            orders.put(order.id, reserved);
        }
        stock.put("rt-1", Outcome.stock(ResultCode.OK, List.of(row("WH-2", 6, 0, 6))));

        final Reconciliation reconciliation = reconcile(ledger);
        assertEquals(1, reconciliation.oversold, reconciliation.differences.toString());
        assertTrue(reconciliation.differences.get(0).startsWith("rt-1@WH-2: OVERSOLD"),
            reconciliation.differences.toString());
    }

    @Test
    void shouldCallOutASaleAcceptedAfterTheHotSkuSoldOut() throws Exception
    {
        final Ledger ledger = new Ledger(catalogue, 1);
        ledger.received(receipt("rt-0", "WH-1", 1));
        ledger.refused(Outcome.refused(ResultCode.INSUFFICIENT_STOCK,
            List.of(new Outcome.Shortfall("rt-0", null, 1, 0))), 1_000, true);
        final Order late = new Order("rt-o9", "web", 0, new Line[] { new Line("rt-0", null, 1) });
        final Outcome reserved = Outcome.order(ResultCode.OK, OrderStatus.RESERVED, 0,
            List.of(new Outcome.OrderLine("rt-0", "WH-1", 1, 1, 0, 0, 0)));
        ledger.reserved(late, reserved, 2_000, true);
        orders.put(late.id, reserved);
        stock.put("rt-0", Outcome.stock(ResultCode.OK, List.of(row("WH-1", 1, 0, 1))));

        final Reconciliation reconciliation = reconcile(ledger);
        assertEquals(1, reconciliation.oversold, reconciliation.differences.toString());
        assertTrue(reconciliation.differences.get(0).startsWith("rt-0: OVERSOLD"),
            reconciliation.differences.toString());
    }

    @Test
    void shouldRefuseAnExpiryOfAnOrderWithoutTtl() throws Exception
    {
        final Ledger ledger = new Ledger(catalogue, 0);
        ledger.received(receipt("rt-2", "WH-1", 5));
        final Order order = new Order("rt-o3", "web", 0, new Line[] { new Line("rt-2", "WH-1", 2) });
        ledger.reserved(order, Outcome.order(ResultCode.OK, OrderStatus.RESERVED, 0,
            List.of(new Outcome.OrderLine("rt-2", "WH-1", 2, 2, 0, 0, 0))), 1, false);
        orders.put(order.id, Outcome.order(ResultCode.OK, OrderStatus.EXPIRED, 0,
            List.of(new Outcome.OrderLine("rt-2", "WH-1", 2, 0, 0, 0, 0))));
        stock.put("rt-2", Outcome.stock(ResultCode.OK, List.of(row("WH-1", 5, 5, 0))));

        final Reconciliation reconciliation = reconcile(ledger);
        assertEquals(List.of("rt-o3: acknowledged as RESERVED, the engine says EXPIRED (no TTL)"),
            reconciliation.differences);
    }

    /**
     * A request whose answer was lost may have been applied or not, nothing else: an acknowledged pick that the
     * engine no longer shows after a lost ship is a difference, and so is a lost reservation the engine shows
     * shipped (the load test never shipped it).
     */
    @Test
    void shouldAcceptOnlyTheTwoOutcomesOfALostRequest()
    {
        final Order picked = new Order("rt-l1", "web", 0, new Line[] { new Line("rt-0", null, 1) });
        picked.status = OrderStatus.PICKED;
        picked.unknown = true;
        picked.lostKind = OpKind.SHIP;
        assertTrue(Reconciler.possible(picked, OrderStatus.PICKED), "the ship was not applied");
        assertTrue(Reconciler.possible(picked, OrderStatus.SHIPPED), "the ship was applied");
        assertEquals(false, Reconciler.possible(picked, OrderStatus.RESERVED), "the acknowledged pick is gone");
        assertEquals(false, Reconciler.possible(picked, OrderStatus.CANCELLED));

        final Order lost = new Order("rt-l2", "web", 0, new Line[] { new Line("rt-0", null, 1) });
        lost.unknown = true;
        lost.lostKind = OpKind.RESERVE;
        assertTrue(Reconciler.possible(lost, OrderStatus.RESERVED));
        assertEquals(false, Reconciler.possible(lost, OrderStatus.SHIPPED), "never shipped by the load test");
        assertEquals(false, Reconciler.possible(lost, OrderStatus.EXPIRED), "no TTL");
        final Order lostWithTtl = new Order("rt-l3", "web", 60, new Line[] { new Line("rt-0", null, 1) });
        lostWithTtl.unknown = true;
        lostWithTtl.lostKind = OpKind.RESERVE;
        assertTrue(Reconciler.possible(lostWithTtl, OrderStatus.EXPIRED));

        final Order acknowledged = new Order("rt-l4", "web", 0, new Line[] { new Line("rt-0", null, 1) });
        acknowledged.status = OrderStatus.RESERVED;
        assertEquals(false, Reconciler.possible(acknowledged, OrderStatus.PICKED), "no request was lost");
    }

    /** The same through a whole reconciliation: the engine answers RESERVED for an order acknowledged PICKED. */
    @Test
    void shouldCallOutAnAcknowledgedPickTheEngineLostBehindALostShip() throws Exception
    {
        final Ledger ledger = new Ledger(catalogue, 0);
        ledger.received(receipt("rt-0", "WH-1", 10));
        final Order order = new Order("rt-o7", "web", 0, new Line[] { new Line("rt-0", null, 4) });
        ledger.reserved(order, Outcome.order(ResultCode.OK, OrderStatus.RESERVED, 0,
            List.of(new Outcome.OrderLine("rt-0", "WH-1", 4, 4, 0, 0, 0))), 1, false);
        order.status = OrderStatus.PICKED;
        order.unknown = true;
        order.lostKind = OpKind.SHIP;
        orders.put(order.id, Outcome.order(ResultCode.OK, OrderStatus.RESERVED, 0,
            List.of(new Outcome.OrderLine("rt-0", "WH-1", 4, 4, 0, 0, 0))));
        stock.put("rt-0", Outcome.stock(ResultCode.OK, List.of(row("WH-1", 10, 6, 4))));

        final Reconciliation reconciliation = reconcile(ledger);
        assertTrue(reconciliation.differences.stream().anyMatch(d -> d.startsWith("rt-o7: acknowledged as PICKED")),
            reconciliation.differences.toString());
    }
}
