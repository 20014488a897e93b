package io.stockengine.engine;

import static io.stockengine.engine.CommandType.ADJUST;
import static io.stockengine.engine.CommandType.ANNOUNCE_INCOMING;
import static io.stockengine.engine.CommandType.CANCEL;
import static io.stockengine.engine.CommandType.CONFIGURE_CHANNEL;
import static io.stockengine.engine.CommandType.COUNT;
import static io.stockengine.engine.CommandType.DEFINE_KIT;
import static io.stockengine.engine.CommandType.INSPECT;
import static io.stockengine.engine.CommandType.MOVE;
import static io.stockengine.engine.CommandType.PICK;
import static io.stockengine.engine.CommandType.QUERY_AVAILABILITY;
import static io.stockengine.engine.CommandType.QUERY_KIT;
import static io.stockengine.engine.CommandType.QUERY_ORDER;
import static io.stockengine.engine.CommandType.QUERY_STOCK;
import static io.stockengine.engine.CommandType.QUERY_STOCK_AT;
import static io.stockengine.engine.CommandType.QUERY_TRANSFER;
import static io.stockengine.engine.CommandType.RECEIVE;
import static io.stockengine.engine.CommandType.RESERVE;
import static io.stockengine.engine.CommandType.RETURN;
import static io.stockengine.engine.CommandType.SALE;
import static io.stockengine.engine.CommandType.SET_SAFETY_STOCK;
import static io.stockengine.engine.CommandType.SHIP;
import static io.stockengine.engine.CommandType.TICK;
import static io.stockengine.engine.CommandType.TRANSFER_IN;
import static io.stockengine.engine.CommandType.TRANSFER_OUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every transition of every command type, and every way a command can be refused, against {@link StockEngine}. Stock
 * is asserted through QUERY_STOCK_AT after each step, so each test reads like the stock card it produces.
 */
class StockEngineTest
{
    private static final long T0 = 1_767_225_600_000L;
    private static final long WINDOW = 60_000;

    private RecordingEventSink sink;
    private StockEngine engine;
    private long now;
    private int keys;

    @BeforeEach
    void setUp()
    {
        useEngine(new EngineConfig().dedupWindowMillis(WINDOW));
    }

    private void useEngine(final EngineConfig config)
    {
        sink = new RecordingEventSink();
        engine = new StockEngine(config, sink);
        now = T0;
    }

    // ---- time and expiry ----

    @Test
    void shouldExpireReservationWhenTtlIsReached()
    {
        receive("A", "L0", 10);
        final Command reserved = reserve("o1", "web", 1_000).line("A", "L0", 3).run();
        assertEquals(T0 + 1_000, reserved.outTime);
        assertBuckets("A", "L0", 7, 3, 0, 0, 0);

        now = T0 + 999;
        tick();
        assertEquals(OrderStatus.RESERVED, order("o1").status);

        now = T0 + 1_000;
        tick();
        final Command expired = order("o1");
        assertEquals(OrderStatus.EXPIRED, expired.status);
        assertEquals(T0 + 1_000, expired.outTime, "an expired order shows when it expired");
        assertLine(expired, 0, "A", "L0", 3, 0, 0, 0, 0, 3);
        assertBuckets("A", "L0", 10, 0, 0, 0, 0);
        assertEquals(sink.lastSeq(), expired.seq, "a query of an order answers its last event");
    }

    /**
     * A TTL applies while nothing has happened to the order: once it left RESERVED (a line picked), coming back to
     * RESERVED (that line cancelled) does not arm it again, so the rest it holds stays reserved past the TTL.
     */
    @Test
    void shouldNotExpireAnOrderThatCameBackToReserved()
    {
        receive("A", "L0", 10);
        receive("B", "L0", 10);
        reserve("o1", "web", 1_000).line("A", "L0", 2).line("B", "L0", 1).run();
        assertEquals(OrderStatus.PARTIALLY_PICKED, cmd(PICK).order("o1").key(key()).line("B", "L0", 1).run().status);
        final Command back = cmd(CANCEL).order("o1").key(key()).line("B", "L0", 1).run();
        assertEquals(OrderStatus.RESERVED, back.status);
        assertEquals(0, back.outTime, "RESERVED again, but its TTL no longer applies: no expiry to show");

        now = T0 + 1_000;
        tick();
        assertEquals(OrderStatus.RESERVED, order("o1").status, "the TTL was disarmed when the order was picked");
        assertBuckets("A", "L0", 8, 2, 0, 0, 0);
        assertBuckets("B", "L0", 10, 0, 0, 0, 0);
    }

    /**
     * An order may hold one SKU at one location on two lines. An action by lines fills them in order, so every unit
     * stays reachable: a return of more than the first line shipped, a pick of more than it reserved.
     */
    @Test
    void shouldReachEveryLineOfTheSameSkuAndLocation()
    {
        receive("A", "L0", 10);
        reserve("o1", "web", 0).line("A", "L0", 2).line("A", "L0", 3).run();
        assertOk(cmd(SHIP).order("o1").run());
        assertOk(cmd(RETURN).order("o1").key(key()).line("A", "L0", 4).run());
        final Command after = order("o1");
        assertLine(after, 0, "A", "L0", 2, 0, 0, 2, 2, 0);
        assertLine(after, 1, "A", "L0", 3, 0, 0, 3, 2, 0);
        assertBuckets("A", "L0", 9, 0, 0, 0, 0);
        assertEquals(ResultCode.INVALID_TRANSITION,
            cmd(RETURN).order("o1").key(key()).line("A", null, 2).run().result, "1 unit left to return, not 2");
        assertOk(cmd(RETURN).order("o1").key(key()).line("A", null, 1).run());

        reserve("o2", "web", 0).line("A", "L0", 1).line("A", "L0", 4).run();
        assertOk(cmd(PICK).order("o2").key(key()).line("A", "L0", 5).run());
        assertBuckets("A", "L0", 5, 0, 5, 0, 0);
        assertEquals(ResultCode.INVALID_TRANSITION,
            cmd(CANCEL).order("o2").key(key()).line("A", "L0", 6).run().result, "5 held, not 6");
    }

    /**
     * A reconfiguration replaces the channel's fences whole: units an open order took from the old fence are not
     * given back into the new one when the order is cancelled, so a fence never grows past what was configured.
     */
    @Test
    void shouldNotGiveBackIntoAFenceThatAReconfigurationReplaced()
    {
        receive("A", "L0", 10);
        configureChannel("mkt", 0, new String[] { "L0" });
        configureChannel("w", 0, new String[] { "L0" }, "A", "L0", 4);
        assertEquals(6, availability("mkt", "A"));
        assertOk(reserve("w1", "w", 0).line("A", "L0", 4).run());
        configureChannel("w", 0, new String[] { "L0" }, "A", "L0", 0);
        assertOk(cmd(CANCEL).order("w1").run());
        assertEquals(10, availability("mkt", "A"), "w's fence is the 0 it was given, not 4");

        configureChannel("w", 0, new String[] { "L0" }, "A", "L0", 4);
        assertOk(reserve("w2", "w", 0).line("A", "L0", 4).run());
        configureChannel("w", 1, new String[] { "L0" }, "A", "L0", 4);
        assertOk(cmd(CANCEL).order("w2").run());
        assertEquals(6, availability("mkt", "A"), "a fence of 4, not 8");
        assertEquals(9, availability("w", "A"));
    }

    /**
     * API.md: policy PUTs are idempotent. A channel configured again exactly as it is (a retried PUT) keeps what its
     * orders took from its fences; applied again, it would fence those units a second time, away from every other
     * channel.
     */
    @Test
    void shouldChangeNothingWhenAChannelIsConfiguredAgainAsItIs()
    {
        receive("A", "L0", 10);
        configureChannel("mkt", 0, new String[] { "L0" });
        final Command first = cmd(CONFIGURE_CHANNEL).channel("f").qty(0).qty2(1).line(null, "L0", 0)
            .line("A", "L0", 3).run();
        assertOk(first);
        assertOk(reserve("o1", "f", 0).line("A", "L0", 2).run());
        assertEquals(7, availability("mkt", "A"), "one fenced unit is left unused");
        final long journaled = sink.lastSeq();

        final Command again = cmd(CONFIGURE_CHANNEL).channel("f").qty(0).qty2(1).line(null, "L0", 0)
            .line("A", "L0", 3).run();
        assertOk(again);
        assertEquals(first.seq, again.seq, "answers the seq of the configuration in force");
        assertEquals(journaled, sink.lastSeq(), "nothing journaled");
        assertEquals(7, availability("mkt", "A"), "the fence is not topped up");

        final Command keyed = cmd(CONFIGURE_CHANNEL).key("k-f").channel("f").qty(0).qty2(1).line(null, "L0", 0)
            .line("A", "L0", 3).run();
        assertOk(keyed);
        assertEquals(List.of("keyBound"), sink.events(), "only the key binds");
        assertEquals(journaled + 1, keyed.seq);
        assertEquals(7, availability("mkt", "A"));

        assertOk(cmd(CANCEL).order("o1").run());
        assertEquals(7, availability("mkt", "A"), "the cancelled units go back into the fence they came from");
        assertEquals(10, availability("f", "A"));

        assertOk(reserve("o2", "f", 0).line("A", "L0", 2).run());
        assertOk(cmd(CONFIGURE_CHANNEL).channel("f").qty(0).qty2(1).line(null, "L0", 0).line("A", "L0", 4).run());
        assertEquals(6, availability("mkt", "A"), "another quantity: of a fence of 4, o2 holds 2, 2 are unused");
        assertOk(cmd(CONFIGURE_CHANNEL).channel("f").qty(0).qty2(2).line(null, "L0", 0).line(null, "L1", 0)
            .line("A", "L0", 4).run());
        assertEquals(6, availability("mkt", "A"), "other locations are another configuration, the same fence");
    }

    /**
     * A fence is the channel's whole ring-fence at its SKU x location, what its open orders took from it included:
     * changing only the buffer, or the fence's quantity, does not fence those units a second time (a seller's
     * "4 for the marketplace" held 8 back from every other channel while the marketplace's order was open), and
     * releasing them never fills a fence past its quantity.
     */
    @Test
    void shouldCountWhatOpenOrdersTookFromAFenceWhenTheChannelIsConfiguredAgain()
    {
        receive("A", "L0", 10);
        configureChannel("other", 0, new String[] { "L0" });
        assertOk(cmd(CONFIGURE_CHANNEL).channel("mkt").qty(0).qty2(1).line(null, "L0", 0).line("A", "L0", 4).run());
        assertOk(reserve("m1", "mkt", 0).line("A", "L0", 4).run());
        assertEquals(6, availability("other", "A"));

        assertOk(cmd(CONFIGURE_CHANNEL).channel("mkt").qty(1).qty2(1).line(null, "L0", 0).line("A", "L0", 4).run());
        assertEquals(6, availability("other", "A"), "the buffer changed, the fence of 4 is all held by m1");
        assertOk(cmd(CANCEL).order("m1").run());
        assertEquals(6, availability("other", "A"), "m1's units go back into the fence: 4 unused");
        assertEquals(9, availability("mkt", "A"), "10, less the buffer of 1");

        assertOk(reserve("m2", "mkt", 0).line("A", "L0", 3).run());
        assertOk(cmd(CONFIGURE_CHANNEL).channel("mkt").qty(0).qty2(1).line(null, "L0", 0).line("A", "L0", 1).run());
        assertEquals(7, availability("other", "A"), "a fence of 1 below the 3 m2 holds: nothing more is fenced");
        assertOk(cmd(CANCEL).order("m2").run());
        assertEquals(9, availability("other", "A"), "m2's release fills the fence up to its 1 unit, no further");
        assertEquals(10, availability("mkt", "A"));

        assertOk(reserve("m3", "mkt", 0).line("A", "L0", 2).run());
        assertOk(cmd(CONFIGURE_CHANNEL).channel("mkt").qty(0).qty2(1).line(null, "L0", 0).run());
        assertEquals(8, availability("other", "A"), "no fence: m3's 2 units are only reserved");
        assertOk(cmd(CONFIGURE_CHANNEL).channel("mkt").qty(0).qty2(1).line(null, "L0", 0).line("A", "L0", 3).run());
        assertEquals(6, availability("other", "A"), "a new fence of 3 counts the 1 fenced unit m3 holds: 2 unused");
        assertOk(cmd(CANCEL).order("m3").run());
        assertEquals(7, availability("other", "A"), "3 unused, the fence's quantity");
    }

