package io.stockengine.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import picocli.CommandLine;

/**
 * The journal tool's subcommands run in process against a journal written by the engine: workload traffic around a
 * scripted story of one SKU and one order (purchase order, receipt, reservation, pick, ship, return, sale).
 */
@Timeout(60)
class JournalToolTest
{
    static final String SKU = "TRACE-SKU";
    static final String ORDER = "order-T";
    static final String KIT = "TRACE-KIT";
    static final String PART = "TRACE-PART";

    @TempDir
    static Path shared;

    @TempDir
    Path own;

    private static long lastSeq;

    @BeforeAll
    static void writeJournal() throws Exception
    {
        lastSeq = writeStory(TestJournal.config(shared));
    }

    /** Workload commands 1..600, the story, then 601..1000; returns the last seq. */
    static long writeStory(final JournalConfig config) throws Exception
    {
        final Workload workload = new Workload(41);
        TestJournal.runWorkload(config, workload, 1, 600);
        final long base = Workload.time(601);
        TestJournal.run(config, session ->
        {
            session.submit(base, c ->
            {
                c.type = CommandType.ANNOUNCE_INCOMING;
                c.key = "k-po";
                c.reference = "PO-T1";
                c.sku = SKU;
                c.location = "WH1";
                c.quantity = 10;
                c.amount = 2_500_000;
                c.time = base + 86_400_000L;
            });
            session.submit(base + 1, c ->
            {
                c.type = CommandType.RECEIVE;
                c.key = "k-receive";
                c.reference = "PO-T1";
                c.sku = SKU;
                c.location = "WH1";
                c.quantity = 10;
                c.amount = 2_500_000;
            });
            session.submit(base + 2, c ->
            {
                c.type = CommandType.RECEIVE;
                c.key = "k-receive-2";
                c.sku = SKU;
                c.location = "WH2";
                c.quantity = 5;
                c.amount = 2_600_000;
            });
            session.submit(base + 3, c ->
            {
                c.type = CommandType.RESERVE;
                c.orderId = ORDER;
                c.channel = "web";
                c.line(SKU, "WH1", 3).line("SKU-1", null, 1);
            });
            session.submit(base + 4, c ->
            {
                c.type = CommandType.PICK;
                c.orderId = ORDER;
            });
            session.submit(base + 5, c ->
            {
                c.type = CommandType.SHIP;
                c.orderId = ORDER;
            });
            session.submit(base + 6, c ->
            {
                c.type = CommandType.RETURN;
                c.orderId = ORDER;
                c.key = "k-return";
                c.flag = true;
                c.line(SKU, "WH1", 1);
            });
            session.submit(base + 7, c ->
            {
                c.type = CommandType.SALE;
                c.key = "k-sale";
                c.channel = "pos";
                c.location = "WH1";
                c.line(SKU, null, 2);
            });
            session.submit(base + 8, c ->
            {
                c.type = CommandType.TRANSFER_OUT;
                c.key = "k-transfer";
                c.reference = "TR-T1";
                c.sku = SKU;
                c.location = "WH2";
                c.location2 = "WH1";
                c.quantity = 2;
            });
            session.submit(base + 9, c ->
            {
                c.type = CommandType.TRANSFER_IN;
                c.key = "k-transfer-in";
                c.reference = "TR-T1";
            });
            session.submit(base + 10, c ->
            {
                c.type = CommandType.RECEIVE;
                c.key = "k-receive-part";
                c.sku = PART;
                c.location = "WH1";
                c.quantity = 5;
                c.amount = 1_000_000;
            });
            session.submit(base + 11, c ->
            {
                c.type = CommandType.DEFINE_KIT;
                c.key = "k-kit";
                c.sku = KIT;
                c.line(SKU, null, 1).line(PART, null, 2);
            });
            // One kit and one SKU on its own in one sale: the trace of the SKU shows both, the kit's with its sale.
            session.submit(base + 12, c ->
            {
                c.type = CommandType.SALE;
                c.key = "k-kit-sale";
                c.channel = "pos";
                c.location = "WH1";
                c.line(KIT, null, 1).line(SKU, null, 1);
            });
        });
        return TestJournal.runWorkload(config, workload, 601, 1_000);
    }

    private static String dataDir()
    {
        return shared.toString();
    }

    @Test
    void shouldTraceAnOrderFromReservationThroughPickAndShipToReturn()
    {
        final ToolRun run = ToolRun.of("trace", "--order", ORDER, "--data-dir", dataDir());
        assertEquals(0, run.exit(), run.toString());
        final List<String> types = run.types();
        final List<Long> seqs = run.seqs();
        assertInOrder(run, types, "order_reserved", "order_line", "line_picked", "line_shipped", "line_returned");
        for (int i = 1; i < seqs.size(); i++)
        {
            assertTrue(seqs.get(i) > seqs.get(i - 1), "in seq order: " + run);
        }
        for (final String line : run.lines())
        {
            assertTrue(line.contains("\"order_id\":\"" + ORDER + "\"") || line.contains("\"type\":\"key_bound\""),
                "only the order's events and the keys its commands bound: " + line);
            if (line.contains("\"type\":\"line_"))
            {
                assertTrue(line.contains("\"line_sku\":\"" + SKU + "\"") || line.contains("\"line_sku\":\"SKU-1\""),
                    "line events name their line's SKU: " + line);
            }
        }
        assertTrue(run.out().contains("\"key\":\"k-return\""), run.toString());
        assertTrue(run.err().contains("events for order " + ORDER), run.err());
    }

