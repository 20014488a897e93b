package io.stockengine.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.ResourceLeakDetector;
import io.stockengine.engine.Bucket;
import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EnginePipeline;
import io.stockengine.engine.OrderStatus;
import io.stockengine.engine.Reason;
import io.stockengine.engine.ResultCode;
import io.stockengine.gateway.GatewayConfig;
import io.stockengine.gateway.GatewayMetrics;
import io.stockengine.gateway.binary.LeakCheck;
import io.stockengine.gateway.binary.RowKind;

/** The client against the binary port of a real server socket and a real engine pipeline. */
@Timeout(120)
class StockClientEndToEndTest
{
    private static final long COST = 2_500_000;
    /** Reservations the throughput check keeps in flight: well under the ring, so none is refused as overloaded. */
    private static final int WINDOW = 8_192;

    private final GatewayConfig config = new GatewayConfig();
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final TestServer.GatedJournal journal = new TestServer.GatedJournal();
    private final Set<Integer> typesSeen = new TreeSet<>();
    private EnginePipeline pipeline;
    private TestServer server;
    private StockClient client;

    @BeforeAll
    static void watchLeaks()
    {
        LeakCheck.install();
    }

    @AfterAll
    static void noLeaks()
    {
        LeakCheck.assertNoLeaks();
    }