    /**
     * A fence whose quantity a configuration asks again stays as it stands: units the channel sold or shipped from it
     * are not fenced again when only the buffer, or another fence, changes (a tester: a buffer-only PUT after a sale of
     * 2 from a fence of 4 took 2 more units from every other channel).
     */
    @Test
    void shouldLeaveAFenceAsItStandsWhenAConfigurationKeepsItsQuantity()
    {
        receive("A", "L0", 10);
        receive("B", "L0", 10);
        configureChannel("other", 0, new String[] { "L0" });
        assertOk(cmd(CONFIGURE_CHANNEL).channel("mkt").qty(0).qty2(1).line(null, "L0", 0).line("A", "L0", 4).run());
        assertEquals(6, availability("other", "A"));
        assertOk(cmd(SALE).key(key()).channel("mkt").at("L0").line("A", null, 2).run());
        assertEquals(6, availability("other", "A"), "the sale took the fence's units: 2 left unused");

        assertOk(cmd(CONFIGURE_CHANNEL).channel("mkt").qty(1).qty2(1).line(null, "L0", 0).line("A", "L0", 4).run());
        assertEquals(6, availability("other", "A"), "only the buffer changed: the fence stays at 2 unused");
        assertEquals(7, availability("mkt", "A"), "8 sellable, less the buffer of 1");
        assertOk(cmd(CONFIGURE_CHANNEL).channel("mkt").qty(1).qty2(1).line(null, "L0", 0).line("A", "L0", 4)
            .line("B", "L0", 3).run());
        assertEquals(6, availability("other", "A"), "a fence added for B leaves A's as it stands");
        assertEquals(7, availability("other", "B"));

        assertOk(cmd(CONFIGURE_CHANNEL).channel("mkt").qty(1).qty2(1).line(null, "L0", 0).line("A", "L0", 5)
            .line("B", "L0", 3).run());
        assertEquals(3, availability("other", "A"), "a fence whose quantity changed is set again: 5 unused");
    }

    /**
     * A fence set below what the channel's orders hold fills, as they release, only as far as its unused units and
     * what the orders still hold stay within its quantity, whichever order releases first (a reviewer: cancelling one
     * of two orders filled it while the other still held fenced units, and a later buffer-only PUT then emptied it).
     */
    @Test
    void shouldNotFillAFenceSetBelowWhatOrdersHoldPastItsQuantity()
    {
        receive("A", "L0", 10);
        configureChannel("other", 0, new String[] { "L0" });
        assertOk(cmd(CONFIGURE_CHANNEL).channel("mkt").qty(0).qty2(1).line(null, "L0", 0).line("A", "L0", 4).run());
        assertOk(reserve("o1", "mkt", 0).line("A", "L0", 2).run());
        assertOk(reserve("o2", "mkt", 0).line("A", "L0", 2).run());
        assertOk(cmd(CONFIGURE_CHANNEL).channel("mkt").qty(0).qty2(1).line(null, "L0", 0).line("A", "L0", 1).run());
        assertEquals(6, availability("other", "A"), "o1 and o2 hold 4 fenced units, over the fence of 1");

        assertOk(cmd(CANCEL).order("o1").run());
        assertEquals(8, availability("other", "A"), "o2 still holds 2 of the fence of 1: nothing goes back into it");
        assertOk(cmd(CONFIGURE_CHANNEL).channel("mkt").qty(1).qty2(1).line(null, "L0", 0).line("A", "L0", 1).run());
        assertEquals(8, availability("other", "A"), "a buffer-only PUT changes no fence");

        assertOk(cmd(PICK).order("o2").run());
        assertOk(cmd(SHIP).order("o2").run());
        assertEquals(8, availability("other", "A"), "o2's 2 units left; the fence stays at 0 unused");
        assertOk(reserve("o3", "mkt", 0).line("A", "L0", 3).run());
        assertOk(cmd(CANCEL).order("o3").run());
        assertEquals(8, availability("other", "A"), "o3 took nothing fenced: the fence had nothing unused");
        assertOk(cmd(CONFIGURE_CHANNEL).channel("mkt").qty(0).qty2(1).line(null, "L0", 0).line("A", "L0", 2).run());
        assertEquals(6, availability("other", "A"), "a fence of 2 that no order holds: 2 unused");
    }

    @Test
    void shouldExpireInOrderOfExpiryTimeThenReservation()
    {
        receive("A", "L0", 10);
        reserve("late", "web", 2_000).line("A", "L0", 1).run();
        reserve("tie-first", "web", 1_500).line("A", "L0", 1).run();
        now = T0 + 500;
        reserve("early", "web", 500).line("A", "L0", 1).run();
        reserve("tie-second", "web", 1_000).line("A", "L0", 1).run();

        now = T0 + 5_000;
        tick();
        final String statuses = sink.details().stream().filter(e -> e.contains("orderStatus")).map(e -> e.split(" ")[2])
            .reduce((a, b) -> a + "," + b).orElse("");
        assertEquals("early,tie-first,tie-second,late", statuses);
        assertBuckets("A", "L0", 10, 0, 0, 0, 0);
    }

    @Test
    void shouldNeverExpireOrderOnceSomethingIsPicked()
    {
        receive("A", "L0", 10);
        reserve("o1", "web", 1_000).line("A", "L0", 3).run();
        assertOk(cmd(PICK).order("o1").key(key()).line("A", null, 1).run());
        now = T0 + 10_000;
        tick();
        final Command order = order("o1");
        assertEquals(OrderStatus.PARTIALLY_PICKED, order.status);
        assertBuckets("A", "L0", 7, 2, 1, 0, 0);
    }

    @Test
    void shouldKeepEngineTimeWhenTimestampGoesBack()
    {
        now = T0 + 5_000;
        tick();
        receive("A", "L0", 5);
        now = T0;
        final Command reserved = reserve("o1", "web", 1_000).line("A", "L0", 1).run();
        assertEquals(T0 + 6_000, reserved.outTime, "expiry counts from the latest time seen");
    }

    @Test
    void shouldExpireBeforeAnsweringQuery()
    {
        receive("A", "L0", 10);
        reserve("o1", "web", 100).line("A", "L0", 4).run();
        now = T0 + 100;
        assertEquals(OrderStatus.EXPIRED, order("o1").status);
    }

    // ---- reservation and sourcing ----

    @Test
    void shouldReserveUnlocatedLinesAtFirstLocationThatFillsThemAll()
    {
        receive("A", "L0", 5);
        receive("A", "L1", 5);
        receive("B", "L1", 5);
        final Command c = reserve("o1", "web", 0).line("A", null, 2).line("B", null, 1).run();
        assertOk(c);
        assertEquals(OrderStatus.RESERVED, c.status);
        assertEquals("web", c.outName);
        assertEquals(0, c.outTime);
        assertLine(c, 0, "A", "L1", 2, 2, 0, 0, 0, 0);
        assertLine(c, 1, "B", "L1", 1, 1, 0, 0, 0, 0);
        assertBuckets("A", "L0", 5, 0, 0, 0, 0);
        assertBuckets("A", "L1", 3, 2, 0, 0, 0);
    }

    @Test
    void shouldSourceLineByLineWhenNoLocationFillsAll()
    {
        receive("A", "L0", 5);
        receive("B", "L1", 5);
        final Command c = reserve("o1", "web", 0).line("A", null, 2).line("B", null, 3).run();
        assertOk(c);
        assertLine(c, 0, "A", "L0", 2, 2, 0, 0, 0, 0);
        assertLine(c, 1, "B", "L1", 3, 3, 0, 0, 0, 0);
    }

    /**
     * Line by line, the lines that name a location take theirs first: taken in the order given, the unlocated A took
     * L1's units, which the last line asks for there, and the order was refused although L2 could fill it.
     */
    @Test
    void shouldSourceUnlocatedLinesFromWhatLocatedLinesLeave()
    {
        receive("A", "L1", 5);
        receive("A", "L2", 5);
        receive("B", "L3", 1);
        final Command c = reserve("o1", "web", 0).line("A", null, 5).line("B", null, 1).line("A", "L1", 5).run();
        assertOk(c);
        assertLine(c, 0, "A", "L2", 5, 5, 0, 0, 0, 0);
        assertLine(c, 1, "B", "L3", 1, 1, 0, 0, 0, 0);
        assertLine(c, 2, "A", "L1", 5, 5, 0, 0, 0, 0);

        // Refused lines are reported in the order given, whichever pass refused them.
        receive("A", "L1", 3);
        final Command refused = reserve("o2", "web", 0).line("A", null, 4).line("A", "L1", 4).run();
        assertEquals(ResultCode.INSUFFICIENT_STOCK, refused.result);
        assertShortfall(refused, 0, "A", null, 0, 4, 3);
        assertShortfall(refused, 1, "A", "L1", 1, 4, 3);
        assertEquals(2, refused.rowCount);
    }

    @Test
    void shouldPlaceLocatedLinesWhereTheySayAndNeverSplitALine()
    {
        receive("A", "L0", 2);
        receive("A", "L1", 2);
        receive("B", "L0", 5);
        final Command c = reserve("o1", "web", 0).line("B", "L0", 1).line("A", null, 2).run();
        assertLine(c, 0, "B", "L0", 1, 1, 0, 0, 0, 0);
        assertLine(c, 1, "A", "L0", 2, 2, 0, 0, 0, 0);

        final Command split = reserve("o2", "web", 0).line("A", null, 3).run();
        assertEquals(ResultCode.INSUFFICIENT_STOCK, split.result, "3 units exist, but in two places");
        assertShortfall(split, 0, "A", null, 0, 3, 2);
        final String journaled = sink.details().stream().filter(d -> d.contains(" demandRefused ")).findFirst()
            .orElseThrow();
        assertTrue(journaled.endsWith(" -1 3 2"), "the demand journaled as answered: unsourced, 3 asked, 2 at the " +
            "best location: " + journaled);
    }

    @Test
    void shouldRefuseReservationWithShortfallRowsAndLeaveIdFree()
    {
        receive("A", "L0", 3);
        receive("C", "L1", 1);
        final long seqBefore = sink.lastSeq();
        final Command c = reserve("o1", "web", 0).line("A", "L0", 5).line("C", "L1", 1).line("B", null, 4).run();
        assertEquals(ResultCode.INSUFFICIENT_STOCK, c.result);
        assertEquals(2, c.rowCount);
        assertShortfall(c, 0, "A", "L0", 0, 5, 3);
        assertShortfall(c, 1, "B", null, 2, 4, 0);
        assertEquals(3, sink.events().stream().filter("demandRefused"::equals).count(), "one per line of the order");
        assertTrue(sink.lastSeq() > seqBefore);
        assertBuckets("A", "L0", 3, 0, 0, 0, 0);
        assertEquals(ResultCode.NOT_FOUND, query(QUERY_ORDER, "o1").result);

        assertOk(reserve("o1", "web", 0).line("A", "L0", 3).run());
        assertBuckets("A", "L0", 0, 3, 0, 0, 0);
    }

    @Test
    void shouldAddUpDemandOfLinesAtOneLocation()
    {
        receive("A", "L0", 5);
        final Command c = reserve("o1", "web", 0).line("A", "L0", 3).line("A", "L0", 3).run();
        assertEquals(ResultCode.INSUFFICIENT_STOCK, c.result);
        assertEquals(1, c.rowCount);
        assertShortfall(c, 0, "A", "L0", 1, 3, 2);
    }

    @Test
    void shouldRefuseReservationWithoutChannel()
    {
        receive("A", "L0", 5);
        final Command c = reserve("o1", null, 0).line("A", "L0", 1).run();
        assertEquals(ResultCode.INVALID_REQUEST, c.result);
        assertEquals("channel", c.field);
        assertBuckets("A", "L0", 5, 0, 0, 0, 0);
    }

    @Test
    void shouldRefuseOrderIdsTheBookCannotHold()
    {
        receive("A", "L0", 5);
        final String longest = "O".repeat(OrderBook.MAX_ID_LENGTH);
        for (final String bad : new String[] { "", longest + "1", "ordre-\u00e9t\u00e9" })
        {
            final Command c = reserve(bad, "web", 0).line("A", "L0", 1).run();
            assertEquals(ResultCode.INVALID_REQUEST, c.result, bad);
            assertEquals("order_id", c.field, bad);
        }
        assertBuckets("A", "L0", 5, 0, 0, 0, 0);
        assertOk(reserve(longest, "web", 0).line("A", "L0", 1).run());
        assertBuckets("A", "L0", 4, 1, 0, 0, 0);
        assertOk(cmd(SHIP).order(longest).run());
        assertBuckets("A", "L0", 4, 0, 0, 0, 0);
    }