    @Test
    void shouldTraceASkuFromPurchaseOrderToSale()
    {
        final ToolRun all = ToolRun.of("trace", "--sku", SKU, "--data-dir", dataDir());
        assertEquals(0, all.exit(), all.toString());
        assertInOrder(all, all.types(), "symbol", "incoming_set", "received", "received", "order_reserved",
            "order_line", "line_picked", "line_shipped", "line_returned", "sold", "kit_defined", "kit_sold", "sold",
            "sold");
        assertFalse(all.out().contains("\"sku\":\"" + PART + "\",\"location\""), "the kit's other part is not " +
            "this SKU's: " + all);
        assertTrue(all.out().contains("\"location\":\"WH2\""), all.toString());
        assertFalse(all.out().contains("\"line_sku\":\"SKU-1\""), "the order's other line is not this SKU's");

        final ToolRun wh1 = ToolRun.of("trace", "--sku", SKU, "--location", "WH1", "--data-dir", dataDir());
        assertEquals(0, wh1.exit(), wh1.toString());
        assertFalse(wh1.out().contains("\"location\":\"WH2\""), wh1.toString());
        assertInOrder(wh1, wh1.types(), "incoming_set", "received", "order_reserved", "line_shipped", "sold");
    }

    /**
     * A kit's sale is traced under the kit with the sales of its components; under a component, with the kit sale
     * it was part of. The journal says so itself: the kit's `sold` events carry no kit.
     */
    @Test
    void shouldTraceAKitSaleUnderTheKitAndUnderItsComponents()
    {
        final ToolRun kit = ToolRun.of("trace", "--sku", KIT, "--data-dir", dataDir());
        assertEquals(0, kit.exit(), kit.toString());
        final List<String> sale = kit.types().subList(kit.types().indexOf("kit_sold"), kit.types().size());
        assertEquals(List.of("kit_sold", "sold", "sold", "key_bound"), sale, kit.toString());
        final List<String> lines = kit.lines();
        final int at = kit.types().indexOf("kit_sold");
        assertTrue(lines.get(at).contains("\"sku\":\"" + KIT + "\"") && lines.get(at).contains("\"components\":2") &&
            lines.get(at).contains("\"quantity\":1"), lines.get(at));
        assertTrue(lines.get(at + 1).contains("\"sku\":\"" + SKU + "\"") && lines.get(at + 1).contains("\"quantity\":1"),
            lines.get(at + 1));
        assertTrue(lines.get(at + 2).contains("\"sku\":\"" + PART + "\"") && lines.get(at + 2).contains("\"quantity\":2"),
            lines.get(at + 2));
        assertFalse(kit.seqs().contains(kit.seqs().get(at) + 3), "the SKU sold on its own in the same sale is not " +
            "the kit's: " + kit);

        final ToolRun part = ToolRun.of("trace", "--sku", PART, "--data-dir", dataDir());
        assertEquals(0, part.exit(), part.toString());
        assertEquals(List.of("symbol", "received", "key_bound", "kit_defined", "key_bound", "kit_sold", "sold",
            "key_bound"), part.types(), part.toString());
        final List<Long> seqs = part.seqs();
        assertEquals(seqs.get(5) + 2, seqs.get(6), "the kit sale, then the part's own sale after the SKU's: " + part);
    }

    /**
     * A channel's fence on the SKU is traced, and so is every later configuration of that channel, which replaces
     * its fences: one followed by no fence of the SKU is where the fence ended (a tester's trace showed a fence set and
     * never its end, and a cancel after it that did not restore it).
     */
    @Test
    void shouldTraceTheConfigurationThatEndsAFenceOfTheSku() throws Exception
    {
        final JournalConfig config = TestJournal.config(own);
        final long base = Workload.time(1);
        TestJournal.run(config, session ->
        {
            session.submit(base, c -> receipt(c, "k-fence-receipt", "FENCED", 10));
            session.submit(base + 1, c -> fence(c, "mkt", 0, 5));
            session.submit(base + 2, c -> fence(c, "mkt", 1, 5));
            session.submit(base + 3, c -> fence(c, "web", 2, 0));
            session.submit(base + 4, c -> fence(c, "mkt", 1, 0));
            session.submit(base + 5, c -> fence(c, "mkt", 3, 0));
        });
        final ToolRun run = ToolRun.of("trace", "--sku", "FENCED", "--data-dir", own.toString());
        assertEquals(0, run.exit(), run.toString());
        assertEquals(List.of("symbol", "received", "key_bound", "fence_set", "channel_set", "fence_set",
            "channel_set"), run.types(), run.toString());
        final List<String> lines = run.lines();
        assertTrue(lines.get(4).contains("\"channel\":\"mkt\"") && lines.get(4).contains("\"buffer\":1"),
            lines.get(4));
        assertTrue(lines.get(6).contains("\"channel\":\"mkt\"") && lines.get(6).contains("\"buffer\":1"),
            "the configuration that dropped the fence: " + lines.get(6));
        final ToolRun elsewhere = ToolRun.of("trace", "--sku", "FENCED", "--location", "WH2", "--data-dir",
            own.toString());
        assertFalse(elsewhere.types().contains("channel_set"), "no fence at WH2: " + elsewhere);
    }

    /** A receipt of {@code quantity} units of {@code sku} at WH1, at a unit cost of 1. */
    private static void receipt(final Command c, final String key, final String sku, final long quantity)
    {
        c.type = CommandType.RECEIVE;
        c.key = key;
        c.sku = sku;
        c.location = "WH1";
        c.quantity = quantity;
        c.amount = 1_000_000;
    }

    /** Configures {@code channel} with {@code buffer}, fencing {@code fence} units of FENCED at WH1 when above 0. */
    private static void fence(final Command c, final String channel, final long buffer, final long fence)
    {
        c.type = CommandType.CONFIGURE_CHANNEL;
        c.channel = channel;
        c.quantity = buffer;
        c.quantity2 = 0;
        if (fence > 0)
        {
            c.line("FENCED", "WH1", fence);
        }
    }