    private void start(final int ringSize, final StockClientBuilder builder) throws InterruptedException
    {
        pipeline = TestServer.pipeline(journal, ringSize);
        server = new TestServer(pipeline, config, metrics).start(0);
        client = builder.port(server.port()).reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(200)).connect();
    }

    /**
     * Waits until exactly {@code slots} slots of the ring are taken. A caller's answer comes in the reply callback, a
     * moment before the slot is given back, so an answered command can still count as in flight for a while.
     */
    private void awaitInFlight(final long slots, final String message) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pipeline.inFlight() != slots && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertEquals(slots, pipeline.inFlight(), message);
    }

    /** Waits until the client has seen its connection drop (a command issued after it is not written to it). */
    private void awaitDisconnected() throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client.isConnected() && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertFalse(client.isConnected(), "the client saw the server go");
    }

    private void awaitConnections(final long count) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((client.connections() < count || !client.isConnected()) && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertEquals(count, client.connections());
    }

    private void start() throws InterruptedException
    {
        start(1024, StockClient.builder().requestTimeout(Duration.ofSeconds(20)));
    }

    @AfterEach
    void stop()
    {
        journal.open();
        if (client != null)
        {
            client.close();
        }
        if (server != null)
        {
            server.close();
        }
        if (pipeline != null)
        {
            pipeline.close();
        }
    }

    private CommandResult get(final CompletableFuture<CommandResult> future) throws Exception
    {
        final CommandResult result = future.get(20, TimeUnit.SECONDS);
        typesSeen.add(result.type());
        return result;
    }

    private CommandResult ok(final CompletableFuture<CommandResult> future) throws Exception
    {
        final CommandResult result = get(future);
        assertEquals(ResultCode.OK, result.code(), result.toString());
        return result;
    }

    private void receive(final String sku, final String location, final long quantity) throws Exception
    {
        ok(client.receive("rcv-" + sku + "-" + location + "-" + quantity, sku, location, quantity, COST, null, false));
    }

    private long stock(final String sku, final String location, final int field) throws Exception
    {
        final CommandResult row = ok(client.queryStockAt(sku, location));
        return row.rowCount() == 0 ? 0 : row.value(0, field);
    }

    /**
     * Many clients on one shared loop: each works, closing one leaves the others and the caller's group running,
     * and the group's single thread carried them all.
     */
    @Test
    void shouldShareTheCallersEventLoopGroup() throws Exception
    {
        start();
        receive("S-1", "WH1", 100);
        final EventLoopGroup shared = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        final List<StockClient> clients = new ArrayList<>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                clients.add(StockClient.builder().port(server.port()).eventLoopGroup(shared).connect());
            }
            for (int i = 0; i < clients.size(); i++)
            {
                ok(clients.get(i).reserve("shared-" + i, "web", 0, Line.of("S-1", "WH1", 1)));
            }
            final java.util.concurrent.Future<?> expiry = clients.get(0).session().expiryTask();
            assertFalse(expiry.isCancelled());
            clients.get(0).close();
            assertFalse(shared.isShuttingDown(), "a client must not stop a group it does not own");
            assertTrue(expiry.isCancelled(), "its request-timeout task must not run on the caller's group for ever");
            ok(clients.get(1).reserve("shared-after-close", "web", 0, Line.of("S-1", "WH1", 1)));
            assertEquals(5, stock("S-1", "WH1", Command.STOCK_RESERVED));
        }
        finally
        {
            for (final StockClient c : clients)
            {
                c.close();
            }
            shared.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * A caller that stops its shared group under an open client: the futures waiting on that loop, and the request
     * timeout that would have ended them, are gone with it. They fail CLOSED, saying why (they waited for ever, even
     * after the client was closed: a tester).
     */
    @Test
    void shouldFailWhatIsPendingWhenTheCallerStopsTheSharedGroup() throws Exception
    {
        final int nobody;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            nobody = socket.getLocalPort();
        }
        final EventLoopGroup shared = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        final StockClient lone = StockClient.builder().port(nobody).eventLoopGroup(shared)
            .requestTimeout(Duration.ZERO).build();
        try
        {
            final CompletableFuture<CommandResult> waiting = lone.queryStock("X");
            shared.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).syncUninterruptibly();
            final ExecutionException failed = assertThrows(ExecutionException.class,
                () -> waiting.get(10, TimeUnit.SECONDS));
            final StockClientException cause = assertInstanceOf(StockClientException.class, failed.getCause());
            assertEquals(StockClientException.Kind.CLOSED, cause.kind());
            assertTrue(cause.getMessage().contains("event loop group given to the client was shut down"),
                cause.getMessage());
            final ExecutionException after = assertThrows(ExecutionException.class,
                () -> lone.queryStock("Y").get(10, TimeUnit.SECONDS));
            assertEquals(StockClientException.Kind.CLOSED, ((StockClientException)after.getCause()).kind());
        }
        finally
        {
            lone.close();
        }
        // Closed at once after the group stopped, maybe before the group's termination listeners ran (they run on
        // another thread): what was pending still fails, by the close or by the listener (a reviewer).
        for (int round = 0; round < 10; round++)
        {
            final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            final StockClient raced = StockClient.builder().port(nobody).eventLoopGroup(group)
                .requestTimeout(Duration.ZERO).build();
            final CompletableFuture<CommandResult> waiting = raced.queryStock("X");
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).syncUninterruptibly();
            raced.close();
            final ExecutionException failed = assertThrows(ExecutionException.class,
                () -> waiting.get(10, TimeUnit.SECONDS), "round " + round);
            assertEquals(StockClientException.Kind.CLOSED, ((StockClientException)failed.getCause()).kind());
        }
    }

    @Test
    void shouldReceiveReservePickAndShipAnOrder() throws Exception
    {
        start();
        receive("A-1", "WH1", 10);
        final CommandResult reserved = ok(client.reserve("o-1", "web", 900, Line.of("A-1", 4)));
        assertEquals(OrderStatus.RESERVED, reserved.status());
        assertEquals(RowKind.ORDER_LINES, reserved.rowKind());
        assertEquals("A-1", reserved.rowSku(0));
        assertEquals("WH1", reserved.rowLocation(0), "sourced by the engine");
        assertEquals(4, reserved.value(0, Command.LINE_RESERVED));
        assertEquals("web", reserved.name());
        assertTrue(reserved.outTime() > 0, "expires");
        assertTrue(reserved.seq() > 0);

        final CommandResult picked = ok(client.pick("o-1"));
        assertEquals(OrderStatus.PICKED, picked.status());
        assertEquals(4, picked.value(0, Command.LINE_PICKED));
        final CommandResult shipped = ok(client.ship("o-1"));
        assertEquals(OrderStatus.SHIPPED, shipped.status());
        assertEquals(4, shipped.value(0, Command.LINE_SHIPPED));
        assertTrue(shipped.seq() > picked.seq() && picked.seq() > reserved.seq());

        final CommandResult stock = ok(client.queryStock("A-1"));
        assertEquals(RowKind.STOCK, stock.rowKind());
        assertEquals(6, stock.stockTotal(Command.STOCK_ON_HAND));
        assertEquals(0, stock.stockTotal(Command.STOCK_COMMITTED));
        assertEquals(OrderStatus.SHIPPED, ok(client.queryOrder("o-1")).status());
    }

    @Test
    void shouldRefuseAReservationWithShortfallRows() throws Exception
    {
        start();
        receive("A-1", "WH1", 3);
        final CommandResult refused = get(client.reserve("o-2", "web", 0, Line.of("A-1", 5),
            Line.of("B-2", "WH1", 1)));
        assertEquals(ResultCode.INSUFFICIENT_STOCK, refused.code());
        assertEquals(0, refused.seq());
        assertEquals(RowKind.SHORTFALL, refused.rowKind());
        assertEquals(2, refused.rowCount());
        assertEquals("A-1", refused.rowSku(0));
        assertNull(refused.rowLocation(0), "an unlocated line the engine could not source");
        assertEquals(0, refused.value(0, Command.SHORTFALL_LINE));
        assertEquals(5, refused.value(0, Command.SHORTFALL_REQUESTED));
        assertEquals(3, refused.value(0, Command.SHORTFALL_AVAILABLE));
        assertEquals("B-2", refused.rowSku(1));
        assertEquals("WH1", refused.rowLocation(1));
        assertEquals(1, refused.value(1, Command.SHORTFALL_LINE));
        assertEquals(0, refused.value(1, Command.SHORTFALL_AVAILABLE));
        assertEquals(ResultCode.NOT_FOUND, get(client.queryOrder("o-2")).code(), "a refusal leaves no order");
        assertEquals(3, stock("A-1", "WH1", Command.STOCK_SELLABLE));
    }

    @Test
    void shouldReplayAnIdempotentRetryWithTheSameSeq() throws Exception
    {
        start();
        final CommandResult first = ok(client.receive("k-1", "A-1", "WH1", 5, COST, null, false));
        final CommandResult retry = ok(client.receive("k-1", "A-1", "WH1", 5, COST, null, false));
        assertFalse(first.replayed());
        assertTrue(retry.replayed());
        assertEquals(first.seq(), retry.seq());
        assertEquals(5, stock("A-1", "WH1", Command.STOCK_ON_HAND), "applied once");

        final CommandResult order = ok(client.reserve("o-3", "web", 0, Line.of("A-1", 2)));
        final CommandResult again = ok(client.reserve("o-3", "web", 0, Line.of("A-1", 2)));
        assertTrue(again.replayed());
        assertEquals(order.seq(), again.seq());
        assertEquals(2, stock("A-1", "WH1", Command.STOCK_RESERVED));
    }

    @Test
    void shouldRefuseAConflictingReuseOfAKeyOrOrderId() throws Exception
    {
        start();
        ok(client.receive("k-2", "A-1", "WH1", 5, COST, null, false));
        final CommandResult keyConflict = get(client.receive("k-2", "A-1", "WH1", 6, COST, null, false));
        assertEquals(ResultCode.IDEMPOTENCY_CONFLICT, keyConflict.code());
        assertEquals("Idempotency-Key", keyConflict.field(), "named as HTTP's 422 names it");
        ok(client.reserve("o-4", "web", 0, Line.of("A-1", 1)));
        final CommandResult orderConflict = get(client.reserve("o-4", "web", 0, Line.of("A-1", 2)));
        assertEquals(ResultCode.IDEMPOTENCY_CONFLICT, orderConflict.code());
        assertEquals("order_id", orderConflict.field());
        assertEquals(5, stock("A-1", "WH1", Command.STOCK_ON_HAND));
    }

    @Test
    void shouldRefuseInvalidInputNamingTheFieldAndStayUsable() throws Exception
    {
        start();
        final CommandResult spaced = get(client.receive("k-3", "A 1", "WH1", 5, COST, null, false));
        assertEquals(ResultCode.INVALID_REQUEST, spaced.code());
        assertEquals("sku", spaced.field());
        final CommandResult missingKey = get(client.receive(null, "A-1", "WH1", 5, COST, null, false));
        assertEquals("Idempotency-Key", missingKey.field());
        final CommandResult tooLong = get(client.queryStock("S".repeat(300)));
        assertEquals(ResultCode.INVALID_REQUEST, tooLong.code(), "refused by the client: the layout cannot carry it");
        assertEquals("sku", tooLong.field());
        final CommandResult lines = get(client.reserve("o-5", "web", 0, Line.of("A-1", 0)));
        assertEquals("lines[0].quantity", lines.field());
        // Refused by the client itself, under the names the server (and HTTP) gives the same fields.
        assertEquals("lines[1]", get(client.reserve("o-6", "web", 0, Line.of("A-1", 1), null)).field());
        assertEquals("allocations[0]", get(client.configureChannel(null, "web", 0, List.of("WH1"),
            java.util.Arrays.asList((Line)null))).field());
        assertEquals("components[0]", get(client.defineKit(null, "KIT-1", (Line)null)).field());
        // The wire has no empty string: an empty location went out as none (sourced by the engine) and an empty key
        // as no key, where HTTP refuses both.
        receive("E-1", "WH1", 5);
        final CommandResult emptyLocation = get(client.reserve("o-e", "web", 0, Line.of("E-1", "", 1)));
        assertEquals(ResultCode.INVALID_REQUEST, emptyLocation.code());
        assertEquals("lines[0].location", emptyLocation.field());
        assertEquals(ResultCode.NOT_FOUND, get(client.queryOrder("o-e")).code(), "nothing reserved");
        assertEquals("Idempotency-Key", get(client.pick("o-e", "")).field());
        assertEquals("sku", get(client.queryStock("")).field());
        final String[] tooMany = new String[70_000];
        java.util.Arrays.fill(tooMany, "A-1");
        assertEquals("sku", get(client.queryAvailability("web", tooMany)).field(), "too many SKUs, named as HTTP does");
        final Line[] tooManyLines = new Line[70_000];
        java.util.Arrays.fill(tooManyLines, Line.of("A-1", 1));
        assertEquals("components", get(client.defineKit(null, "KIT-1", tooManyLines)).field());
        // An answer of more location rows than the limit, which a repeated SKU reaches: refused as over HTTP.
        for (int i = 0; i < 11; i++)
        {
            receive("W-1", "WIDE-" + i, 1);
        }
        final String[] repeated = new String[Command.MAX_AVAILABILITY_ROWS / 11 + 1];
        java.util.Arrays.fill(repeated, "W-1");
        final CommandResult wide = get(client.queryAvailability("web", repeated));
        assertEquals(ResultCode.INVALID_REQUEST, wide.code());
        assertEquals("sku", wide.field());
        assertEquals(0, wide.rowCount());
        ok(client.queryStock("A-1"));
        assertEquals(1, client.connections(), "refusals do not cost the connection");
        assertEquals(0, metrics.binaryProtocolErrors.get());
    }

    @Test
    void shouldServeEveryCommandType() throws Exception
    {
        start();
        final long now = System.currentTimeMillis();
        ok(client.configureChannel(null, "web", 1, List.of("WH1", "WH2"), List.of(Line.of("A-1", "WH1", 2))));
        final CommandResult policy = ok(client.queryChannel("web"));
        assertEquals(1, policy.outTime(), "buffer");
        assertEquals(2, policy.status(), "sourcing locations");
        assertNull(policy.statusName(), "a location count is no order status");
        assertEquals(3, policy.rowCount());
        assertNull(policy.rowSku(0));
        assertEquals("WH2", policy.rowLocation(1));
        assertEquals("A-1", policy.rowSku(2));
        assertEquals(2, policy.value(2, CommandResult.CHANNEL_UNUSED), "unused fence");
        assertEquals(3, policy.itemCount(), "one item per row");
        assertEquals(0, policy.itemTotal(1), "a location row's");
        assertEquals(2, policy.itemTotal(2), "the fence's quantity");

        receive("A-1", "WH1", 10);
        receive("A-1", "WH2", 5);
        ok(client.setSafetyStock(null, "A-1", "WH1", 1));
        final CommandResult available = ok(client.queryAvailability("web", "A-1", "Z-9"));
        assertEquals(RowKind.AVAILABILITY, available.rowKind());
        assertEquals(2, available.itemCount());
        assertEquals(8 + 4, available.itemTotal(0), "10 - safety 1 - buffer 1 at WH1, 5 - buffer 1 at WH2");
        assertEquals(0, available.itemTotal(1));
        ok(client.announceIncoming("in-1", "po-1", "A-1", "WH2", 7, now + 86_400_000L, COST));
        assertEquals(19, ok(client.queryAvailabilityAt("web", now + 2 * 86_400_000L, "A-1")).itemTotal(0));
        assertEquals(7, ok(client.queryStock("A-1")).stockTotal(Command.STOCK_INCOMING));

        ok(client.defineKit(null, "KIT-1", Line.of("A-1", 2), Line.of("B-2", 1)));
        final CommandResult kit = ok(client.queryKit("KIT-1"));
        assertEquals(RowKind.KIT, kit.rowKind());
        assertEquals(2, kit.rowCount());
        assertEquals("A-1", kit.rowSku(0));
        assertEquals(2, kit.value(0, CommandResult.KIT_UNITS));
        assertEquals("B-2", kit.rowSku(1));
        assertEquals(1, kit.value(1, CommandResult.KIT_UNITS));
        assertEquals(ResultCode.NOT_FOUND, get(client.queryKit("A-1")).code(), "a component is no kit");
        receive("B-2", "WH1", 5);
        ok(client.sale("sale-1", "web", "WH1", Line.of("KIT-1", 1)));
        assertEquals(8, stock("A-1", "WH1", Command.STOCK_SELLABLE));
        assertEquals(4, stock("B-2", "WH1", Command.STOCK_SELLABLE));

        ok(client.receive("rcv-C", "C-3", "WH1", 4, COST, null, true));
        ok(client.inspect("insp-1", "C-3", "WH1", 3, 1));
        assertEquals(1, stock("C-3", "WH1", Command.STOCK_DAMAGED));
        ok(client.move("mv-1", "C-3", "WH1", 1, Bucket.DAMAGED, Bucket.QUALITY_CONTROL, Reason.REGRADE));
        ok(client.adjust("adj-1", "C-3", "WH1", -1, Bucket.SELLABLE, Reason.LOST));
        assertEquals(2, stock("C-3", "WH1", Command.STOCK_SELLABLE));
        final CommandResult counted = ok(client.count("cnt-1", "C-3", "WH1", 5));
        assertEquals(RowKind.NONE, counted.rowKind(), "no row kind a client built before counts would not know");
        assertEquals(2, counted.outTime(), "sellable before the count: it found 3 more than the books had");
        final CommandResult retried = ok(client.count("cnt-1", "C-3", "WH1", 5));
        assertTrue(retried.replayed());
        assertEquals(2, retried.outTime(), "a retry answers what the count found, not sellable now");
        final CommandResult stale = get(client.count("cnt-2", "C-3", "WH1", 6, 4));
        assertEquals(ResultCode.INVALID_TRANSITION, stale.code(), "a count whose expected value is stale");
        assertEquals(5, stale.outTime(), "sellable now, to count against again");

        final CommandResult out = ok(client.transferOut("tr-1", "t-1", "C-3", "WH1", "WH2", 2));
        assertEquals(RowKind.TRANSFER, out.rowKind());
        assertEquals("C-3", out.name());
        assertEquals("WH1", out.name2());
        assertEquals("WH2", out.name3());
        assertEquals(2, out.value(0, CommandResult.TRANSFER_IN_TRANSIT));
        assertEquals(2, ok(client.transferIn("tr-2", "t-1", 0, false)).value(0, CommandResult.TRANSFER_RECEIVED));
        final CommandResult nothingLeft = get(client.transferIn("tr-3", "t-1", 0, false));
        assertEquals(ResultCode.INVALID_TRANSITION, nothingLeft.code());
        assertEquals(RowKind.TRANSFER, nothingLeft.rowKind(), "a refused transfer receipt still shows it");
        assertNull(nothingLeft.field(), "all that is left, asked of nothing left: no quantity to name");
        final CommandResult tooMany = get(client.transferIn("tr-4", "t-1", 1, false));
        assertEquals(ResultCode.INVALID_TRANSITION, tooMany.code());
        assertEquals("quantity", tooMany.field(), "as HTTP's 409 names it");
        final CommandResult reused = get(client.transferOut("tr-5", "t-1", "C-3", "WH1", "WH2", 1));
        assertEquals(ResultCode.INVALID_TRANSITION, reused.code());
        assertEquals("transfer_id", reused.field(), "a transfer id used before, as HTTP's 409 names it");
        assertEquals(2, ok(client.queryTransfer("t-1")).value(0, CommandResult.TRANSFER_QUANTITY));

        ok(client.reserve("o-9", "web", 0, Line.of("A-1", "WH1", 1)));
        ok(client.ship("o-9"));
        final CommandResult returned = ok(client.returnLines("o-9", "ret-1", true, Line.of("A-1", "WH1", 1)));
        assertEquals(1, returned.value(0, Command.LINE_RETURNED));
        ok(client.reserve("o-10", "web", 60, Line.of("A-1", 1)));
        assertEquals(OrderStatus.CANCELLED, ok(client.cancel("o-10")).status());
        ok(client.reserve("o-11", "web", 0, Line.of("A-1", "WH1", 3)));
        assertEquals(OrderStatus.PARTIALLY_PICKED, ok(client.pick("o-11", "p-1", Line.of("A-1", 1))).status());
        assertEquals(OrderStatus.PARTIALLY_SHIPPED, ok(client.ship("o-11", "s-1", Line.of("A-1", 1))).status());
        final CommandResult rest = ok(client.cancel("o-11", "c-1", Line.of("A-1", 2)));
        assertEquals(OrderStatus.SHIPPED, rest.status(), "cancelling the rest of a partly shipped order");
        assertEquals("SHIPPED", rest.statusName());
        assertEquals(2, rest.value(0, Command.LINE_CANCELLED));
        assertEquals(OrderStatus.SHIPPED, ok(client.queryOrder("o-11")).status());

        for (int type = CommandType.RESERVE; type < CommandType.COUNT_OF_TYPES; type++)
        {
            assertTrue(typesSeen.contains(type), "not exercised: " + CommandType.name(type));
        }
    }

    @Test
    void shouldAnswerOverloadedAndApplyNothingWhenTheRingIsFull() throws Exception
    {
        start(8, StockClient.builder());
        journal.close();
        final List<CompletableFuture<CommandResult>> futures = new ArrayList<>();
        for (int i = 0; i < 64; i++)
        {
            futures.add(client.receive("ov-" + i, "OV-" + i, "WH1", 1, COST, null, false));
        }
        final CommandResult last = futures.get(63).get(10, TimeUnit.SECONDS);
        assertEquals(ResultCode.OVERLOADED, last.code(), "answered at once while the ring is stuck");
        journal.open();
        int accepted = 0;
        final List<String> refused = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++)
        {
            final CommandResult result = get(futures.get(i));
            if (result.code() == ResultCode.OK)
            {
                accepted++;
            }
            else
            {
                assertEquals(ResultCode.OVERLOADED, result.code());
                refused.add("OV-" + i);
            }
        }
        assertTrue(accepted >= 1 && accepted <= 8, "at most a ring's worth accepted: " + accepted);
        assertEquals(64 - accepted, metrics.overloaded.get());
        for (final String sku : refused)
        {
            assertEquals(0, ok(client.queryStock(sku)).rowCount(), "nothing applied for " + sku);
        }
    }

    /** A keyless movement, which is not resent and fails as CONNECTION_LOST: {@code StockClientRawServerTest}. */
    @Test
    void shouldResendSafeCommandsAfterTheServerRestarts() throws Exception
    {
        start();
        receive("A-1", "WH1", 10);
        awaitInFlight(0, "the ring is empty before the journal is held");
        journal.close();
        final CompletableFuture<CommandResult> keyed = client.receive("k-r", "A-1", "WH1", 5, COST, null, false);
        final CompletableFuture<CommandResult> order = client.reserve("o-r", "web", 0, Line.of("A-1", 2));
        final CompletableFuture<CommandResult> query = client.queryStock("A-1");
        awaitInFlight(3, "all three applied by the logic, held before the journal");

        final int port = server.port();
        server.stop();
        awaitDisconnected();
        assertFalse(keyed.isDone() || order.isDone() || query.isDone(), "safe ones wait for the next connection");

        server.close();
        server = new TestServer(pipeline, config, metrics).start(port);
        journal.open();
        final CommandResult receipt = ok(keyed);
        assertTrue(receipt.replayed(), "the first attempt was applied: the retry is recognised");
        final CommandResult reservation = ok(order);
        assertTrue(reservation.replayed());
        assertEquals(OrderStatus.RESERVED, reservation.status());
        assertEquals(RowKind.STOCK, ok(query).rowKind());
        assertEquals(15, stock("A-1", "WH1", Command.STOCK_ON_HAND), "applied once, not twice");
        assertEquals(2, client.connections());
    }

    /**
     * A graceful stop's first step: each connection reads nothing more, answers what it read, and closes. The client
     * resends what the server did not read on its next connection, where it is applied once; the server used to read
     * it and answer UNAVAILABLE until the very end of its stop, which every client had to retry by hand.
     */
    @Test
    void shouldResendWhatAStoppingServerDidNotRead() throws Exception
    {
        start();
        receive("A-1", "WH1", 10);
        awaitInFlight(0, "the ring is empty before the journal is held");
        journal.close();
        final CompletableFuture<CommandResult> read = client.receive("k-read", "A-1", "WH1", 1, COST, null, false);
        awaitInFlight(1, "read and applied, held before the journal");
        server.stopping();
        final CompletableFuture<CommandResult> unread = client.receive("k-unread", "A-1", "WH1", 2, COST, null,
            false);
        Thread.sleep(200);
        assertFalse(unread.isDone(), "not read, so neither answered nor refused");
        assertEquals(1, pipeline.inFlight(), "nothing more entered the ring");
        journal.open();
        assertFalse(ok(read).replayed(), "what was read is answered before the connection closes");
        assertFalse(ok(unread).replayed(), "resent on the next connection, and applied there for the first time");
        assertEquals(13, stock("A-1", "WH1", Command.STOCK_ON_HAND), "each applied once");
        assertEquals(2, client.connections());
    }

    /**
     * Policies sent without a key are resent after a lost connection, as queries are: applied again, each sets what
     * it set (the same channel configuration again changes nothing), where they used to fail as CONNECTION_LOST.
     */
    @Test
    void shouldResendKeylessPoliciesAfterTheServerRestarts() throws Exception
    {
        start();
        receive("A-1", "WH1", 10);
        awaitInFlight(0, "the ring is empty before the journal is held");
        journal.close();
        final CompletableFuture<CommandResult> safety = client.setSafetyStock(null, "A-1", "WH1", 3);
        final CompletableFuture<CommandResult> channel = client.configureChannel(null, "web", 2, List.of("WH1"),
            List.of(Line.of("A-1", "WH1", 4)));
        final CompletableFuture<CommandResult> kit = client.defineKit(null, "KIT-1", Line.of("A-1", 2));
        awaitInFlight(3, "all three applied by the logic, held before the journal");

        final int port = server.port();
        server.stop();
        awaitDisconnected();
        assertFalse(safety.isDone() || channel.isDone() || kit.isDone(), "policies wait for the next connection");
        server.close();
        server = new TestServer(pipeline, config, metrics).start(port);
        journal.open();
        ok(safety);
        ok(channel);
        ok(kit);
        assertEquals(2, client.connections());

        assertEquals(3, stock("A-1", "WH1", Command.STOCK_SAFETY_STOCK));
        final CommandResult policy = ok(client.queryChannel("web"));
        assertEquals(2, policy.outTime(), "buffer");
        assertEquals(1, policy.status(), "one sourcing location");
        assertEquals(2, policy.rowCount());
        assertEquals(4, policy.value(1, CommandResult.CHANNEL_UNUSED), "the fence");
        final CommandResult components = ok(client.queryKit("KIT-1"));
        assertEquals(1, components.rowCount());
        assertEquals(2, components.value(0, CommandResult.KIT_UNITS));
        assertEquals(10 - 3 - 2, ok(client.queryAvailability("web", "A-1")).itemTotal(0),
            "sellable less the safety stock and the buffer, each applied as set (its own fence is the channel's)");
    }

    /**
     * A command issued while there is no connection fails as NOT_SENT when its timeout passes, and is not sent when
     * the connection comes back; one written to the connection that dropped keeps the ambiguous TIMEOUT, and was
     * indeed applied.
     */
    @Test
    void shouldFailACommandNeverWrittenAsNotSentAndAWrittenOneAsTimeout() throws Exception
    {
        start(1024, StockClient.builder().requestTimeout(Duration.ofSeconds(1)));
        receive("A-1", "WH1", 10);
        awaitInFlight(0, "the ring is empty before the journal is held");
        journal.close();
        final CompletableFuture<CommandResult> written = client.receive("k-w", "A-1", "WH1", 5, COST, null, false);
        awaitInFlight(1, "applied by the logic, held before the journal");
        final int port = server.port();
        server.stop();
        awaitDisconnected();
        final CompletableFuture<CommandResult> never = client.receive("k-n", "N-1", "WH1", 5, COST, null, false);

        final ExecutionException unsent = assertThrows(ExecutionException.class,
            () -> never.get(10, TimeUnit.SECONDS));
        final StockClientException notSent = assertInstanceOf(StockClientException.class, unsent.getCause());
        assertEquals(StockClientException.Kind.NOT_SENT, notSent.kind());
        assertTrue(notSent.getMessage().contains("not applied"), notSent.getMessage());
        final ExecutionException late = assertThrows(ExecutionException.class,
            () -> written.get(10, TimeUnit.SECONDS));
        final StockClientException timeout = assertInstanceOf(StockClientException.class, late.getCause());
        assertEquals(StockClientException.Kind.TIMEOUT, timeout.kind(), "written once, it waited to be resent");
        assertTrue(timeout.getMessage().contains("may or may not"), timeout.getMessage());

        server.close();
        server = new TestServer(pipeline, config, metrics).start(port);
        journal.open();
        awaitConnections(2);
        // A round trip on the new connection: whatever the client would send on it went before this query.
        assertEquals(0, ok(client.queryStock("N-1")).rowCount(), "the command never sent was not applied");
        assertEquals(15, stock("A-1", "WH1", Command.STOCK_ON_HAND), "the one that timed out was applied");
    }

    /**
     * A whole-order cancel that finished a part-shipped order leaves it SHIPPED, and a cancel of a SHIPPED order is
     * refused: resent by state alone it would report a failure for an action that was applied. Sent without a key,
     * the client gives it one, and the resend after the lost connection is answered as the replay it is.
     */
    @Test
    void shouldResendAKeylessWholeOrderActionAsTheSameAction() throws Exception
    {
        start();
        receive("A-1", "WH1", 10);
        receive("B-1", "WH1", 10);
        ok(client.reserve("o-c", "web", 0, Line.of("A-1", 2), Line.of("B-1", 3)));
        assertEquals(OrderStatus.PARTIALLY_SHIPPED, ok(client.ship("o-c", "k-ship", Line.of("A-1", 2))).status());
        awaitInFlight(0, "the ring is empty before the journal is held");
        journal.close();
        final CompletableFuture<CommandResult> cancel = client.cancel("o-c");
        awaitInFlight(1, "the cancel applied by the logic, held before the journal");

        final int port = server.port();
        server.stop();
        assertFalse(cancel.isDone(), "a whole-order action waits for the next connection");
        server.close();
        server = new TestServer(pipeline, config, metrics).start(port);
        journal.open();
        final CommandResult cancelled = ok(cancel);
        assertTrue(cancelled.replayed(), "the first attempt was applied: the resend is recognised");
        assertEquals(OrderStatus.SHIPPED, cancelled.status());
        assertEquals(10, stock("B-1", "WH1", Command.STOCK_SELLABLE), "the cancelled units are back, once");
    }

    @Test
    void shouldFailACommandWhoseAnswerDoesNotComeInTime() throws Exception
    {
        start(1024, StockClient.builder().requestTimeout(Duration.ofMillis(200)));
        journal.close();
        final ExecutionException timeout = assertThrows(ExecutionException.class,
            () -> client.queryStock("A-1").get(10, TimeUnit.SECONDS));
        assertEquals(StockClientException.Kind.TIMEOUT, ((StockClientException)timeout.getCause()).kind());
    }

    /**
     * An answer over the client's frame limit fails its own command as ANSWER_TOO_LARGE, naming its code, and nothing
     * else: the commands answered with it get their answers and the connection stays. The client used to drop the
     * connection, resend the query, get the same answer, and so on until every command on it timed out.
     */
    @Test
    void shouldFailOnlyTheCommandWhoseAnswerIsOverTheClientsLimit() throws Exception
    {
        start(1024, StockClient.builder().maxInboundFrameBytes(1024));
        final String[] skus = new String[40];
        for (int i = 0; i < skus.length; i++)
        {
            skus[i] = "WIDE-" + i;
            receive(skus[i], "WH1", 1);
        }
        journal.close();
        final CompletableFuture<CommandResult> before = client.queryStock("WIDE-0");
        final CompletableFuture<CommandResult> wide = client.queryAvailability("web", skus);
        final CompletableFuture<CommandResult> after = client.receive("rcv-after", "WIDE-0", "WH1", 2, COST, null,
            false);
        awaitInFlight(3, "all three held at the journal, to be answered in one frame");
        journal.open();

        assertEquals(1, ok(before).stockTotal(Command.STOCK_ON_HAND));
        final ExecutionException tooLarge = assertThrows(ExecutionException.class, () -> wide.get(20, TimeUnit.SECONDS));
        final StockClientException cause = (StockClientException)tooLarge.getCause();
        assertEquals(StockClientException.Kind.ANSWER_TOO_LARGE, cause.kind());
        assertTrue(cause.getMessage().startsWith("the server answered OK in "), cause.getMessage());
        assertTrue(cause.getMessage().contains("more than this client's maxInboundFrameBytes (1024)"),
            cause.getMessage());
        ok(after);
        assertEquals(3, stock("WIDE-0", "WH1", Command.STOCK_ON_HAND));
        assertEquals(1, client.connections(), "the connection stayed");
        assertEquals(0, client.protocolErrors());
        assertEquals(1, ok(client.queryAvailability("web", "WIDE-1")).itemTotal(0), "and serves what fits");
    }

    @Test
    void shouldCloseConnectionsOverTheLimit() throws Exception
    {
        config.maxConnections = 1;
        start();
        // A round trip first: the server counts a connection when it accepts it, which may be after the client saw
        // it connected, and the extra one must not be counted before it.
        ok(client.queryStock("A-1"));
        try (Socket extra = new Socket("127.0.0.1", server.port()))
        {
            extra.setSoTimeout(5_000);
            final InputStream in = extra.getInputStream();
            assertEquals(-1, in.read(), "closed by the server");
        }
        assertEquals(1, metrics.rejectedConnections.get());
        ok(client.queryStock("A-1"));
    }

    @Test
    void shouldFailPendingCommandsWhenClosed() throws Exception
    {
        start();
        journal.close();
        final CompletableFuture<CommandResult> pending = client.queryStock("A-1");
        client.close();
        final ExecutionException closed = assertThrows(ExecutionException.class,
            () -> pending.get(10, TimeUnit.SECONDS));
        assertEquals(StockClientException.Kind.CLOSED, ((StockClientException)closed.getCause()).kind());
        final ExecutionException after = assertThrows(ExecutionException.class,
            () -> client.queryStock("A-1").get(10, TimeUnit.SECONDS));
        assertEquals(StockClientException.Kind.CLOSED, ((StockClientException)after.getCause()).kind());
    }

    /**
     * A long pipelined run over one connection, batched into frames by the client: every reservation is answered,
     * each exactly once, and the stock shows every unit reserved. (Throughput is measured in `benchmarks` and
     * `loadtest`, not here.) Leak detection is lowered meanwhile, since paranoid mode records a stack trace on
     * every buffer access.
     */
    @Test
    void shouldAnswerEveryReservationOfALongPipelinedRun() throws Exception
    {
        start(1 << 16, StockClient.builder());
        final int commands = 50_000;
        final ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        try
        {
            for (int sku = 0; sku < 16; sku++)
            {
                receive("T-" + sku, "WH1", 1_000_000_000L);
            }
            final Semaphore window = new Semaphore(WINDOW);
            final AtomicInteger failures = new AtomicInteger();
            final AtomicInteger answers = new AtomicInteger();
            final long framesBefore = metrics.binaryFrames.get();
            for (int i = 0; i < commands; i++)
            {
                window.acquire();
                client.reserve("tp-" + i, "web", 0, Line.of("T-" + (i & 15), 1)).whenComplete((result, error) ->
                {
                    answers.incrementAndGet();
                    if (error != null || !result.isOk() || result.replayed())
                    {
                        failures.incrementAndGet();
                    }
                    window.release();
                });
            }
            window.acquire(WINDOW);
            assertEquals(commands, answers.get(), "one answer per reservation");
            assertEquals(0, failures.get(), "every reservation a fresh success");
            assertTrue(metrics.binaryFrames.get() - framesBefore < commands, "several commands a frame");
            long reserved = 0;
            for (int sku = 0; sku < 16; sku++)
            {
                reserved += stock("T-" + sku, "WH1", Command.STOCK_RESERVED);
            }
            assertEquals(commands, reserved);
        }
        finally
        {
            ResourceLeakDetector.setLevel(level);
        }
    }
}