    @Test
    void shouldReplayReservationWithSamePayloadAndRefuseAnotherPayload()
    {
        receive("A", "L0", 5);
        final Command first = reserve("o1", "web", 0).line("A", "L0", 2).run();
        assertOk(first);
        assertOk(cmd(PICK).order("o1").run());

        final Command retry = reserve("o1", "web", 0).line("A", "L0", 2).run();
        assertOk(retry);
        assertTrue(retry.replayed);
        assertEquals(first.seq, retry.seq, "a retry answers the original seq");
        assertEquals(OrderStatus.RESERVED, retry.status, "and the answer the first attempt got, not the order now");
        assertLine(retry, 0, "A", "L0", 2, 2, 0, 0, 0, 0);
        assertEquals(first.outTime, retry.outTime);
        assertBuckets("A", "L0", 3, 0, 2, 0, 0);
        assertEquals(OrderStatus.PICKED, query(QUERY_ORDER, "o1").status, "the order itself is picked");

        final Command conflict = reserve("o1", "web", 0).line("A", "L0", 3).run();
        assertEquals(ResultCode.IDEMPOTENCY_CONFLICT, conflict.result);
        assertFalse(conflict.replayed);
        assertBuckets("A", "L0", 3, 0, 2, 0, 0);
    }

    @Test
    void shouldHoldBackSafetyStockAndChannelBuffer()
    {
        receive("A", "L0", 10);
        assertOk(cmd(SET_SAFETY_STOCK).sku("A").at("L0").qty(2).run());
        configureChannel("web", 3, new String[] { "L0" });
        assertEquals(8, stock("A", "L0")[Command.STOCK_AVAILABLE]);
        assertEquals(2, stock("A", "L0")[Command.STOCK_SAFETY_STOCK]);

        final Command tooMany = reserve("o1", "web", 0).line("A", null, 6).run();
        assertEquals(ResultCode.INSUFFICIENT_STOCK, tooMany.result);
        assertShortfall(tooMany, 0, "A", null, 0, 6, 5);
        assertOk(reserve("o2", "web", 0).line("A", null, 5).run());
        assertBuckets("A", "L0", 5, 5, 0, 0, 0);
    }

    @Test
    void shouldSourceFromChannelLocationsInTheirOrder()
    {
        receive("A", "L0", 5);
        receive("A", "L1", 5);
        receive("A", "L2", 5);
        configureChannel("web", 0, new String[] { "L2", "L1" });
        assertLine(reserve("o1", "web", 0).line("A", null, 4).run(), 0, "A", "L2", 4, 4, 0, 0, 0, 0);
        assertLine(reserve("o2", "web", 0).line("A", null, 4).run(), 0, "A", "L1", 4, 4, 0, 0, 0, 0);
        final Command none = reserve("o3", "web", 0).line("A", null, 4).run();
        assertEquals(ResultCode.INSUFFICIENT_STOCK, none.result, "L0 is not one of the channel's locations");
        assertShortfall(none, 0, "A", null, 0, 4, 1);
        assertLine(reserve("o4", "web", 0).line("A", "L0", 4).run(), 0, "A", "L0", 4, 4, 0, 0, 0, 0);
    }

    @Test
    void shouldSourceUnconfiguredChannelFromEveryLocationInFirstSeenOrder()
    {
        receive("X", "L9", 1);
        receive("A", "L3", 2);
        receive("A", "L9", 5);
        assertLine(reserve("o1", "app", 0).line("A", null, 2).run(), 0, "A", "L9", 2, 2, 0, 0, 0, 0);
        assertLine(reserve("o2", "app", 0).line("A", null, 3).run(), 0, "A", "L9", 3, 3, 0, 0, 0, 0);
        assertLine(reserve("o3", "app", 0).line("A", null, 2).run(), 0, "A", "L3", 2, 2, 0, 0, 0, 0);
    }

    // ---- ring-fences ----

    @Test
    void shouldTakeOwnRingFenceFirstAndHideOtherChannelsFences()
    {
        receive("A", "L0", 10);
        configureChannel("mkt", 0, new String[] { "L0" });
        configureChannel("web", 0, new String[] { "L0" }, "A", "L0", 4);
        assertEquals(10, availability("web", "A"));
        assertEquals(6, availability("mkt", "A"), "every other channel sees available less the unused fence");

        final Command refused = reserve("m1", "mkt", 0).line("A", "L0", 7).run();
        assertEquals(ResultCode.INSUFFICIENT_STOCK, refused.result);
        assertShortfall(refused, 0, "A", "L0", 0, 7, 6);

        assertOk(reserve("w1", "web", 0).line("A", "L0", 3).run());
        assertEquals(7, availability("web", "A"));
        assertEquals(6, availability("mkt", "A"), "web used its own fence, not the shared stock");
        assertTrue(sink.details().stream().anyMatch(e -> e.startsWith(sink.lastSeq() + " orderLine") &&
            e.endsWith(" 3 3 -1 1")), "the line records 3 units taken from the fence: " + sink.details());

        assertOk(reserve("w2", "web", 0).line("A", "L0", 3).run());
        assertEquals(4, availability("web", "A"));
        assertEquals(4, availability("mkt", "A"), "the fence is used up: 1 of 3 came from it");
    }

    @Test
    void shouldRestoreRingFenceWhenReservationIsReleased()
    {
        receive("A", "L0", 10);
        configureChannel("mkt", 0, new String[] { "L0" });
        configureChannel("web", 0, new String[] { "L0" }, "A", "L0", 4);
        assertOk(reserve("w1", "web", 0).line("A", "L0", 3).run());
        assertEquals(6, availability("mkt", "A"));
        assertOk(cmd(CANCEL).order("w1").run());
        assertEquals(6, availability("mkt", "A"));
        assertEquals(10, availability("web", "A"));
        assertBuckets("A", "L0", 10, 0, 0, 0, 0);

        assertOk(reserve("w2", "web", 100).line("A", "L0", 4).run());
        assertEquals(6, availability("mkt", "A"));
        now += 100;
        tick();
        assertEquals(6, availability("mkt", "A"), "expiry gives the fence back too");
        assertOk(reserve("m1", "mkt", 0).line("A", "L0", 6).run());
        assertEquals(4, availability("web", "A"));
    }

    @Test
    void shouldReplaceFencesWhenChannelIsReconfigured()
    {
        receive("A", "L0", 10);
        configureChannel("mkt", 0, new String[] { "L0" });
        configureChannel("web", 0, new String[] { "L0" }, "A", "L0", 4);
        assertEquals(6, availability("mkt", "A"));
        configureChannel("web", 1, new String[] { "L0" });
        assertEquals(10, availability("mkt", "A"));
        assertEquals(9, availability("web", "A"), "the buffer is held back from the channel itself");
    }

    @Test
    void shouldSubtractOtherChannelsRingFencesForChannelNeverSeenBefore()
    {
        receive("A", "L0", 10);
        configureChannel("web", 0, new String[] { "L0" }, "A", "L0", 4);
        assertEquals(6, availability("never-seen", "A"), "a channel never configured still may not take web's fence");
    }

    // ---- kits ----

    @Test
    void shouldReserveKitAsWholeWithComponentsFromOneLocation()
    {
        defineKit("K", "A", 2, "B", 1);
        receive("A", "L0", 10);
        receive("B", "L0", 10);
        receive("A", "L1", 10);
        final Command c = reserve("o1", "web", 0).line("K", null, 3).run();
        assertOk(c);
        assertEquals(1, c.rowCount, "rows are the order's own lines, not the components");
        assertLine(c, 0, "K", "L0", 3, 3, 0, 0, 0, 0);
        assertBuckets("A", "L0", 4, 6, 0, 0, 0);
        assertBuckets("B", "L0", 7, 3, 0, 0, 0);
        assertNull(stock("K", "L0"), "a kit has no stock of its own");
    }

    @Test
    void shouldCountKitShortfallAndAvailabilityInKits()
    {
        defineKit("K", "A", 2, "B", 1);
        receive("A", "L0", 5);
        receive("B", "L0", 10);
        assertEquals(2, availability("web", "K"));
        final Command c = reserve("o1", "web", 0).line("K", "L0", 3).run();
        assertEquals(ResultCode.INSUFFICIENT_STOCK, c.result);
        assertShortfall(c, 0, "K", "L0", 0, 3, 2);
        final Command withComponent = reserve("o2", "web", 0).line("K", "L0", 2).line("A", "L0", 2).run();
        assertEquals(ResultCode.INSUFFICIENT_STOCK, withComponent.result, "the kit took 4 of the 5 A");
        assertShortfall(withComponent, 0, "A", "L0", 1, 2, 1);
    }

    @Test
    void shouldPickShipReturnAndCancelKitLineAsWhole()
    {
        defineKit("K", "A", 2, "B", 1);
        receive("A", "L0", 10);
        receive("B", "L0", 10);
        assertOk(reserve("o1", "web", 0).line("K", "L0", 3).run());

        assertOk(cmd(PICK).order("o1").key(key()).line("K", null, 1).run());
        assertBuckets("A", "L0", 4, 4, 2, 0, 0);
        assertBuckets("B", "L0", 7, 2, 1, 0, 0);

        final Command shipped = cmd(SHIP).order("o1").key(key()).line("K", "L0", 2).run();
        assertOk(shipped);
        assertEquals(OrderStatus.PARTIALLY_SHIPPED, shipped.status);
        assertLine(shipped, 0, "K", "L0", 3, 1, 0, 2, 0, 0);
        assertBuckets("A", "L0", 4, 2, 0, 0, 0);
        assertBuckets("B", "L0", 7, 1, 0, 0, 0);

        final Command returned = cmd(RETURN).order("o1").key(key()).flag().line("K", null, 1).run();
        assertOk(returned);
        assertLine(returned, 0, "K", "L0", 3, 1, 0, 2, 1, 0);
        assertBuckets("A", "L0", 4, 2, 0, 2, 0);
        assertBuckets("B", "L0", 7, 1, 0, 1, 0);

        final Command cancelled = cmd(CANCEL).order("o1").run();
        assertEquals(OrderStatus.SHIPPED, cancelled.status);
        assertLine(cancelled, 0, "K", "L0", 3, 0, 0, 2, 1, 1);
        assertBuckets("A", "L0", 6, 0, 0, 2, 0);
        assertBuckets("B", "L0", 8, 0, 0, 1, 0);
    }

    @Test
    void shouldSellKitComponents()
    {
        defineKit("K", "A", 2, "B", 1);
        receive("A", "L0", 5);
        receive("B", "L0", 5);
        assertOk(cmd(SALE).key(key()).channel("pos").at("L0").line("K", null, 2).line("A", null, 1).run());
        assertBuckets("A", "L0", 0, 0, 0, 0, 0);
        assertBuckets("B", "L0", 3, 0, 0, 0, 0);
        // The kit's sale is journaled as such, before its components' (how many follow is in it), so a reader can
        // tell the A sold in the kit from the A sold on its own.
        assertEquals(List.of("symbol", "kitSold", "sold", "sold", "sold", "keyBound"), sink.events(),
            "the channel's name, then the sales");
        final List<String> details = sink.details();
        assertTrue(details.get(1).endsWith(" 2 2"), "2 components follow, of 2 kits: " + details);
        assertTrue(details.get(2).endsWith(" 4 0") && details.get(3).endsWith(" 2 0") && details.get(4).endsWith(" 1 0"),
            "4 A and 2 B in the kits, then 1 A on its own, none fenced: " + details);
    }

    /**
     * A receipt's value, units x unit cost in millionths, must fit in 64 bits: the ledger values stock in them, and
     * one receipt past it stopped the accounting consumer for good (a black-box tester).
     */
    @Test
    void shouldRefuseAReceiptWorthMoreThanTheBooksCanHold()
    {
        final long most = Long.MAX_VALUE / 1_000;
        assertOk(cmd(RECEIVE).key(key()).sku("A").at("L0").qty(1_000).amount(most).run());
        final Command refused = cmd(RECEIVE).key(key()).sku("A").at("L0").qty(1_000).amount(most + 1).run();
        assertEquals(ResultCode.INVALID_REQUEST, refused.result);
        assertEquals("unit_cost", refused.field);
        final Command huge = cmd(RECEIVE).key(key()).sku("A").at("L0").qty(1_000_000_000).amount(Long.MAX_VALUE).run();
        assertEquals(ResultCode.INVALID_REQUEST, huge.result, "a product that wraps past 2^64 as well");
        assertBuckets("A", "L0", 1_000, 0, 0, 0, 0);
    }

    @Test
    void shouldRefuseStockOfKitSku()
    {
        defineKit("K", "A", 1);
        final Command[] refused = {
            cmd(RECEIVE).key(key()).sku("K").at("L0").qty(1).run(),
            cmd(ANNOUNCE_INCOMING).key(key()).ref("po1").sku("K").at("L0").qty(1).time(T0).run(),
            cmd(INSPECT).key(key()).sku("K").at("L0").qty(1).run(),
            cmd(MOVE).key(key()).sku("K").at("L0").qty(1).buckets(Bucket.SELLABLE, Bucket.DAMAGED).run(),
            cmd(ADJUST).key(key()).sku("K").at("L0").qty(1).bucket(Bucket.SELLABLE).reason(Reason.FOUND).run(),
            cmd(COUNT).key(key()).sku("K").at("L0").qty(1).run(),
            cmd(TRANSFER_OUT).key(key()).ref("t1").sku("K").at("L0").to("L1").qty(1).run(),
            cmd(SET_SAFETY_STOCK).sku("K").at("L0").qty(1).run() };
        for (final Command c : refused)
        {
            assertEquals(ResultCode.INVALID_REQUEST, c.result, CommandType.name(c.type));
            assertEquals("sku", c.field, CommandType.name(c.type));
        }
        assertNull(stock("K", "L0"));
    }