    /** A purchase order's chain (announced, received) and a transfer's (shipped, received), each on its own. */
    @Test
    void shouldTraceAPurchaseOrderAndATransfer()
    {
        final ToolRun po = ToolRun.of("trace", "--purchase-order", "PO-T1", "--data-dir", dataDir());
        assertEquals(0, po.exit(), po.toString());
        assertEquals(List.of("incoming_set", "key_bound", "received", "key_bound"), po.types(), po.toString());
        assertTrue(po.out().contains("\"key\":\"k-receive\"") && !po.out().contains("k-receive-2"),
            "the receipt without the purchase order is not in its chain: " + po);
        assertTrue(po.err().contains("events for purchase order PO-T1"), po.err());

        final ToolRun transfer = ToolRun.of("trace", "--transfer", "TR-T1", "--data-dir", dataDir());
        assertEquals(0, transfer.exit(), transfer.toString());
        assertEquals(List.of("transfer_shipped", "key_bound", "transfer_received", "key_bound"), transfer.types(),
            transfer.toString());

        final ToolRun none = ToolRun.of("trace", "--transfer", "TR-NONE", "--data-dir", dataDir());
        assertEquals(1, none.exit(), none.toString());
        assertTrue(none.err().contains("no events for transfer TR-NONE"), none.toString());
        final ToolRun both = ToolRun.of("trace", "--transfer", "TR-T1", "--order", ORDER, "--data-dir", dataDir());
        assertEquals(2, both.exit(), both.toString());
    }