    @Test
    void shouldRefuseInvalidKitDefinitions()
    {
        receive("A", "L0", 1);
        defineKit("K", "B", 1);
        assertKitRefused("components", "K2", "K2", 1);
        assertKitRefused("components", "K2", "K", 1);
        assertKitRefused("sku", "A", "C", 1);
        assertKitRefused("sku", "B", "C", 1);
        assertOk(cmd(DEFINE_KIT).sku("K").line("C", null, 2).run());
    }

    /**
     * A safety stock or a channel's ring-fence is a policy only stock can have (both are refused for a kit), so a SKU
     * holding either cannot become a kit until the policy is set back to 0.
     */
    @Test
    void shouldRefuseAKitOfASkuWithASafetyStockOrARingFence()
    {
        assertOk(cmd(SET_SAFETY_STOCK).sku("S").at("L0").qty(3).run());
        configureChannel("web", 0, new String[0], "F", "L1", 5);
        assertKitRefused("sku", "S", "C", 1);
        assertKitRefused("sku", "F", "C", 1);

        assertOk(cmd(SET_SAFETY_STOCK).sku("S").at("L0").qty(0).run());
        configureChannel("web", 0, new String[0], "F", "L1", 0);
        defineKit("S", "C", 1);
        defineKit("F", "C", 1);
    }

    /** A kit's definition reads back as it was last defined, in its order; a SKU that is no kit is not found. */
    @Test
    void shouldAnswerAKitsComponentsAsLastDefined()
    {
        defineKit("K", "A", 2);
        assertOk(cmd(DEFINE_KIT).sku("K").line("C", null, 3).line("B", null, 1).run());
        final Command kit = cmd(QUERY_KIT).sku("K").run();
        assertOk(kit);
        assertEquals(2, kit.rowCount);
        assertEquals("C", kit.rowSku[0]);
        assertEquals(3, kit.rowValues[0]);
        assertEquals("B", kit.rowSku[1]);
        assertEquals(1, kit.rowValues[1]);
        assertEquals(ResultCode.NOT_FOUND, cmd(QUERY_KIT).sku("C").run().result, "a component is no kit");
        assertEquals(ResultCode.NOT_FOUND, cmd(QUERY_KIT).sku("nobody").run().result);
    }

    @Test
    void shouldKeepReservedComponentsWhenKitIsRedefined()
    {
        defineKit("K", "A", 2);
        receive("A", "L0", 10);
        receive("C", "L0", 10);
        assertOk(reserve("o1", "web", 0).line("K", "L0", 2).run());
        assertOk(cmd(DEFINE_KIT).sku("K").line("C", null, 1).run());
        assertOk(cmd(CANCEL).order("o1").run());
        assertBuckets("A", "L0", 10, 0, 0, 0, 0);
        assertBuckets("C", "L0", 10, 0, 0, 0, 0);
        assertOk(reserve("o2", "web", 0).line("K", "L0", 2).run());
        assertBuckets("C", "L0", 8, 2, 0, 0, 0);
    }

    /**
     * A SKU that holds nothing may become a kit, though units of it that shipped can still come back: a return of
     * them, or of a kit line whose component has since become a kit, would put stock into a kit, where nothing could
     * move, sell or write it off. Refused, and nothing changes.
     */
    @Test
    void shouldRefuseAReturnIntoASkuMadeAKitAfterItShipped()
    {
        receive("S", "L0", 1);
        receive("A", "L0", 4);
        defineKit("K", "A", 2);
        assertOk(reserve("o1", "web", 0).line("S", "L0", 1).run());
        assertOk(reserve("o2", "web", 0).line("K", "L0", 2).run());
        assertOk(cmd(SHIP).order("o1").run());
        assertOk(cmd(SHIP).order("o2").run());
        assertOk(cmd(DEFINE_KIT).sku("S").line("C", null, 1).run());
        assertOk(cmd(DEFINE_KIT).sku("K").line("C", null, 1).run());
        assertOk(cmd(DEFINE_KIT).sku("A").line("C", null, 1).run());
        final long seq = sink.lastSeq();
        assertEquals(ResultCode.INVALID_TRANSITION,
            cmd(RETURN).order("o1").key(key()).line("S", "L0", 1).run().result);
        assertEquals(ResultCode.INVALID_TRANSITION,
            cmd(RETURN).order("o2").key(key()).line("K", "L0", 1).run().result);
        assertEquals(seq, sink.lastSeq(), "nothing journaled");
        assertLine(order("o1"), 0, "S", "L0", 1, 0, 0, 1, 0, 0);
        assertLine(order("o2"), 0, "K", "L0", 2, 0, 0, 2, 0, 0);
    }

    // ---- order actions ----

    @Test
    void shouldPickThenShipWholeOrder()
    {
        receive("A", "L0", 10);
        receive("B", "L0", 10);
        assertOk(reserve("o1", "web", 0).line("A", "L0", 3).line("B", "L0", 1).run());
        final Command picked = cmd(PICK).order("o1").run();
        assertOk(picked);
        assertEquals(OrderStatus.PICKED, picked.status);
        assertLine(picked, 0, "A", "L0", 3, 0, 3, 0, 0, 0);
        assertBuckets("A", "L0", 7, 0, 3, 0, 0);
        assertEquals(3, stock("A", "L0")[Command.STOCK_COMMITTED]);

        final Command shipped = cmd(SHIP).order("o1").run();
        assertEquals(OrderStatus.SHIPPED, shipped.status);
        assertLine(shipped, 0, "A", "L0", 3, 0, 0, 3, 0, 0);
        assertLine(shipped, 1, "B", "L0", 1, 0, 0, 1, 0, 0);
        assertBuckets("A", "L0", 7, 0, 0, 0, 0);
        assertEquals(7, stock("A", "L0")[Command.STOCK_ON_HAND]);
        assertEquals(shipped.seq, sink.lastSeq());
    }

    @Test
    void shouldPickAndShipReservedUnitsAtOnce()
    {
        receive("A", "L0", 10);
        assertOk(reserve("o1", "web", 0).line("A", "L0", 3).run());
        final Command shipped = cmd(SHIP).order("o1").run();
        assertEquals(OrderStatus.SHIPPED, shipped.status);
        assertBuckets("A", "L0", 7, 0, 0, 0, 0);
    }

    @Test
    void shouldActOnLinesPartiallyAndDeriveStatus()
    {
        receive("A", "L0", 10);
        receive("B", "L0", 10);
        assertOk(reserve("o1", "web", 0).line("A", "L0", 4).line("B", "L0", 2).run());

        final Command picked = cmd(PICK).order("o1").key(key()).line("A", null, 1).run();
        assertEquals(OrderStatus.PARTIALLY_PICKED, picked.status);
        assertBuckets("A", "L0", 6, 3, 1, 0, 0);

        final Command shipped = cmd(SHIP).order("o1").key(key()).line("A", "L0", 2).run();
        assertEquals(OrderStatus.PARTIALLY_SHIPPED, shipped.status);
        assertLine(shipped, 0, "A", "L0", 4, 2, 0, 2, 0, 0);
        assertBuckets("A", "L0", 6, 2, 0, 0, 0);

        assertOk(cmd(PICK).order("o1").key(key()).line("A", null, 1).run());
        final Command cancelled = cmd(CANCEL).order("o1").key(key()).line("A", null, 2).run();
        assertEquals(OrderStatus.PARTIALLY_SHIPPED, cancelled.status);
        assertLine(cancelled, 0, "A", "L0", 4, 0, 0, 2, 0, 2);
        assertBuckets("A", "L0", 8, 0, 0, 0, 0);

        final Command rest = cmd(CANCEL).order("o1").run();
        assertEquals(OrderStatus.SHIPPED, rest.status, "cancelling the rest of a partly shipped order ships it");
        assertLine(rest, 1, "B", "L0", 2, 0, 0, 0, 0, 2);
        assertBuckets("B", "L0", 10, 0, 0, 0, 0);

        // A retry of that cancel (its answer lost) finds it done, as API.md has whole-order actions.
        final Command retried = cmd(CANCEL).order("o1").run();
        assertOk(retried);
        assertEquals(OrderStatus.SHIPPED, retried.status);
        assertEquals(rest.seq, retried.seq, "nothing new happened");
        assertBuckets("A", "L0", 8, 0, 0, 0, 0);
        // An order that shipped whole had nothing cancelled: cancelling it is refused.
        assertOk(reserve("o2", "web", 0).line("A", "L0", 1).run());
        assertOk(cmd(SHIP).order("o2").run());
        assertEquals(ResultCode.INVALID_TRANSITION, cmd(CANCEL).order("o2").run().result);
        // A pick retried after the ship (its answer lost) finds it done: a ship picks what it ships.
        final Command pickedLate = cmd(PICK).order("o2").run();
        assertOk(pickedLate);
        assertEquals(OrderStatus.SHIPPED, pickedLate.status);
        assertBuckets("A", "L0", 7, 0, 0, 0, 0);
        // A pick of an order a cancel closed is refused, as for a cancelled order: its rest was released, not picked.
        assertEquals(ResultCode.INVALID_TRANSITION, cmd(PICK).order("o1").run().result);
        // Nor is it done when a line was cancelled and a ship, not a cancel, closed the order.
        assertOk(reserve("o3", "web", 0).line("A", "L0", 1).line("B", "L0", 1).run());
        assertOk(cmd(CANCEL).order("o3").key(key()).line("B", "L0", 1).run());
        assertOk(cmd(SHIP).order("o3").run());
        assertEquals(ResultCode.INVALID_TRANSITION, cmd(CANCEL).order("o3").run().result);
        // Nor when the line cancel left the status as it was (no status event to end its command).
        assertOk(reserve("o4", "web", 0).line("A", "L0", 3).run());
        final long before = sink.lastSeq();
        assertEquals(OrderStatus.RESERVED, cmd(CANCEL).order("o4").key(key()).line("A", "L0", 1).run().status);
        assertEquals(before + 2, sink.lastSeq(), "a line_released and the key, no order_status");
        assertOk(cmd(SHIP).order("o4").run());
        assertEquals(OrderStatus.SHIPPED, order("o4").status);
        assertEquals(ResultCode.INVALID_TRANSITION, cmd(CANCEL).order("o4").run().result);
    }

    @Test
    void shouldCancelWholeOrderAndLines()
    {
        receive("A", "L0", 10);
        assertOk(reserve("o1", "web", 0).line("A", "L0", 4).run());
        final Command partial = cmd(CANCEL).order("o1").key(key()).line("A", null, 1).run();
        assertEquals(OrderStatus.RESERVED, partial.status);
        assertLine(partial, 0, "A", "L0", 4, 3, 0, 0, 0, 1);
        final Command all = cmd(CANCEL).order("o1").run();
        assertEquals(OrderStatus.CANCELLED, all.status);
        assertBuckets("A", "L0", 10, 0, 0, 0, 0);

        assertOk(reserve("o2", "web", 0).line("A", "L0", 2).run());
        final Command byLines = cmd(CANCEL).order("o2").key(key()).line("A", null, 2).run();
        assertEquals(OrderStatus.CANCELLED, byLines.status);
    }

    @Test
    void shouldAnswerWholeOrderActionsAlreadyDoneWithOrderAsItIs()
    {
        receive("A", "L0", 10);
        assertOk(reserve("o1", "web", 0).line("A", "L0", 2).run());
        final Command picked = cmd(PICK).order("o1").run();
        final Command pickAgain = cmd(PICK).order("o1").run();
        assertOk(pickAgain);
        assertEquals(OrderStatus.PICKED, pickAgain.status);
        assertEquals(picked.seq, pickAgain.seq);

        final Command shipped = cmd(SHIP).order("o1").run();
        final long events = sink.lastSeq();
        final Command shipAgain = cmd(SHIP).order("o1").run();
        assertOk(shipAgain);
        assertFalse(shipAgain.replayed);
        assertEquals(shipped.seq, shipAgain.seq, "the order's last event");
        assertEquals(events, sink.lastSeq(), "nothing journaled");

        assertOk(reserve("o2", "web", 0).line("A", "L0", 2).run());
        final Command cancelled = cmd(CANCEL).order("o2").run();
        final Command cancelAgain = cmd(CANCEL).order("o2").run();
        assertOk(cancelAgain);
        assertEquals(OrderStatus.CANCELLED, cancelAgain.status);
        assertEquals(cancelled.seq, cancelAgain.seq);

        assertOk(reserve("o3", "web", 10).line("A", "L0", 2).run());
        now += 10;
        final Command expiredCancel = cmd(CANCEL).order("o3").run();
        assertOk(expiredCancel);
        assertEquals(OrderStatus.EXPIRED, expiredCancel.status);
        assertBuckets("A", "L0", 8, 0, 0, 0, 0);
    }

    @Test
    void shouldAnswerAlreadyDoneActionWithOrdersOwnLastEventWhenAnotherOrderExpires()
    {
        receive("A", "L0", 10);
        assertOk(reserve("o1", "web", 0).line("A", "L0", 1).run());
        final Command cancelled = cmd(CANCEL).order("o1").run();
        assertOk(reserve("o2", "web", 1_000).line("A", "L0", 1).run());
        now += 1_000;
        final Command again = cmd(CANCEL).order("o1").run();
        assertOk(again);
        assertEquals(cancelled.seq, again.seq, "seq = the order's last event, not o2's expiry in the same command");
    }

    @Test
    void shouldRefuseActionsTheOrderStateForbids()
    {
        receive("A", "L0", 10);
        assertOk(reserve("c", "web", 0).line("A", "L0", 1).run());
        assertOk(cmd(CANCEL).order("c").run());
        assertOk(reserve("e", "web", 10).line("A", "L0", 1).run());
        assertOk(reserve("s", "web", 0).line("A", "L0", 1).run());
        assertOk(cmd(SHIP).order("s").run());
        now += 10;
        tick();
        assertEquals(OrderStatus.EXPIRED, order("e").status);

        assertTransitionRefused(cmd(PICK).order("c"));
        assertTransitionRefused(cmd(SHIP).order("c"));
        assertTransitionRefused(cmd(PICK).order("e"));
        assertTransitionRefused(cmd(SHIP).order("e"));
        assertTransitionRefused(cmd(CANCEL).order("s"));
        assertTransitionRefused(cmd(PICK).order("s").key(key()).line("A", null, 1));
        assertTransitionRefused(cmd(CANCEL).order("c").key(key()).line("A", null, 1));
        assertTransitionRefused(cmd(SHIP).order("s").key(key()).line("A", null, 1));
        assertBuckets("A", "L0", 9, 0, 0, 0, 0);
    }

    @Test
    void shouldRefuseLinesThatNameNoOrderLineOrTakeTooMuch()
    {
        receive("A", "L0", 10);
        receive("A", "L1", 10);
        assertOk(reserve("o1", "web", 0).line("A", "L0", 3).run());
        assertTransitionRefused(cmd(PICK).order("o1").key(key()).line("B", null, 1));
        assertTransitionRefused(cmd(PICK).order("o1").key(key()).line("A", "L1", 1));
        assertTransitionRefused(cmd(PICK).order("o1").key(key()).line("A", null, 4));
        assertTransitionRefused(cmd(PICK).order("o1").key(key()).line("A", null, 2).line("A", "L0", 2));
        assertOk(cmd(PICK).order("o1").key(key()).line("A", null, 1).line("A", "L0", 1).run());
        assertTransitionRefused(cmd(PICK).order("o1").key(key()).line("A", null, 2));
        assertTransitionRefused(cmd(SHIP).order("o1").key(key()).line("A", null, 4));
        assertTransitionRefused(cmd(CANCEL).order("o1").key(key()).line("A", null, 4));
        assertBuckets("A", "L0", 7, 1, 2, 0, 0);
    }

    @Test
    void shouldAnswerNotFoundForUnknownOrder()
    {
        for (final int type : new int[] { PICK, SHIP, CANCEL })
        {
            assertEquals(ResultCode.NOT_FOUND, cmd(type).order("nope").run().result);
            assertEquals(ResultCode.NOT_FOUND, cmd(type).order("nope").key(key()).line("A", null, 1).run().result);
        }
        assertEquals(ResultCode.NOT_FOUND, cmd(RETURN).order("nope").key(key()).line("A", null, 1).run().result);
        assertEquals(ResultCode.NOT_FOUND, query(QUERY_ORDER, "nope").result);
    }

    // ---- returns ----

    @Test
    void shouldReturnShippedUnitsToQualityControlOrSellable()
    {
        receive("A", "L0", 10);
        assertOk(reserve("o1", "web", 0).line("A", "L0", 5).run());
        assertOk(cmd(SHIP).order("o1").run());
        final Command inspected = cmd(RETURN).order("o1").key(key()).flag().line("A", null, 2).run();
        assertOk(inspected);
        assertEquals(OrderStatus.SHIPPED, inspected.status, "a return leaves the status as it is");
        assertLine(inspected, 0, "A", "L0", 5, 0, 0, 5, 2, 0);
        assertBuckets("A", "L0", 5, 0, 0, 2, 0);
        assertOk(cmd(RETURN).order("o1").key(key()).line("A", "L0", 1).run());
        assertBuckets("A", "L0", 6, 0, 0, 2, 0);

        assertTransitionRefused(cmd(RETURN).order("o1").key(key()).line("A", null, 3));
        assertTransitionRefused(cmd(RETURN).order("o1").key(key()).line("B", null, 1));
        assertOk(cmd(RETURN).order("o1").key(key()).line("A", null, 2).run());
        assertBuckets("A", "L0", 8, 0, 0, 2, 0);
    }

    @Test
    void shouldRefuseReturnOfUnshippedOrder()
    {
        receive("A", "L0", 10);
        assertOk(reserve("o1", "web", 0).line("A", "L0", 5).run());
        assertTransitionRefused(cmd(RETURN).order("o1").key(key()).line("A", null, 1));
        assertBuckets("A", "L0", 5, 5, 0, 0, 0);
    }

    // ---- point of sale ----

    @Test
    void shouldSellAllLinesOrNone()
    {
        receive("A", "L0", 5);
        receive("B", "L0", 2);
        final Command refused = cmd(SALE).key(key()).channel("pos").at("L0").line("A", null, 3).line("B", null, 3).run();
        assertEquals(ResultCode.INSUFFICIENT_STOCK, refused.result);
        assertEquals(1, refused.rowCount);
        assertShortfall(refused, 0, "B", "L0", 1, 3, 2);
        assertBuckets("A", "L0", 5, 0, 0, 0, 0);

        final Command sold = cmd(SALE).key(key()).channel("pos").at("L0").line("A", null, 3).line("B", null, 2).run();
        assertOk(sold);
        assertBuckets("A", "L0", 2, 0, 0, 0, 0);
        assertBuckets("B", "L0", 0, 0, 0, 0, 0);
        assertEquals(2, stock("A", "L0")[Command.STOCK_ON_HAND]);
    }

    @Test
    void shouldSellFromOwnRingFenceAndRespectOthers()
    {
        receive("A", "L0", 10);
        configureChannel("pos", 0, new String[] { "L0" }, "A", "L0", 4);
        final Command refused = cmd(SALE).key(key()).channel("web").at("L0").line("A", null, 7).run();
        assertEquals(ResultCode.INSUFFICIENT_STOCK, refused.result);
        assertShortfall(refused, 0, "A", "L0", 0, 7, 6);
        assertOk(cmd(SALE).key(key()).channel("pos").at("L0").line("A", null, 3).run());
        assertEquals(6, availability("web", "A"), "pos sold from its fence");
    }

    // ---- receipts, incoming and availability to promise ----

    @Test
    void shouldReceiveIntoSellableOrQualityControlAndMeetIncoming()
    {
        assertOk(cmd(ANNOUNCE_INCOMING).key(key()).ref("po1").sku("A").at("L0").qty(10).time(T0 + 86_400_000)
            .amount(2_000_000).run());
        assertEquals(10, stock("A", "L0")[Command.STOCK_INCOMING]);
        assertOk(cmd(ANNOUNCE_INCOMING).key(key()).ref("po1").sku("A").at("L0").qty(8).time(T0 + 86_400_000)
            .amount(2_000_000).run());
        assertEquals(8, stock("A", "L0")[Command.STOCK_INCOMING], "a re-announcement sets what is expected");

        assertOk(cmd(RECEIVE).key(key()).sku("A").at("L0").qty(3).ref("po1").amount(2_000_000).run());
        assertEquals(5, stock("A", "L0")[Command.STOCK_INCOMING]);
        assertOk(cmd(RECEIVE).key(key()).sku("A").at("L0").qty(7).ref("po1").flag().run());
        assertEquals(0, stock("A", "L0")[Command.STOCK_INCOMING], "more than expected meets the whole line");
        assertBuckets("A", "L0", 3, 0, 0, 7, 0);
        assertEquals(10, stock("A", "L0")[Command.STOCK_ON_HAND]);
        assertEquals(3, stock("A", "L0")[Command.STOCK_AVAILABLE]);
        assertOk(cmd(RECEIVE).key(key()).sku("A").at("L0").qty(1).ref("po-unknown").run());
        assertBuckets("A", "L0", 4, 0, 0, 7, 0);
    }

    @Test
    void shouldPromiseIncomingExpectedByDate()
    {
        receive("A", "L0", 5);
        assertOk(cmd(ANNOUNCE_INCOMING).key(key()).ref("po1").sku("A").at("L0").qty(4).time(T0 + 1_000).run());
        assertOk(cmd(ANNOUNCE_INCOMING).key(key()).ref("po2").sku("A").at("L0").qty(6).time(T0 + 5_000).run());
        assertEquals(5, availability("web", "A"));
        assertEquals(5, availabilityBy("web", "A", T0 + 999));
        assertEquals(9, availabilityBy("web", "A", T0 + 1_000));
        assertEquals(15, availabilityBy("web", "A", T0 + 5_000));
        assertEquals(10, stock("A", "L0")[Command.STOCK_INCOMING]);
    }

    /**
     * Safety stock holds back arriving units too: with nothing sellable, 5 held back and 10 arriving, 5 may be
     * promised, which is what can be sold once they are in. Flooring at zero before adding the arrivals promised 10.
     */
    @Test
    void shouldHoldBackSafetyStockFromWhatIsPromisedByDate()
    {
        assertOk(cmd(SET_SAFETY_STOCK).sku("A").at("L0").qty(5).run());
        assertOk(cmd(ANNOUNCE_INCOMING).key(key()).ref("po1").sku("A").at("L0").qty(10).time(T0 + 1_000).run());
        assertEquals(0, availability("web", "A"));
        assertEquals(5, availabilityBy("web", "A", T0 + 1_000));
        now = T0 + 1_000;
        assertOk(cmd(RECEIVE).key(key()).sku("A").at("L0").qty(10).ref("po1").amount(1).run());
        assertEquals(5, availability("web", "A"), "the promise is exactly what can be sold now");

        receive("B", "L0", 3);
        assertOk(cmd(SET_SAFETY_STOCK).sku("B").at("L0").qty(5).run());
        assertOk(cmd(ANNOUNCE_INCOMING).key(key()).ref("po2").sku("B").at("L0").qty(10).time(T0 + 2_000).run());
        assertEquals(8, availabilityBy("web", "B", T0 + 2_000), "3 + 10 - 5");
    }

    @Test
    void shouldReportAvailabilityPerLocationWithTotals()
    {
        receive("A", "L0", 5);
        receive("A", "L1", 3);
        receive("B", "L1", 2);
        final Command c = cmd(QUERY_AVAILABILITY).channel("web").line("A", null, 0).line("B", null, 0).run();
        assertOk(c);
        assertEquals(5 + 3, c.itemTotals[0]);
        assertEquals(2, c.itemTotals[1]);
        // A channel never configured sources from every location in first-seen order (L0, L1); an item has a row
        // where its SKU has a stock record (engine-semantics.md, QUERY_AVAILABILITY), so B has none at L0.
        final List<String> rows = new java.util.ArrayList<>();
        for (int row = 0; row < c.rowCount; row++)
        {
            rows.add(c.value(row, Command.AVAILABILITY_FIELDS, Command.AVAILABILITY_ITEM) + ":" + c.rowLocation[row] +
                "=" + c.value(row, Command.AVAILABILITY_FIELDS, Command.AVAILABILITY_QUANTITY));
        }
        assertEquals(List.of("0:L0=5", "0:L1=3", "1:L1=2"), rows);
    }

    /**
     * An answer grows with the query (a SKU may be asked again and again), not with the catalogue: past
     * {@link Command#MAX_AVAILABILITY_ROWS} location rows the query is refused, naming sku, and holds no rows.
     */
    @Test
    void shouldRefuseAnAvailabilityAnswerOfMoreRowsThanTheLimit()
    {
        for (int i = 0; i < 100; i++)
        {
            receive("WIDE", "L" + i, 1);
        }
        final Cmd fits = cmd(QUERY_AVAILABILITY).channel("web");
        final Cmd over = cmd(QUERY_AVAILABILITY).channel("web");
        for (int i = 0; i < Command.MAX_AVAILABILITY_ROWS / 100; i++)
        {
            fits.line("WIDE", null, 0);
            over.line("WIDE", null, 0);
        }
        over.line("WIDE", null, 0);
        final Command answered = fits.run();
        assertOk(answered);
        assertEquals(Command.MAX_AVAILABILITY_ROWS, answered.rowCount);
        final Command refused = over.run();
        assertEquals(ResultCode.INVALID_REQUEST, refused.result);
        assertEquals("sku", refused.field);
        assertEquals(0, refused.rowCount);
    }