    @Test
    void shouldSayWhenATraceFindsNothing()
    {
        final ToolRun run = ToolRun.of("trace", "--order", "no-such-order", "--data-dir", dataDir());
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.err().contains("no events for order no-such-order"), run.toString());
        // A SKU at a location it never was at: its name alone is no event there (a finance tester got exit 0).
        final ToolRun nowhere = ToolRun.of("trace", "--sku", SKU, "--location", "NOWHERE", "--data-dir", dataDir());
        assertEquals(1, nowhere.exit(), nowhere.toString());
        assertTrue(nowhere.err().contains("no events for SKU " + SKU + " at NOWHERE in ") &&
            nowhere.err().contains("(no location NOWHERE is named in the journal)"), nowhere.toString());
        final ToolRun elsewhere = ToolRun.of("trace", "--sku", SKU, "--location", "STORE-7", "--data-dir", dataDir());
        assertEquals(1, elsewhere.exit(), elsewhere.toString());
        assertTrue(elsewhere.err().contains("no events for SKU " + SKU + " at STORE-7 in ") &&
            !elsewhere.err().contains("is named in the journal"), elsewhere.toString());
    }

    @Test
    void shouldNotTraceTheKeyOfAnUnrelatedCommandThatRanAnOrdersExpiry() throws Exception
    {
        final JournalConfig config = TestJournal.config(own);
        final long base = Workload.BASE_TIME;
        TestJournal.run(config, session ->
        {
            session.submit(base, c -> receipt(c, "k-stock", "TTL-SKU", 5));
            session.submit(base + 1, c ->
            {
                c.type = CommandType.RESERVE;
                c.orderId = "order-ttl";
                c.channel = "web";
                c.time = 1_000;
                c.line("TTL-SKU", "WH1", 2);
            });
            session.submit(base + 5_000, c ->
            {
                c.type = CommandType.RECEIVE;
                c.key = "k-unrelated";
                c.sku = "OTHER-SKU";
                c.location = "WH2";
                c.quantity = 1;
                c.amount = 1_000_000;
            });
            // A keyed cancel of the expired order: its own event repeats EXPIRED, and binds its key.
            session.submit(base + 6_000, c ->
            {
                c.type = CommandType.CANCEL;
                c.orderId = "order-ttl";
                c.key = "k-late-cancel";
            });
            session.submit(base + 7_000, c ->
            {
                c.type = CommandType.RESERVE;
                c.orderId = "order-ttl-2";
                c.channel = "web";
                c.time = 1_000;
                c.line("TTL-SKU", "WH1", 1);
            });
            // This one runs the expiry itself, then finds the order expired.
            session.submit(base + 9_000, c ->
            {
                c.type = CommandType.CANCEL;
                c.orderId = "order-ttl-2";
                c.key = "k-expiring-cancel";
            });
        });

        final ToolRun order = ToolRun.of("trace", "--order", "order-ttl", "--data-dir", own.toString());
        assertEquals(0, order.exit(), order.toString());
        assertInOrder(order, order.types(), "order_reserved", "order_line", "line_released", "order_status");
        assertTrue(order.out().contains("\"cause\":\"expire\"") && order.out().contains("\"status\":\"EXPIRED\""),
            order.toString());
        assertFalse(order.out().contains("k-unrelated"),
            "the RECEIVE that ran the expiry did nothing to the order: " + order);
        assertTrue(order.out().contains("\"key\":\"k-late-cancel\""), "a keyed action on the expired order is " +
            "the order's: " + order);
        final ToolRun second = ToolRun.of("trace", "--order", "order-ttl-2", "--data-dir", own.toString());
        assertEquals(List.of("order_reserved", "order_line", "line_released", "order_status", "order_status",
            "key_bound"), second.types(), second.toString());
        assertTrue(second.out().contains("\"key\":\"k-expiring-cancel\""), second.toString());

        final ToolRun sku = ToolRun.of("trace", "--sku", "TTL-SKU", "--data-dir", own.toString());
        assertEquals(0, sku.exit(), sku.toString());
        assertInOrder(sku, sku.types(), "received", "key_bound", "order_reserved", "line_released", "order_status");
        assertTrue(sku.out().contains("\"key\":\"k-stock\""), "a command's own work binds its key: " + sku);
        assertFalse(sku.out().contains("k-unrelated"), "nor is it the SKU's: " + sku);

        // At another location the SKU's name is shown, but the command that named it worked at WH1.
        final ToolRun elsewhere = ToolRun.of("trace", "--sku", "TTL-SKU", "--location", "WH2", "--data-dir",
            own.toString());
        assertTrue(elsewhere.out().contains("\"type\":\"symbol\""), elsewhere.toString());
        assertFalse(elsewhere.out().contains("k-stock"), "not this location's command: " + elsewhere);
    }

    private static void assertInOrder(final ToolRun run, final List<String> types, final String... expected)
    {
        int at = 0;
        for (final String type : types)
        {
            if (at < expected.length && type.equals(expected[at]))
            {
                at++;
            }
        }
        assertEquals(expected.length, at, "expected " + String.join(" -> ", expected) + " in order: " + run);
    }

    @Test
    void shouldTailTheLastTenEventsByDefault()
    {
        final ToolRun run = ToolRun.of("tail", "--data-dir", dataDir());
        assertEquals(0, run.exit(), run.toString());
        assertEquals(10, run.lines().size(), run.toString());
        assertEquals(lastSeq, run.seqs().get(9));
    }

    @Test
    void shouldTailFromTheStartAndFromASeqWithEveryNameResolved()
    {
        final ToolRun all = ToolRun.of("tail", "--from-start", "--data-dir", dataDir());
        assertEquals(0, all.exit(), all.toString());
        assertEquals(lastSeq, all.lines().size());
        assertEquals(1L, all.seqs().get(0));

        final long from = lastSeq - 200;
        final ToolRun late = ToolRun.of("tail", "--from-seq", Long.toString(from), "--data-dir", dataDir());
        assertEquals(0, late.exit(), late.toString());
        assertEquals(from, late.seqs().get(0));
        assertEquals(lastSeq - from + 1, late.lines().size());
        assertFalse(late.out().contains("\"#"), "symbols defined before the start point resolve: " + late);
        assertTrue(late.out().contains("\"sku\":\"SKU-"), late.toString());
    }

    /**
     * A window of engine time: the story's receipt up to (not including) its shipment, written as UTC and with an
     * offset. What tail prints, what trace prints and what stats counts are each the events of the whole journal
     * whose time falls in the window.
     */
    @Test
    void shouldTailTraceAndCountTheEventsOfAWindowOfEngineTime()
    {
        final long base = Workload.time(601);
        final Instant since = Instant.ofEpochMilli(base + 1);
        final Instant until = Instant.ofEpochMilli(base + 5);
        final ToolRun all = ToolRun.of("tail", "--from-start", "--data-dir", dataDir());
        final List<String> expected = inWindow(all.lines(), since, until);
        assertTrue(expected.size() > 5 && expected.size() < lastSeq / 10, "a window inside the journal: " + expected);

        final ToolRun window = ToolRun.of("tail", "--since", since.toString(), "--until", until.toString(),
            "--data-dir", dataDir());
        assertEquals(0, window.exit(), window.toString());
        assertEquals(expected, window.lines());
        final ToolRun offset = ToolRun.of("tail", "--since", OffsetDateTime.ofInstant(since, ZoneOffset.ofHours(-5))
            .toString(), "--until", OffsetDateTime.ofInstant(until, ZoneOffset.ofHours(2)).toString(), "--data-dir",
            dataDir());
        assertEquals(expected, offset.lines(), offset.toString());

        // Engine time is in milliseconds: a bound half a millisecond after an event leaves it before the window's
        // start, and inside a window that ends there.
        final Instant halfAfter = since.plusNanos(500_000);
        assertEquals(inWindow(all.lines(), since.plusMillis(1), until), ToolRun.of("tail", "--since",
            halfAfter.toString(), "--until", until.toString(), "--data-dir", dataDir()).lines());
        assertEquals(inWindow(all.lines(), Instant.EPOCH, since.plusMillis(1)), ToolRun.of("tail", "--from-start",
            "--until", halfAfter.toString(), "--data-dir", dataDir()).lines());

        final ToolRun lastBefore = ToolRun.of("tail", "-n", "3", "--until", until.toString(), "--data-dir", dataDir());
        assertEquals(expected.subList(expected.size() - 3, expected.size()), lastBefore.lines(), lastBefore.toString());
        final ToolRun fromStart = ToolRun.of("tail", "--from-start", "--until", since.toString(), "--data-dir",
            dataDir());
        assertEquals(inWindow(all.lines(), Instant.EPOCH, since), fromStart.lines());

        final ToolRun stats = ToolRun.of("stats", "--since", since.toString(), "--until", until.toString(),
            "--data-dir", dataDir());
        assertEquals(0, stats.exit(), stats.toString());
        final String total = stats.lines().stream().filter(l -> l.startsWith("total")).findFirst().orElseThrow();
        assertTrue(total.endsWith(" " + expected.size()), stats.toString());
        assertTrue(stats.out().contains("seqs " + window.seqs().get(0) + " to " + window.seqs().get(expected.size() - 1)
            + ": the events from " + since + " until " + until), "the window's seqs: " + stats);
        final ToolRun everything = ToolRun.of("stats", "--since", "2020-01-01", "--data-dir", dataDir());
        assertTrue(everything.lines().stream().anyMatch(l -> l.startsWith("total") && l.endsWith(" " + lastSeq)),
            everything.toString());

        final ToolRun trace = ToolRun.of("trace", "--sku", SKU, "--data-dir", dataDir());
        final ToolRun traceWindow = ToolRun.of("trace", "--sku", SKU, "--since", since.toString(), "--until",
            until.toString(), "--data-dir", dataDir());
        assertEquals(0, traceWindow.exit(), traceWindow.toString());
        final List<String> traced = inWindow(trace.lines(), since, until);
        assertTrue(traced.size() < trace.lines().size() && traced.stream().anyMatch(l -> l.contains("line_sku")),
            "a reservation's line in the window names its SKU: " + traced);
        assertEquals(traced, traceWindow.lines());

        final ToolRun nothing = ToolRun.of("trace", "--order", ORDER, "--until", since.toString(), "--data-dir",
            dataDir());
        assertEquals(1, nothing.exit(), nothing.toString());
        assertTrue(nothing.err().startsWith("trace: no events for order " + ORDER + " until " + since),
            nothing.toString());
        final ToolRun after = ToolRun.of("tail", "--since", "2100-01-01", "--data-dir", dataDir());
        assertEquals(0, after.exit(), after.toString());
        assertEquals(List.of(), after.lines());
        assertTrue(after.err().startsWith("tail: no events since 2100-01-01T00:00:00Z in the journal's seqs 1.." +
            lastSeq), after.toString());
    }

    /** The journal's events are all at about 08:00 UTC on one day, which is the evening before at -09:00. */
    @Test
    void shouldCountByDayAndReadDatesInTheZoneAsked()
    {
        final ToolRun utc = ToolRun.of("stats", "--data-dir", dataDir());
        final String day = utc.lines().get(0).trim().split("\\s+")[1];
        final String before = LocalDate.parse(day).minusDays(1).toString();
        final ToolRun west = ToolRun.of("stats", "--zone", "-09:00", "--data-dir", dataDir());
        assertEquals(0, west.exit(), west.toString());
        assertTrue(west.lines().get(0).matches("type\\s+" + before + "\\s+total"), "the day before: " + west);
        assertTrue(west.out().contains("days in -09:00"), west.toString());
        assertEquals(utc.lines().subList(1, utc.lines().size()), west.lines().subList(1, utc.lines().size()),
            "the same counts on another day");

        final ToolRun sinceDay = ToolRun.of("stats", "--since", day, "--zone", "-09:00", "--data-dir", dataDir());
        assertTrue(sinceDay.out().contains("no events since " + day + "T09:00:00Z"), sinceDay.toString());
        final ToolRun untilDay = ToolRun.of("tail", "--from-start", "--until", day, "--zone", "America/Anchorage",
            "--data-dir", dataDir());
        assertEquals(lastSeq, untilDay.lines().size(), "midnight in Anchorage is after 08:00 UTC: " + untilDay.err());
        final ToolRun badZone = ToolRun.of("stats", "--zone", "Mars/Olympus", "--data-dir", dataDir());
        assertEquals(2, badZone.exit(), badZone.toString());
        assertTrue(badZone.err().startsWith("--zone 'Mars/Olympus' is not a time zone"), badZone.toString());
    }

    private static List<String> inWindow(final List<String> lines, final Instant since, final Instant until)
    {
        final Pattern time = Pattern.compile("\"time\":\"([^\"]+)\"");
        return lines.stream().filter(line ->
        {
            final Matcher m = time.matcher(line);
            assertTrue(m.find(), line);
            final Instant t = Instant.parse(m.group(1));
            return !t.isBefore(since) && t.isBefore(until);
        }).collect(Collectors.toList());
    }

    @Test
    void shouldFollowNewEventsAsTheEngineWritesThem() throws Exception
    {
        final JournalConfig config = TestJournal.config(own);
        final Workload workload = new Workload(42);
        final long before = TestJournal.runWorkload(config, workload, 1, 100);
        final ToolRun[] result = new ToolRun[1];
        final StringWriter out = new StringWriter();
        final Thread tail = new Thread(() ->
        {
            final CommandLine tool = JournalTool.commandLine();
            tool.setOut(new PrintWriter(out, true));
            final int exit = tool.execute("tail", "--follow", "-n", "1", "--data-dir", own.toString());
            result[0] = new ToolRun(exit, out.toString(), "");
        });
        tail.start();
        awaitLine(out, before);
        final long after = TestJournal.runWorkload(config, workload, 101, 200);
        awaitLine(out, after);
        tail.interrupt();
        tail.join(10_000);
        assertFalse(tail.isAlive(), "an interrupt stops --follow");
        assertEquals(0, result[0].exit(), result[0].toString());
        assertEquals(before, result[0].seqs().get(0));
        assertEquals(after, result[0].seqs().get(result[0].seqs().size() - 1));
        assertEquals(after - before + 1, result[0].lines().size());
    }

    private static void awaitLine(final StringWriter out, final long seq) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (!out.toString().contains("{\"seq\":" + seq + ",") && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }
        assertTrue(out.toString().contains("{\"seq\":" + seq + ","), "tail printed seq " + seq + ": " + out);
    }

    @Test
    void shouldCountEventsByTypeAndDay() throws Exception
    {
        final Map<String, Long> expected = new HashMap<>();
        final JournalConfig config = TestJournal.config(shared);
        try (SingleChronicleQueue queue = Queues.open(config.journalDir(), config, true))
        {
            JournalRecovery.replay(queue, new AbstractEventSink()
            {
                @Override
                protected void onEvent(final int type, final long seq)
                {
                    expected.merge(EventType.name(type), 1L, Long::sum);
                }
            }, 0, -1, null);
        }
        final ToolRun run = ToolRun.of("stats", "--data-dir", dataDir());
        assertEquals(0, run.exit(), run.toString());
        final List<String> lines = run.lines();
        assertTrue(lines.get(0).matches("type\\s+\\d{4}-\\d{2}-\\d{2}\\s+total"), "one day of engine time: " + run);
        final Map<String, Long> counted = new HashMap<>();
        for (final String line : lines.subList(1, lines.size()))
        {
            final String[] cells = line.trim().split("\\s+");
            assertEquals(cells[1], cells[2], "one day: the day's count is the total: " + line);
            counted.put(cells[0], Long.parseLong(cells[2]));
        }
        assertEquals(lastSeq, counted.remove("total"));
        assertEquals(expected, counted);
    }

    @Test
    void shouldVerifyAGoodJournalAndFailOneWithBytesScribbledInTheMiddle() throws Exception
    {
        final JournalConfig config = TestJournal.config(own);
        final long last = TestJournal.runWorkload(config, new Workload(43), 1, 1_000);
        final ToolRun good = ToolRun.of("verify", "--data-dir", own.toString());
        assertEquals(0, good.exit(), good.toString());
        assertTrue(good.out().contains(String.format("seq 1..%,d", last)), good.toString());
        assertTrue(good.out().contains("result      OK"), good.toString());

        final List<long[]> excerpts = TestJournal.excerpts(config);
        final long[] middle = excerpts.get(excerpts.size() / 2);
        TestJournal.scribble(config, middle[0] + middle[1] / 2, 4);
        final ToolRun bad = ToolRun.of("verify", "--data-dir", own.toString());
        assertEquals(1, bad.exit(), bad.toString());
        assertTrue(bad.out().contains("corrupt in the middle"), bad.toString());
        assertTrue(bad.out().contains(Long.toHexString(middle[2])), "names the excerpt: " + bad);
        assertTrue(bad.out().contains("FAILED"), bad.toString());
    }

    @Test
    void shouldReportATornTailAsAProblem() throws Exception
    {
        final JournalConfig config = TestJournal.config(own);
        TestJournal.runWorkload(config, new Workload(44), 1, 300);
        TestJournal.asAfterACrash(config);
        final List<long[]> excerpts = TestJournal.excerpts(config);
        final long[] last = excerpts.get(excerpts.size() - 1);
        TestJournal.scribble(config, last[0] + last[1] - 6, 6);
        final ToolRun run = ToolRun.of("verify", "--data-dir", own.toString());
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("torn tail") && run.out().contains("voids them"), run.toString());
    }

    /**
     * What the engine refuses to void, verify calls damaged, not torn: a tail damaged after a clean stop, or one a
     * registered consumer has read past (a tester: verify said "voids them" where the engine refused to start).
     */
    @Test
    void shouldCallATailDamagedAfterACleanStopOrReadByAConsumerDamaged() throws Exception
    {
        final JournalConfig config = TestJournal.config(own);
        final long lastSeq = TestJournal.runWorkload(config, new Workload(48), 1, 300);
        final List<long[]> excerpts = TestJournal.excerpts(config);
        final long[] last = excerpts.get(excerpts.size() - 1);
        TestJournal.scribble(config, last[0] + last[1] - 6, 6);
        final ToolRun stopped = ToolRun.of("verify", "--data-dir", own.toString());
        assertEquals(1, stopped.exit(), stopped.toString());
        assertTrue(stopped.out().contains("damaged tail") && stopped.out().contains(String.format(
            "the engine stopped cleanly at seq %,d", lastSeq)) && stopped.out().contains("refuses to start") &&
            !stopped.out().contains("voids them"), stopped.toString());

        Files.writeString(config.dataDir().resolve(CleanStop.FILE), "garbage");
        final ToolRun unreadable = ToolRun.of("verify", "--data-dir", own.toString());
        assertEquals(1, unreadable.exit(), unreadable.toString());
        assertTrue(unreadable.out().contains(config.dataDir().resolve(CleanStop.FILE) + " does not read as 'seq " +
            "<n>'; ignored by the engine too"), unreadable.toString());

        Files.delete(config.dataDir().resolve(CleanStop.FILE));
        FilePositionStore.of(config, "ledger").store(new ReaderPosition(lastSeq, last[2]));
        final ToolRun read = ToolRun.of("verify", "--data-dir", own.toString());
        assertEquals(1, read.exit(), read.toString());
        assertTrue(read.out().contains("damaged tail") && read.out().contains(String.format(
            "consumer ledger has taken events up to seq %,d", lastSeq)) && read.out().contains("refuses to start") &&
            !read.out().contains("voids them"), read.toString());
    }

    /**
     * Reading a mapping past the end of a file faults the JVM: a cycle file cut short is named by every command
     * instead, and verify reports it as its problem.
     */
    @Test
    void shouldNameAJournalFileCutShortInsteadOfFaultingOnIt() throws Exception
    {
        final JournalConfig config = TestJournal.config(own);
        TestJournal.runWorkload(config, new Workload(47), 1, 300);
        final List<long[]> excerpts = TestJournal.excerpts(config);
        final long[] middle = excerpts.get(excerpts.size() / 2);
        final Path file;
        try (Stream<Path> files = Files.list(config.journalDir()))
        {
            file = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(middle[0] + 3);
        }
        final ToolRun verify = ToolRun.of("verify", "--data-dir", own.toString());
        assertEquals(1, verify.exit(), verify.toString());
        assertTrue(verify.out().contains("PROBLEM") && verify.out().contains("cut short") &&
            verify.out().contains(file.getFileName().toString()), verify.toString());
        for (final String command : new String[] { "stats", "tail", "trace" })
        {
            final ToolRun run = command.equals("trace") ?
                ToolRun.of(command, "--sku", "S-1", "--data-dir", own.toString()) :
                ToolRun.of(command, "--data-dir", own.toString());
            assertEquals(1, run.exit(), run.toString());
            assertTrue(run.err().contains("cut short"), run.toString());
        }
    }

    /** Cycle files without Chronicle's listing of them: named as such (not "no journal"), without the usage text. */
    @Test
    void shouldNameAJournalWhoseMetadataFileIsMissing() throws Exception
    {
        final JournalConfig config = TestJournal.config(own);
        TestJournal.runWorkload(config, new Workload(49), 1, 50);
        Files.delete(config.journalDir().resolve("metadata.cq4t"));
        final ToolRun run = ToolRun.of("verify", "--data-dir", own.toString());
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.err().contains("has its cycle files but not metadata.cq4t") && !run.err().contains("Usage"),
            run.toString());
    }

    /**
     * A reader that lists the files while the engine rolls to a new one can see that file at 0 bytes (Chronicle
     * creates it, then sizes it): not a file cut short. The engine, which nothing writes beside, still refuses one.
     */
    @Test
    void shouldTakeAnEmptyNewestFileForOneBeingCreated() throws Exception
    {
        final JournalConfig config = TestJournal.config(own);
        TestJournal.runWorkload(config, new Workload(48), 1, 100);
        final Path existing;
        try (Stream<Path> files = Files.list(config.journalDir()))
        {
            existing = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        // Sorts after the existing file's name, as the next cycle's does.
        final Path creating = existing.resolveSibling("~" + existing.getFileName());
        Files.createFile(creating);
        final ToolRun stats = ToolRun.of("stats", "--data-dir", own.toString());
        assertEquals(0, stats.exit(), stats.toString());
        Files.write(existing.resolveSibling("0" + existing.getFileName()), new byte[0]);
        final ToolRun older = ToolRun.of("stats", "--data-dir", own.toString());
        assertEquals(1, older.exit(), older.toString());
        assertTrue(older.err().contains("cut short") && older.err().contains("0" + existing.getFileName()),
            "an empty file before the newest was cut: " + older);
    }

    /**
     * A zeroed page in the middle reads as the end of the journal to a tailer; the queue's index still holds what
     * follows, so it is corruption, not a torn tail (which would lose every acknowledged event after it).
     */
    @Test
    void shouldReportAZeroedPageInTheMiddleAsCorruption() throws Exception
    {
        final JournalConfig config = TestJournal.config(own);
        TestJournal.runWorkload(config, new Workload(45), 1, 1_000);
        final List<long[]> excerpts = TestJournal.excerpts(config);
        TestJournal.zeroPage(config, excerpts.get(excerpts.size() / 3)[0]);
        final ToolRun run = ToolRun.of("verify", "--data-dir", own.toString());
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("corrupt in the middle"), run.toString());
        assertTrue(!run.out().contains("torn tail"), "one diagnosis, not two: " + run);
    }

    /**
     * A tailer stops in front of a zeroed header without seeing anything unreadable; the engine repairs it at start
     * (see {@code JournalRecoveryTest}), and until then verify says what it found and what the engine will do.
     */
    @Test
    void shouldReportAZeroedLastHeaderAndWhatTheEngineWillDoWithIt() throws Exception
    {
        final JournalConfig config = TestJournal.config(own);
        TestJournal.runWorkload(config, new Workload(47), 1, 300);
        TestJournal.asAfterACrash(config);
        final List<long[]> excerpts = TestJournal.excerpts(config);
        final long[] last = excerpts.get(excerpts.size() - 1);
        TestJournal.zero(config, last[0] - 4, 4);
        final ToolRun headerOnly = ToolRun.of("verify", "--data-dir", own.toString());
        assertEquals(1, headerOnly.exit(), headerOnly.toString());
        assertTrue(headerOnly.out().contains("damaged last header") &&
            headerOnly.out().contains("writes the header again"), headerOnly.toString());

        TestJournal.zero(config, last[0] - 4, 4 + (int)last[1]);
        final ToolRun lost = ToolRun.of("verify", "--data-dir", own.toString());
        assertEquals(1, lost.exit(), lost.toString());
        assertTrue(lost.out().contains("damaged last header") && lost.out().contains("voids it as a torn tail"),
            lost.toString());
    }

    /** A snapshot taken after the last excerpt says it was acknowledged: its damage is not a crash's torn write. */
    @Test
    void shouldNotCallADamagedAcknowledgedTailTorn() throws Exception
    {
        final JournalConfig config = TestJournal.config(own).snapshots(true);
        TestJournal.runWorkload(config, new Workload(46), 1, 300);
        TestJournal.asAfterACrash(config);
        final List<long[]> excerpts = TestJournal.excerpts(config);
        final long[] last = excerpts.get(excerpts.size() - 1);
        TestJournal.scribble(config, last[0] + last[1] - 6, 6);
        final ToolRun run = ToolRun.of("verify", "--data-dir", own.toString());
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("damaged tail") && run.out().contains("refuses to start"), run.toString());
    }

    @Test
    void shouldAnswerBadFlagsWithAMessageAndExitCode2() throws IOException
    {
        final ToolRun unknown = ToolRun.of("verify", "--bogus", "--data-dir", dataDir());
        assertEquals(2, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("Unknown option: '--bogus'"), unknown.toString());
        assertTrue(unknown.err().endsWith("Try 'journal-tool verify --help' for the options.\n"), unknown.toString());
        assertTrue(!unknown.err().contains("Usage:"), "the message, not the whole usage: " + unknown);
        final ToolRun misspelt = ToolRun.of("verify", "--data-dri", dataDir());
        assertEquals(2, misspelt.exit(), misspelt.toString());
        assertTrue(misspelt.err().contains("--data-dir"), "a suggestion for a misspelt flag: " + misspelt);

        final ToolRun both = ToolRun.of("tail", "--from-start", "--from-seq", "5", "--data-dir", dataDir());
        assertEquals(2, both.exit(), both.toString());
        assertTrue(both.err().contains("mutually exclusive"), both.toString());

        final ToolRun twoTargets = ToolRun.of("trace", "--sku", "A", "--order", "B", "--data-dir", dataDir());
        assertEquals(2, twoTargets.exit(), twoTargets.toString());
        assertTrue(twoTargets.err().startsWith("Error: --sku=SKU, --order=ORDER_ID are mutually exclusive"),
            twoTargets.toString());
        final ToolRun locationWithOrder = ToolRun.of("trace", "--order", "B", "--location", "L", "--data-dir",
            dataDir());
        assertEquals(2, locationWithOrder.exit(), locationWithOrder.toString());
        assertTrue(locationWithOrder.err().startsWith("--location narrows --sku; it cannot go with --order"),
            locationWithOrder.toString());

        final ToolRun notATime = ToolRun.of("stats", "--since", "yesterday", "--data-dir", dataDir());
        assertEquals(2, notATime.exit(), notATime.toString());
        assertTrue(notATime.err().contains("'yesterday' is not a time: give an RFC 3339 time with its offset"),
            notATime.toString());
        final ToolRun noOffset = ToolRun.of("trace", "--sku", SKU, "--since", "2026-11-20T14:00:00", "--data-dir",
            dataDir());
        assertEquals(2, noOffset.exit(), "a time without its offset is ambiguous: " + noOffset);
        final ToolRun backwards = ToolRun.of("tail", "--since", "2026-11-21", "--until", "2026-11-20", "--data-dir",
            dataDir());
        assertEquals(2, backwards.exit(), backwards.toString());
        assertTrue(backwards.err().startsWith("--until 2026-11-20T00:00:00Z is not after --since " +
            "2026-11-21T00:00:00Z"), backwards.toString());
        final ToolRun twoStarts = ToolRun.of("tail", "--since", "2026-11-21", "--from-seq", "5", "--data-dir",
            dataDir());
        assertEquals(2, twoStarts.exit(), twoStarts.toString());
        assertTrue(twoStarts.err().startsWith("--since is where tail starts"), twoStarts.toString());
        final ToolRun followUntil = ToolRun.of("tail", "--follow", "--until", "2026-11-21", "--data-dir", dataDir());
        assertEquals(2, followUntil.exit(), followUntil.toString());
        assertTrue(followUntil.err().startsWith("--until ends what tail prints"), followUntil.toString());

        final ToolRun notANumber = ToolRun.of("tail", "--from-seq", "abc", "--data-dir", dataDir());
        assertEquals(2, notANumber.exit(), notANumber.toString());
        assertTrue(notANumber.err().contains("'abc' is not a whole number"), "as the accounting tool says it: " +
            notANumber);

        final ToolRun pastEnd = ToolRun.of("tail", "--from-seq", Long.toString(lastSeq + 5), "--data-dir", dataDir());
        assertEquals(2, pastEnd.exit(), pastEnd.toString());
        assertTrue(pastEnd.err().contains("is not in the journal"), pastEnd.toString());

        final ToolRun locationAlone = ToolRun.of("trace", "--location", "WH1", "--data-dir", dataDir());
        assertEquals(2, locationAlone.exit(), locationAlone.toString());
        assertTrue(locationAlone.err().contains("--sku"), locationAlone.toString());

        final ToolRun noMode = ToolRun.of("prune", "--data-dir", dataDir());
        assertEquals(2, noMode.exit(), noMode.toString());
        assertTrue(noMode.err().contains("--dry-run") && noMode.err().contains("--yes"), noMode.toString());

        final ToolRun noCommand = ToolRun.of();
        assertEquals(2, noCommand.exit(), noCommand.toString());

        final Path missing = own.resolve("nowhere");
        final ToolRun noDir = ToolRun.of("stats", "--data-dir", missing.toString());
        assertEquals(2, noDir.exit(), noDir.toString());
        assertTrue(noDir.err().contains("does not exist: pass --data-dir with the engine's data directory"),
            noDir.toString());

        // The server refuses an empty --data-dir; a tool read it as the working directory.
        final ToolRun emptyDir = ToolRun.of("verify", "--data-dir", "");
        assertEquals(2, emptyDir.exit(), emptyDir.toString());
        assertTrue(emptyDir.err().contains("--data-dir") && emptyDir.err().contains("it is empty"),
            emptyDir.toString());

        Files.createDirectories(own.resolve("empty"));
        final ToolRun noJournal = ToolRun.of("verify", "--data-dir", own.resolve("empty").toString());
        assertEquals(2, noJournal.exit(), noJournal.toString());
        assertTrue(noJournal.err().contains("there is no journal in"), noJournal.toString());

        final Path file = Files.writeString(own.resolve("a-file"), "x");
        final ToolRun notDir = ToolRun.of("stats", "--data-dir", file.toString());
        assertEquals(2, notDir.exit(), notDir.toString());
        assertTrue(notDir.err().contains("is not a directory"), notDir.toString());

        final ToolRun emptySku = ToolRun.of("trace", "--sku", "", "--data-dir", dataDir());
        assertEquals(2, emptySku.exit(), emptySku.toString());
        assertTrue(emptySku.err().contains("--sku needs a value"), emptySku.toString());
        final ToolRun emptyOrder = ToolRun.of("trace", "--order", " ", "--data-dir", dataDir());
        assertEquals(2, emptyOrder.exit(), emptyOrder.toString());
        assertTrue(emptyOrder.err().contains("--order needs a value"), emptyOrder.toString());
    }
}