    /**
     * The answers of a batch stay in their slots until the batch is answered: under a budget of rows per batch (the
     * pipeline's), a query that finds it spent is answered OVERLOADED with no rows, and the next batch starts afresh.
     */
    @Test
    void shouldAnswerQueriesPastTheBatchsBudgetOfRowsOverloaded()
    {
        for (int i = 0; i < 100; i++)
        {
            receive("WIDE", "L" + i, 1);
        }
        engine.batchRowBudget(20_000);
        final Cmd query = cmd(QUERY_AVAILABILITY).channel("web");
        for (int i = 0; i < 100; i++)
        {
            query.line("WIDE", null, 0);
        }
        assertEquals(10_000, ok(query.run()).rowCount);
        assertEquals(100, ok(cmd(QUERY_STOCK).sku("WIDE").run()).rowCount);
        assertEquals(10_000, ok(query.run()).rowCount, "the budget not yet spent when it starts");
        final Command refused = query.run();
        assertEquals(ResultCode.OVERLOADED, refused.result);
        assertEquals(0, refused.rowCount);
        assertEquals(ResultCode.OVERLOADED, cmd(QUERY_STOCK).sku("WIDE").run().result);
        assertEquals(1, ok(cmd(QUERY_STOCK_AT).sku("WIDE").at("L0").run()).rowCount, "one row is no risk");
        engine.endBatch();
        assertEquals(10_000, ok(query.run()).rowCount, "a new batch");
    }

    private static Command ok(final Command c)
    {
        assertOk(c);
        return c;
    }

    // ---- inspections, moves, adjustments, counts ----

    @Test
    void shouldInspectQualityControlIntoSellableAndDamaged()
    {
        assertOk(cmd(RECEIVE).key(key()).sku("A").at("L0").qty(5).flag().run());
        assertOk(cmd(INSPECT).key(key()).sku("A").at("L0").qty(3).qty2(1).run());
        assertBuckets("A", "L0", 3, 0, 0, 1, 1);
        final Command refused = cmd(INSPECT).key(key()).sku("A").at("L0").qty(1).qty2(1).run();
        assertEquals(ResultCode.INSUFFICIENT_STOCK, refused.result);
        assertShortfall(refused, 0, "A", "L0", 0, 2, 1);
        assertBuckets("A", "L0", 3, 0, 0, 1, 1);
    }

    @Test
    void shouldMoveBetweenFreeBucketsIgnoringSafetyStock()
    {
        receive("A", "L0", 10);
        assertOk(cmd(SET_SAFETY_STOCK).sku("A").at("L0").qty(9).run());
        assertOk(cmd(MOVE).key(key()).sku("A").at("L0").qty(3).buckets(Bucket.SELLABLE, Bucket.DAMAGED)
            .reason(Reason.DAMAGE).run());
        assertOk(cmd(MOVE).key(key()).sku("A").at("L0").qty(1).buckets(Bucket.DAMAGED, Bucket.QUALITY_CONTROL).run());
        assertBuckets("A", "L0", 7, 0, 0, 1, 2);
        final Command refused = cmd(MOVE).key(key()).sku("A").at("L0").qty(3)
            .buckets(Bucket.DAMAGED, Bucket.SELLABLE).run();
        assertEquals(ResultCode.INSUFFICIENT_STOCK, refused.result);
        assertShortfall(refused, 0, "A", "L0", 0, 3, 2);
        assertBuckets("A", "L0", 7, 0, 0, 1, 2);
    }

    @Test
    void shouldAdjustOneBucketWithoutGoingBelowZero()
    {
        receive("A", "L0", 10);
        assertOk(cmd(ADJUST).key(key()).sku("A").at("L0").qty(-3).bucket(Bucket.SELLABLE).reason(Reason.LOST).run());
        assertOk(cmd(ADJUST).key(key()).sku("A").at("L0").qty(2).bucket(Bucket.DAMAGED).reason(Reason.FOUND).run());
        assertBuckets("A", "L0", 7, 0, 0, 0, 2);
        final Command refused = cmd(ADJUST).key(key()).sku("A").at("L0").qty(-5).bucket(Bucket.DAMAGED)
            .reason(Reason.WRITE_OFF).run();
        assertEquals(ResultCode.INSUFFICIENT_STOCK, refused.result);
        assertShortfall(refused, 0, "A", "L0", 0, 5, 2);
        assertOk(cmd(ADJUST).key(key()).sku("A").at("L0").qty(-2).bucket(Bucket.DAMAGED).reason(Reason.WRITE_OFF)
            .run());
        assertBuckets("A", "L0", 7, 0, 0, 0, 0);
        assertEquals(7, stock("A", "L0")[Command.STOCK_ON_HAND]);
    }

    @Test
    void shouldCountSellableUnlessExpectedIsStale()
    {
        receive("A", "L0", 10);
        final Command shrink = cmd(COUNT).key(key()).sku("A").at("L0").qty(7).run();
        assertOk(shrink);
        assertCountRow(shrink, 10, 7, -3);
        assertBuckets("A", "L0", 7, 0, 0, 0, 0);
        final Command stale = cmd(COUNT).key(key()).sku("A").at("L0").qty(5).flag().qty2(6).run();
        assertEquals(ResultCode.INVALID_TRANSITION, stale.result);
        assertCountRow(stale, 7, 5, -2);
        assertBuckets("A", "L0", 7, 0, 0, 0, 0);
        assertOk(cmd(COUNT).key(key()).sku("A").at("L0").qty(5).flag().qty2(7).run());
        assertBuckets("A", "L0", 5, 0, 0, 0, 0);
        final Command found = cmd(COUNT).key(key()).sku("A").at("L3").qty(4).flag().qty2(0).run();
        assertOk(found);
        assertCountRow(found, 0, 4, 4);
        assertBuckets("A", "L3", 4, 0, 0, 0, 0);
    }

    /** A retried count answers the variance it found, not one against what sellable has become since. */
    @Test
    void shouldAnswerARetriedCountWithTheVarianceItFoundFirst()
    {
        receive("A", "L0", 10);
        final String key = key();
        assertCountRow(cmd(COUNT).key(key).sku("A").at("L0").qty(7).run(), 10, 7, -3);
        receive("A", "L0", 2);
        final Command retry = cmd(COUNT).key(key).sku("A").at("L0").qty(7).run();
        assertOk(retry);
        assertTrue(retry.replayed);
        assertCountRow(retry, 10, 7, -3);
        assertBuckets("A", "L0", 9, 0, 0, 0, 0);
    }

    private static void assertCountRow(final Command c, final long previous, final long counted, final long variance)
    {
        assertEquals(1, c.rowCount);
        assertEquals(c.sku, c.rowSku[0]);
        assertEquals(c.location, c.rowLocation[0]);
        assertEquals(previous, c.value(0, Command.COUNT_FIELDS, Command.COUNT_PREVIOUS), "previous");
        assertEquals(counted, c.value(0, Command.COUNT_FIELDS, Command.COUNT_COUNTED), "counted");
        assertEquals(variance, c.value(0, Command.COUNT_FIELDS, Command.COUNT_VARIANCE), "variance");
    }

    // ---- transfers ----

    @Test
    void shouldTransferOutAndReceiveInParts()
    {
        receive("A", "L0", 10);
        final Command out = cmd(TRANSFER_OUT).key(key()).ref("t1").sku("A").at("L0").to("L1").qty(4).run();
        assertOk(out);
        assertEquals("A", out.outName);
        assertEquals("L0", out.outName2);
        assertEquals("L1", out.outName3);
        assertArrayEquals(new long[] { 4, 4, 0 }, Arrays.copyOf(out.rowValues, 3));
        assertBuckets("A", "L0", 6, 0, 0, 0, 0);
        assertEquals(4, stock("A", "L1")[Command.STOCK_IN_TRANSIT]);

        assertOk(cmd(TRANSFER_IN).key(key()).ref("t1").qty(1).flag().run());
        assertBuckets("A", "L1", 0, 0, 0, 1, 0);
        assertEquals(3, stock("A", "L1")[Command.STOCK_IN_TRANSIT]);
        assertEquals(ResultCode.INVALID_TRANSITION, cmd(TRANSFER_IN).key(key()).ref("t1").qty(4).run().result);
        final Command rest = cmd(TRANSFER_IN).key(key()).ref("t1").run();
        assertOk(rest);
        assertArrayEquals(new long[] { 4, 0, 4 }, Arrays.copyOf(rest.rowValues, 3));
        assertBuckets("A", "L1", 3, 0, 0, 1, 0);
        assertEquals(0, stock("A", "L1")[Command.STOCK_IN_TRANSIT]);
        assertEquals(ResultCode.INVALID_TRANSITION, cmd(TRANSFER_IN).key(key()).ref("t1").run().result,
            "nothing left in transit");

        final Command queried = cmd(QUERY_TRANSFER).ref("t1").run();
        assertOk(queried);
        assertArrayEquals(new long[] { 4, 0, 4 }, Arrays.copyOf(queried.rowValues, 3));
    }

    @Test
    void shouldRefuseTransfersTheStateForbids()
    {
        receive("A", "L0", 10);
        assertOk(cmd(TRANSFER_OUT).key(key()).ref("t1").sku("A").at("L0").to("L1").qty(4).run());
        assertEquals(ResultCode.INVALID_TRANSITION,
            cmd(TRANSFER_OUT).key(key()).ref("t1").sku("A").at("L0").to("L1").qty(1).run().result, "reused id");
        final Command same = cmd(TRANSFER_OUT).key(key()).ref("t2").sku("A").at("L0").to("L0").qty(1).run();
        assertEquals(ResultCode.INVALID_REQUEST, same.result);
        assertEquals("to", same.field);
        final Command tooMany = cmd(TRANSFER_OUT).key(key()).ref("t3").sku("A").at("L0").to("L1").qty(7).run();
        assertEquals(ResultCode.INSUFFICIENT_STOCK, tooMany.result);
        assertShortfall(tooMany, 0, "A", "L0", 0, 7, 6);
        assertEquals(ResultCode.NOT_FOUND, cmd(TRANSFER_IN).key(key()).ref("t9").run().result);
        assertEquals(ResultCode.NOT_FOUND, cmd(QUERY_TRANSFER).ref("t9").run().result);
        assertBuckets("A", "L0", 6, 0, 0, 0, 0);
    }

    // ---- idempotency ----

    @Test
    void shouldReplayKeyedMovementWithOriginalSeqAndChangeNothing()
    {
        final Command first = cmd(RECEIVE).key("k1").sku("A").at("L0").qty(5).run();
        assertOk(first);
        final long events = sink.lastSeq();
        final Command retry = cmd(RECEIVE).key("k1").sku("A").at("L0").qty(5).run();
        assertOk(retry);
        assertTrue(retry.replayed);
        assertEquals(first.seq, retry.seq);
        assertEquals(events, sink.lastSeq(), "a replay journals nothing");
        assertBuckets("A", "L0", 5, 0, 0, 0, 0);
    }

    @Test
    void shouldRefuseKeyReusedWithAnotherPayloadOrType()
    {
        assertOk(cmd(RECEIVE).key("k1").sku("A").at("L0").qty(5).run());
        assertEquals(ResultCode.IDEMPOTENCY_CONFLICT, cmd(RECEIVE).key("k1").sku("A").at("L0").qty(6).run().result);
        assertEquals(ResultCode.IDEMPOTENCY_CONFLICT, cmd(ADJUST).key("k1").sku("A").at("L0").qty(5)
            .bucket(Bucket.SELLABLE).reason(Reason.FOUND).run().result);
        assertBuckets("A", "L0", 5, 0, 0, 0, 0);
        assertOk(reserve("o1", "web", 0).line("A", "L0", 3).run());
        assertOk(cmd(PICK).order("o1").key("k2").line("A", null, 1).run());
        final Command replay = cmd(PICK).order("o1").key("k2").line("A", null, 1).run();
        assertTrue(replay.replayed);
        assertLine(replay, 0, "A", "L0", 3, 2, 1, 0, 0, 0);
        assertEquals(ResultCode.IDEMPOTENCY_CONFLICT, cmd(PICK).order("o1").key("k2").line("A", null, 2).run().result);
        assertBuckets("A", "L0", 2, 2, 1, 0, 0);
    }

    /**
     * A body form (HTTP's JSON as parsed) is part of what a key binds: the same inputs written in another body
     * conflict, for a movement's key and for a reservation's order id alike. A key bound without one (over the
     * binary protocol, or journaled before bodies counted) has only its inputs to compare.
     */
    @Test
    void shouldBindAKeyToTheBodyFormItCameWith()
    {
        assertOk(cmd(RECEIVE).key("k1").sku("A").at("L0").qty(5).bodyForm(11).run());
        assertTrue(cmd(RECEIVE).key("k1").sku("A").at("L0").qty(5).bodyForm(11).run().replayed);
        assertEquals(ResultCode.IDEMPOTENCY_CONFLICT,
            cmd(RECEIVE).key("k1").sku("A").at("L0").qty(5).bodyForm(12).run().result);
        assertEquals(ResultCode.IDEMPOTENCY_CONFLICT, cmd(RECEIVE).key("k1").sku("A").at("L0").qty(5).run().result);
        assertOk(reserve("o1", "web", 0).line("A", "L0", 2).bodyForm(5).run());
        assertEquals(ResultCode.IDEMPOTENCY_CONFLICT, reserve("o1", "web", 0).line("A", "L0", 2).bodyForm(7).run()
            .result);
        assertBuckets("A", "L0", 3, 2, 0, 0, 0);

        assertOk(cmd(RECEIVE).key("k2").sku("A").at("L0").qty(1).run());
        assertTrue(cmd(RECEIVE).key("k2").sku("A").at("L0").qty(1).bodyForm(13).run().replayed);
        assertEquals(ResultCode.IDEMPOTENCY_CONFLICT,
            cmd(RECEIVE).key("k2").sku("A").at("L0").qty(2).bodyForm(13).run().result, "the inputs still count");
        assertOk(reserve("o2", "web", 0).line("A", "L0", 1).run());
        assertTrue(reserve("o2", "web", 0).line("A", "L0", 1).bodyForm(7).run().replayed);
        assertBuckets("A", "L0", 3, 3, 0, 0, 0);

        // HTTP without a body binds "no body": a body written out conflicts, a binary retry (no form) matches.
        assertOk(cmd(PICK).key("k3").order("o2").bodyForm(Command.NO_BODY_FORM).run());
        assertEquals(ResultCode.IDEMPOTENCY_CONFLICT, cmd(PICK).key("k3").order("o2").bodyForm(21).run().result);
        assertTrue(cmd(PICK).key("k3").order("o2").bodyForm(Command.NO_BODY_FORM).run().replayed);
        assertTrue(cmd(PICK).key("k3").order("o2").run().replayed, "a binary retry");
    }

    /** API.md: a retry gets the original body, so an order action's retry shows the order as that action left it. */
    @Test
    void shouldReplayTheOriginalAnswerOfKeyedActionsAfterTheOrderAndTransferMovedOn()
    {
        receive("A", "L0", 10);
        receive("B", "L0", 10);
        assertOk(reserve("o1", "web", 5_000).line("A", "L0", 3).line("B", "L0", 2).run());
        assertOk(cmd(PICK).order("o1").key("p1").line("A", null, 1).run());
        assertOk(cmd(SHIP).order("o1").run());
        assertOk(cmd(RETURN).order("o1").key("r1").line("B", null, 1).run());
        assertOk(cmd(RETURN).order("o1").key("r2").line("B", null, 1).run());

        final Command pick = cmd(PICK).order("o1").key("p1").line("A", null, 1).run();
        assertTrue(pick.replayed);
        assertEquals(OrderStatus.PARTIALLY_PICKED, pick.status);
        assertEquals(0, pick.outTime, "a picked order no longer expires, as answered");
        assertEquals("web", pick.outName);
        assertEquals(2, pick.rowCount);
        assertLine(pick, 0, "A", "L0", 3, 2, 1, 0, 0, 0);
        assertLine(pick, 1, "B", "L0", 2, 2, 0, 0, 0, 0);
        final Command firstReturn = cmd(RETURN).order("o1").key("r1").line("B", null, 1).run();
        assertTrue(firstReturn.replayed);
        assertEquals(OrderStatus.SHIPPED, firstReturn.status);
        assertLine(firstReturn, 1, "B", "L0", 2, 0, 0, 2, 1, 0);
        assertEquals(2, query(QUERY_ORDER, "o1").value(1, Command.LINE_FIELDS, Command.LINE_RETURNED), "the order moved on");

        assertOk(cmd(TRANSFER_OUT).key("t-out").ref("t1").sku("A").at("L0").to("L1").qty(4).run());
        assertOk(cmd(TRANSFER_IN).key("t-in1").ref("t1").qty(1).run());
        assertOk(cmd(TRANSFER_IN).key("t-in2").ref("t1").qty(2).run());
        final Command out = cmd(TRANSFER_OUT).key("t-out").ref("t1").sku("A").at("L0").to("L1").qty(4).run();
        assertTrue(out.replayed);
        assertArrayEquals(new long[] { 4, 4, 0 }, Arrays.copyOf(out.rowValues, 3), "quantity, in transit, received");
        final Command in = cmd(TRANSFER_IN).key("t-in1").ref("t1").qty(1).run();
        assertTrue(in.replayed);
        assertEquals("A", in.outName);
        assertEquals("L0", in.outName2);
        assertEquals("L1", in.outName3);
        assertArrayEquals(new long[] { 4, 3, 1 }, Arrays.copyOf(in.rowValues, 3));
    }

    /**
     * A keyed whole-order action on an order already done changes nothing, yet binds its key: its binding keeps its
     * own order's answer, not that of the order or transfer the command before it changed.
     */
    @Test
    void shouldKeepTheAnswerOfItsOwnOrderForAKeyedActionThatChangedNothing()
    {
        receive("A", "L0", 10);
        receive("Z", "L9", 10);
        assertOk(reserve("oA", "web", 0).line("A", "L0", 1).run());
        assertOk(cmd(CANCEL).order("oA").run());
        assertOk(reserve("oB", "mkt", 0).line("Z", "L9", 2).run());
        assertOk(cmd(CANCEL).order("oB").run());

        final Command first = cmd(CANCEL).order("oA").key("k").run();
        assertOk(first);
        assertEquals(List.of("orderStatus", "keyBound"), sink.events(), "the order's unchanged status names it");
        final Command retry = cmd(CANCEL).order("oA").key("k").run();
        assertTrue(retry.replayed);
        assertEquals("web", retry.outName);
        assertEquals(OrderStatus.CANCELLED, retry.status);
        assertLine(retry, 0, "A", "L0", 1, 0, 0, 0, 0, 1);

        // The same after a transfer, whose event would otherwise come right before the binding.
        assertOk(cmd(TRANSFER_OUT).ref("t1").sku("Z").at("L9").to("L0").qty(3).run());
        assertOk(cmd(CANCEL).order("oA").key("k2").run());
        final Command afterTransfer = cmd(CANCEL).order("oA").key("k2").run();
        assertTrue(afterTransfer.replayed);
        assertEquals(OrderStatus.CANCELLED, afterTransfer.status);
        assertEquals(1, afterTransfer.rowCount);
        assertLine(afterTransfer, 0, "A", "L0", 1, 0, 0, 0, 0, 1);
    }

    /** With no room for answers a retry still replays (same seq, nothing applied), showing the order as it is. */
    @Test
    void shouldReplayFromTheStateWhenNoAnswerWasKept()
    {
        useEngine(new EngineConfig().dedupWindowMillis(WINDOW).dedupAnswerInts(0));
        receive("A", "L0", 10);
        assertOk(reserve("o1", "web", 0).line("A", "L0", 3).run());
        final Command first = cmd(PICK).order("o1").key("p1").line("A", null, 1).run();
        assertOk(cmd(SHIP).order("o1").run());
        final Command retry = cmd(PICK).order("o1").key("p1").line("A", null, 1).run();
        assertTrue(retry.replayed);
        assertEquals(first.seq, retry.seq);
        assertEquals(OrderStatus.SHIPPED, retry.status);
        assertLine(retry, 0, "A", "L0", 3, 0, 0, 3, 0, 0);
        assertBuckets("A", "L0", 7, 0, 0, 0, 0);
    }

    @Test
    void shouldBindKeyOnlyOnSuccess()
    {
        final Command refused = cmd(MOVE).key("k1").sku("A").at("L0").qty(2).buckets(Bucket.SELLABLE, Bucket.DAMAGED)
            .run();
        assertEquals(ResultCode.INSUFFICIENT_STOCK, refused.result);
        receive("A", "L0", 5);
        final Command later = cmd(MOVE).key("k1").sku("A").at("L0").qty(2).buckets(Bucket.SELLABLE, Bucket.DAMAGED)
            .run();
        assertOk(later);
        assertFalse(later.replayed);
        assertBuckets("A", "L0", 3, 0, 0, 0, 2);
    }

    @Test
    void shouldForgetKeyOnceOutsideWindow()
    {
        final Command first = cmd(RECEIVE).key("k1").sku("A").at("L0").qty(5).run();
        now = T0 + WINDOW - 1;
        final Command inside = cmd(RECEIVE).key("k1").sku("A").at("L0").qty(5).run();
        assertTrue(inside.replayed);
        assertEquals(first.seq, inside.seq);
        now = T0 + WINDOW;
        final Command outside = cmd(RECEIVE).key("k1").sku("A").at("L0").qty(5).run();
        assertOk(outside);
        assertFalse(outside.replayed, "the binding is no longer visible");
        assertBuckets("A", "L0", 10, 0, 0, 0, 0);
        final Command conflictAfterRebind = cmd(RECEIVE).key("k1").sku("A").at("L0").qty(6).run();
        assertEquals(ResultCode.IDEMPOTENCY_CONFLICT, conflictAfterRebind.result);
    }

    @Test
    void shouldEvictOldestKeyAtCapacity()
    {
        useEngine(new EngineConfig().dedupCapacity(2));
        cmd(RECEIVE).key("k1").sku("A").at("L0").qty(1).run();
        cmd(RECEIVE).key("k2").sku("A").at("L0").qty(1).run();
        cmd(RECEIVE).key("k3").sku("A").at("L0").qty(1).run();
        assertFalse(cmd(RECEIVE).key("k1").sku("A").at("L0").qty(1).run().replayed, "k1 was evicted by k3");
        assertTrue(cmd(RECEIVE).key("k3").sku("A").at("L0").qty(1).run().replayed);
        assertFalse(cmd(RECEIVE).key("k2").sku("A").at("L0").qty(1).run().replayed, "k2 was evicted by k1");
        assertBuckets("A", "L0", 5, 0, 0, 0, 0);
    }

    @Test
    void shouldForgetFinishedOrderAfterWindowWhenLaterOrderIsReserved()
    {
        receive("A", "L0", 10);
        assertOk(reserve("o1", "web", 0).line("A", "L0", 1).run());
        assertOk(reserve("open", "web", 0).line("A", "L0", 1).run());
        assertOk(cmd(CANCEL).order("o1").run());
        now = T0 + WINDOW;
        assertEquals(OrderStatus.CANCELLED, order("o1").status, "kept until a later order is reserved");
        assertEquals(ResultCode.IDEMPOTENCY_CONFLICT, reserve("o1", "web", 0).line("A", "L0", 2).run().result);
        assertOk(reserve("o2", "web", 0).line("A", "L0", 1).run());
        assertEquals(ResultCode.NOT_FOUND, query(QUERY_ORDER, "o1").result);
        final Command reused = reserve("o1", "web", 0).line("A", "L0", 2).run();
        assertOk(reused);
        assertFalse(reused.replayed);
        assertEquals(OrderStatus.RESERVED, order("open").status, "open orders are never forgotten");
        assertBuckets("A", "L0", 6, 4, 0, 0, 0);
    }

    /** A finished order forgotten for room inside the window is counted, with how long it had been kept. */
    @Test
    void shouldCountFinishedOrdersForgottenForRoom()
    {
        useEngine(new EngineConfig().dedupWindowMillis(WINDOW).finishedOrderCapacity(1));
        receive("A", "L0", 10);
        assertOk(reserve("o1", "web", 0).line("A", "L0", 1).run());
        assertOk(cmd(SHIP).order("o1").run());
        now += 40;
        assertOk(reserve("o2", "web", 0).line("A", "L0", 1).run());
        assertOk(cmd(CANCEL).order("o2").run());
        assertEquals(0, engine.state().ordersForgottenEarly(), "one finished order is within the capacity");
        now += 60;
        assertOk(reserve("o3", "web", 0).line("A", "L0", 1).run());
        assertEquals(1, engine.state().ordersForgottenEarly(), "o1 went for room");
        assertEquals(100, engine.state().ordersForgottenEarlyAge(), "100 ms after it shipped");
        assertEquals(ResultCode.NOT_FOUND, cmd(RETURN).order("o1").key(key()).line("A", "L0", 1).run().result);
        now += WINDOW;
        assertOk(reserve("o4", "web", 0).line("A", "L0", 1).run());
        assertEquals(1, engine.state().ordersForgottenEarly(), "o2 was past the window");
    }

    @Test
    void shouldIgnoreInputsTheTypeDoesNotReadWhenComparingPayloads()
    {
        receive("A", "L0", 5);
        assertOk(reserve("o1", "web", 0).line("A", "L0", 3).run());
        assertOk(cmd(PICK).order("o1").key("k1").line("A", null, 1).run());
        final Command retry = cmd(PICK).order("o1").key("k1").line("A", null, 1).qty(9).at("L7").run();
        assertOk(retry);
        assertTrue(retry.replayed, "PICK reads order id and lines only, so this is the same payload");
        assertBuckets("A", "L0", 2, 2, 1, 0, 0);
    }

    // ---- large commands ----

    @Test
    void shouldReserveAndShipOrderOfThousandLines()
    {
        for (int i = 0; i < 1_000; i++)
        {
            receive("S" + i, i % 2 == 0 ? "L0" : "L1", 2);
        }
        final Cmd order = reserve("big", "web", 0);
        for (int i = 0; i < 1_000; i++)
        {
            order.line("S" + i, null, 2);
        }
        final Command reserved = order.run();
        assertOk(reserved);
        assertEquals(1_000, reserved.rowCount);
        assertLine(reserved, 999, "S999", "L1", 2, 2, 0, 0, 0, 0);
        assertLine(reserved, 998, "S998", "L0", 2, 2, 0, 0, 0, 0);
        final Command shipped = cmd(SHIP).order("big").run();
        assertEquals(OrderStatus.SHIPPED, shipped.status);
        assertBuckets("S999", "L1", 0, 0, 0, 0, 0);

        final Command refused = reserve("big2", "web", 0).line("S0", null, 1).line("S1", "L1", 1).run();
        assertEquals(ResultCode.INSUFFICIENT_STOCK, refused.result);
        assertEquals(2, refused.rowCount);
    }

    @Test
    void shouldReserveKitOfManyComponentsAndAnswerLargeAvailability()
    {
        final Cmd kit = cmd(DEFINE_KIT).key(key()).sku("BOX");
        for (int i = 0; i < 20; i++)
        {
            kit.line("P" + i, null, 1 + i % 3);
            for (int l = 0; l < 5; l++)
            {
                receive("P" + i, "L" + l, 10 + l);
            }
        }
        assertOk(kit.run());
        final Command reserved = reserve("o1", "web", 0).line("BOX", null, 4).run();
        assertOk(reserved);
        assertLine(reserved, 0, "BOX", "L2", 4, 4, 0, 0, 0, 0);
        assertBuckets("P2", "L2", 0, 12, 0, 0, 0);
        assertBuckets("P0", "L2", 8, 4, 0, 0, 0);

        final Cmd ask = cmd(QUERY_AVAILABILITY).channel("web").line("BOX", null, 0);
        for (int i = 0; i < 20; i++)
        {
            ask.line("P" + i, null, 0);
        }
        final Command availability = ask.run();
        assertOk(availability);
        assertEquals(21 * 5, availability.rowCount);
        assertEquals(3 + 3 + 0 + 4 + 4, availability.itemTotals[0], "BOX per location: min of floor(P / units)");
        assertEquals(10 + 11 + 8 + 13 + 14, availability.itemTotals[1]);
    }

    // ---- journal sequence ----

    @Test
    void shouldNumberEventsGapFreeAndAnswerLastSeq()
    {
        final Command first = cmd(RECEIVE).key("k1").sku("A").at("L0").qty(5).run();
        assertEquals(4, first.seq, "symbol A, symbol L0, received, keyBound");
        assertEquals(List.of("symbol", "symbol", "received", "keyBound"), sink.events());
        final Command second = cmd(RECEIVE).sku("A").at("L0").qty(5).run();
        assertEquals(5, second.seq, "no key: one event");
        final Command reserved = reserve("o1", "web", 0).line("A", "L0", 2).run();
        assertEquals(8, reserved.seq, "symbol web, orderReserved, orderLine");
        assertNull(sink.gap());
        assertEquals(0, query(QUERY_STOCK, "A").seq, "a query journals nothing");
        assertEquals(8, sink.lastSeq());
    }

    // ---- policies and queries ----

    @Test
    void shouldListStockOfSkuByLocationInFirstSeenOrder()
    {
        receive("X", "L9", 1);
        receive("A", "L0", 2);
        receive("A", "L9", 3);
        final Command c = query(QUERY_STOCK, "A");
        assertOk(c);
        assertEquals(2, c.rowCount);
        assertEquals("L9", c.rowLocation[0]);
        assertEquals("L0", c.rowLocation[1]);
        assertEquals(3, c.value(0, Command.STOCK_FIELDS, Command.STOCK_SELLABLE));
        assertEquals(2, c.value(1, Command.STOCK_FIELDS, Command.STOCK_ON_HAND));
        assertEquals(0, query(QUERY_STOCK, "unknown").rowCount);
        assertNull(stock("A", "L5"));
    }

    @Test
    void shouldJournalNothingOnTickWithNoExpiryDue()
    {
        receive("A", "L0", 1);
        final long events = sink.lastSeq();
        now += 1_000;
        final Command tick = tick();
        assertOk(tick);
        assertEquals(0, tick.seq);
        assertEquals(events, sink.lastSeq());
        assertBuckets("A", "L0", 1, 0, 0, 0, 0);
    }

    // ---- helpers ----

    private String key()
    {
        return "key-" + (++keys);
    }

    private Cmd cmd(final int type)
    {
        return new Cmd(type);
    }

    private Cmd reserve(final String orderId, final String channel, final long ttl)
    {
        return cmd(RESERVE).order(orderId).channel(channel).time(ttl);
    }

    private void receive(final String sku, final String location, final long quantity)
    {
        assertOk(cmd(RECEIVE).key(key()).sku(sku).at(location).qty(quantity).amount(1_000_000).run());
    }

    private void defineKit(final String kit, final Object... components)
    {
        final Cmd c = cmd(DEFINE_KIT).key(key()).sku(kit);
        for (int i = 0; i < components.length; i += 2)
        {
            c.line((String)components[i], null, ((Number)components[i + 1]).longValue());
        }
        assertOk(c.run());
    }

    private void assertKitRefused(final String field, final String kit, final String component, final long units)
    {
        final Command c = cmd(DEFINE_KIT).sku(kit).line(component, null, units).run();
        assertEquals(ResultCode.INVALID_REQUEST, c.result, kit + " of " + component);
        assertEquals(field, c.field, kit + " of " + component);
    }

    /** Buffer, sourcing locations, then allocations as (sku, location, quantity) triples. */
    private void configureChannel(final String channel, final long buffer, final String[] locations,
        final Object... allocations)
    {
        final Cmd c = cmd(CONFIGURE_CHANNEL).channel(channel).qty(buffer).qty2(locations.length);
        for (final String location : locations)
        {
            c.line(null, location, 0);
        }
        for (int i = 0; i < allocations.length; i += 3)
        {
            c.line((String)allocations[i], (String)allocations[i + 1], ((Number)allocations[i + 2]).longValue());
        }
        assertOk(c.run());
    }

    private Command tick()
    {
        return cmd(TICK).run();
    }

    private Command order(final String orderId)
    {
        final Command c = query(QUERY_ORDER, orderId);
        assertOk(c);
        return c;
    }

    private Command query(final int type, final String id)
    {
        final Cmd c = cmd(type);
        if (type == QUERY_ORDER)
        {
            c.order(id);
        }
        else
        {
            c.sku(id);
        }
        return c.run();
    }

    /** The STOCK_* values of a SKU at a location, or null when the engine holds no record of it there. */
    private long[] stock(final String sku, final String location)
    {
        final Command c = cmd(QUERY_STOCK_AT).sku(sku).at(location).run();
        assertOk(c);
        return c.rowCount == 0 ? null : Arrays.copyOf(c.rowValues, Command.STOCK_FIELDS);
    }

    private long availability(final String channel, final String sku)
    {
        final Command c = cmd(QUERY_AVAILABILITY).channel(channel).line(sku, null, 0).run();
        assertOk(c);
        return c.itemTotals[0];
    }

    private long availabilityBy(final String channel, final String sku, final long date)
    {
        final Command c = cmd(QUERY_AVAILABILITY).channel(channel).line(sku, null, 0).flag().time(date).run();
        assertOk(c);
        return c.itemTotals[0];
    }

    private void assertBuckets(final String sku, final String location, final long sellable, final long reserved,
        final long picked, final long qualityControl, final long damaged)
    {
        final long[] v = stock(sku, location);
        assertTrue(v != null, "no stock record of " + sku + "@" + location);
        final long[] actual = { v[Command.STOCK_SELLABLE], v[Command.STOCK_RESERVED], v[Command.STOCK_PICKED],
            v[Command.STOCK_QUALITY_CONTROL], v[Command.STOCK_DAMAGED] };
        assertArrayEquals(new long[] { sellable, reserved, picked, qualityControl, damaged }, actual,
            "sellable, reserved, picked, quality_control, damaged of " + sku + "@" + location);
        assertEquals(sellable + reserved + picked + qualityControl + damaged, v[Command.STOCK_ON_HAND], "on_hand");
        assertEquals(reserved + picked, v[Command.STOCK_COMMITTED], "committed");
    }

    private static void assertLine(final Command c, final int row, final String sku, final String location,
        final long quantity, final long reserved, final long picked, final long shipped, final long returned,
        final long cancelled)
    {
        assertTrue(row < c.rowCount, "no line " + row + " in " + c.rowCount + " rows");
        assertEquals(sku, c.rowSku[row], "line sku");
        assertEquals(location, c.rowLocation[row], "line location");
        final long[] actual = Arrays.copyOfRange(c.rowValues, row * Command.LINE_FIELDS, (row + 1) * Command.LINE_FIELDS);
        assertArrayEquals(new long[] { quantity, reserved, picked, shipped, returned, cancelled }, actual,
            "quantity, reserved, picked, shipped, returned, cancelled of line " + row);
    }

    private static void assertShortfall(final Command c, final int row, final String sku, final String location,
        final long line, final long requested, final long available)
    {
        assertTrue(row < c.rowCount, "no shortfall row " + row);
        assertEquals(sku, c.rowSku[row], "shortfall sku");
        assertEquals(location, c.rowLocation[row], "shortfall location");
        final long[] actual = Arrays.copyOfRange(c.rowValues, row * Command.SHORTFALL_FIELDS,
            (row + 1) * Command.SHORTFALL_FIELDS);
        assertArrayEquals(new long[] { line, requested, available }, actual, "line, requested, available");
    }

    private static void assertOk(final Command c)
    {
        assertEquals(ResultCode.name(ResultCode.OK), ResultCode.name(c.result),
            CommandType.name(c.type) + " refused" + (c.field != null ? " (field " + c.field + ")" : ""));
    }

    private static void assertTransitionRefused(final Cmd cmd)
    {
        final Command c = cmd.run();
        assertEquals(ResultCode.name(ResultCode.INVALID_TRANSITION), ResultCode.name(c.result),
            CommandGenerator.describe(c));
    }

    /** Builds one command fluently and runs it at the test's current time. */
    private final class Cmd
    {
        private final Command c = new Command().reset();

        Cmd(final int type)
        {
            c.type = type;
        }

        Cmd key(final String key)
        {
            c.key = key;
            return this;
        }

        Cmd bodyForm(final long form)
        {
            c.bodyForm = form;
            return this;
        }

        Cmd order(final String orderId)
        {
            c.orderId = orderId;
            return this;
        }

        Cmd channel(final String channel)
        {
            c.channel = channel;
            return this;
        }

        Cmd sku(final String sku)
        {
            c.sku = sku;
            return this;
        }

        Cmd at(final String location)
        {
            c.location = location;
            return this;
        }

        Cmd to(final String location)
        {
            c.location2 = location;
            return this;
        }

        Cmd ref(final String reference)
        {
            c.reference = reference;
            return this;
        }

        Cmd qty(final long quantity)
        {
            c.quantity = quantity;
            return this;
        }

        Cmd qty2(final long quantity)
        {
            c.quantity2 = quantity;
            return this;
        }

        Cmd amount(final long amount)
        {
            c.amount = amount;
            return this;
        }

        Cmd time(final long time)
        {
            c.time = time;
            return this;
        }

        Cmd bucket(final int bucket)
        {
            c.bucket = bucket;
            return this;
        }

        Cmd buckets(final int from, final int to)
        {
            c.bucket = from;
            c.bucket2 = to;
            return this;
        }

        Cmd reason(final int reason)
        {
            c.reason = reason;
            return this;
        }

        Cmd flag()
        {
            c.flag = true;
            return this;
        }

        Cmd line(final String sku, final String location, final long quantity)
        {
            c.line(sku, location, quantity);
            return this;
        }

        Command run()
        {
            c.timestamp = now;
            engine.process(c);
            return c;
        }
    }
}
