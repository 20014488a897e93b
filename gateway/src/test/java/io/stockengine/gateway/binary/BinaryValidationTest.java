package io.stockengine.gateway.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.stockengine.engine.Bucket;
import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.Reason;
import io.stockengine.engine.ResultCode;
import io.stockengine.gateway.GatewayConfig;
import io.stockengine.gateway.GatewayMetrics;
import io.stockengine.gateway.binary.Answers.Answer;

/** Invalid input inside a well-formed frame is an INVALID_REQUEST naming the field; the connection carries on. */
@Timeout(60)
class BinaryValidationTest
{
    private static final long PROBE = 4242;

    private final GatewayConfig config = new GatewayConfig();
    private final GatewayMetrics metrics = new GatewayMetrics();

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

    private static Command valid(final int type)
    {
        final Command c = TestCommands.command(type);
        c.correlationId = 7;
        switch (type)
        {
            case CommandType.RESERVE:
                c.orderId = "o-1";
                c.channel = "web";
                c.time = 900;
                c.line("A-1", null, 1);
                break;
            case CommandType.PICK:
            case CommandType.SHIP:
            case CommandType.CANCEL:
            case CommandType.RETURN:
                c.orderId = "o-1";
                c.key = "k-1";
                c.line("A-1", null, 1);
                break;
            case CommandType.SALE:
                c.key = "k-1";
                c.channel = "web";
                c.location = "WH1";
                c.line("A-1", null, 1);
                break;
            case CommandType.ANNOUNCE_INCOMING:
                c.key = "k-1";
                c.reference = "po-1";
                c.sku = "A-1";
                c.location = "WH1";
                c.quantity = 5;
                c.time = 1_800_000_000_000L;
                break;
            case CommandType.TRANSFER_OUT:
                c.key = "k-1";
                c.reference = "t-1";
                c.sku = "A-1";
                c.location = "WH1";
                c.location2 = "WH2";
                c.quantity = 1;
                break;
            case CommandType.TRANSFER_IN:
                c.key = "k-1";
                c.reference = "t-1";
                break;
            case CommandType.CONFIGURE_CHANNEL:
                c.channel = "web";
                c.quantity2 = 2;
                c.line(null, "WH1", 0);
                c.line(null, "WH2", 0);
                c.line("A-1", "WH1", 3);
                break;
            case CommandType.DEFINE_KIT:
                c.sku = "KIT-1";
                c.line("A-1", null, 2);
                break;
            case CommandType.QUERY_AVAILABILITY:
                c.channel = "web";
                c.line("A-1", null, 0);
                break;
            case CommandType.QUERY_ORDER:
                c.orderId = "o-1";
                break;
            case CommandType.QUERY_STOCK_AT:
                c.sku = "A-1";
                c.location = "WH1";
                break;
            case CommandType.QUERY_STOCK:
                c.sku = "A-1";
                break;
            case CommandType.QUERY_TRANSFER:
                c.reference = "t-1";
                break;
            case CommandType.QUERY_CHANNEL:
                c.channel = "web";
                break;
            case CommandType.QUERY_KIT:
                c.sku = "KIT-1";
                break;
            default:
                c.key = "k-1";
                c.sku = "A-1";
                c.location = "WH1";
                c.quantity = 1;
                c.bucket = type == CommandType.MOVE ? Bucket.SELLABLE : 0;
                c.bucket2 = type == CommandType.MOVE ? Bucket.DAMAGED : 0;
                c.reason = type == CommandType.ADJUST ? Reason.LOST : 0;
                break;
        }
        return c;
    }

    private static Arguments invalid(final String what, final int type, final Consumer<Command> change,
        final String field)
    {
        return Arguments.of(what, type, change, field);
    }

    static Stream<Arguments> invalidCommands()
    {
        final String sku65 = TestCommands.id("s", 65);
        return Stream.of(
            invalid("correlation id 0", CommandType.RECEIVE, c -> c.correlationId = 0, "correlation_id"),
            invalid("a tick", CommandType.RECEIVE, c -> c.type = CommandType.TICK, "type"),
            invalid("an unknown type", CommandType.RECEIVE, c -> c.type = 99, "type"),
            invalid("no order id", CommandType.RESERVE, c -> c.orderId = null, "order_id"),
            invalid("no channel", CommandType.RESERVE, c -> c.channel = null, "channel"),
            invalid("order id ..", CommandType.RESERVE, c -> c.orderId = "..", "order_id"),
            invalid("order id .", CommandType.RESERVE, c -> c.orderId = ".", "order_id"),
            invalid("order id of 65", CommandType.RESERVE, c -> c.orderId = sku65, "order_id"),
            invalid("channel of 33", CommandType.RESERVE, c -> c.channel = TestCommands.id("c", 33), "channel"),
            invalid("a space in a sku", CommandType.RESERVE, c -> c.lineSku[0] = "A 1", "lines[0].sku"),
            invalid("a non-ASCII sku", CommandType.RESERVE, c -> c.lineSku[0] = "A-\u00e9", "lines[0].sku"),
            invalid("a sku of 65", CommandType.RESERVE, c -> c.lineSku[0] = sku65, "lines[0].sku"),
            invalid("a location of 33", CommandType.RESERVE, c -> c.lineLocation[0] = TestCommands.id("l", 33),
                "lines[0].location"),
            invalid("a line of 0", CommandType.RESERVE, c -> c.lineQuantity[0] = 0, "lines[0].quantity"),
            invalid("a line over 1e9", CommandType.RESERVE, c -> c.line("B-2", null, 1_000_000_001L),
                "lines[1].quantity"),
            invalid("a ttl over a year", CommandType.RESERVE, c -> c.time = 31_536_001L, "ttl_seconds"),
            invalid("a negative ttl", CommandType.RESERVE, c -> c.time = -1, "ttl_seconds"),
            invalid("1001 lines", CommandType.RESERVE, c ->
            {
                for (int i = 0; i < 1000; i++)
                {
                    c.line("B-" + i, null, 1);
                }
            }, "lines"),
            invalid("no lines", CommandType.RESERVE, c -> c.lineCount = 0, "lines"),
            invalid("a reservation with a key", CommandType.RESERVE, c -> c.key = "k", "Idempotency-Key"),
            invalid("a reservation with a quantity", CommandType.RESERVE, c -> c.quantity = 1, "quantity"),
            invalid("picking lines without a key", CommandType.PICK, c -> c.key = null, "Idempotency-Key"),
            invalid("a return without a key", CommandType.RETURN, c -> c.key = null, "Idempotency-Key"),
            invalid("a sale line with a location", CommandType.SALE, c -> c.lineLocation[0] = "WH1",
                "lines[0].location"),
            invalid("a sale without a location", CommandType.SALE, c -> c.location = null, "location"),
            invalid("a receipt of 0", CommandType.RECEIVE, c -> c.quantity = 0, "quantity"),
            invalid("a negative unit cost", CommandType.RECEIVE, c -> c.amount = -1, "unit_cost"),
            invalid("a receipt with a bucket", CommandType.RECEIVE, c -> c.bucket = 3, "bucket"),
            invalid("a receipt without a key", CommandType.RECEIVE, c -> c.key = null, "Idempotency-Key"),
            invalid("an inspection of nothing", CommandType.INSPECT, c -> c.quantity = 0, "passed"),
            invalid("a negative failed", CommandType.INSPECT, c -> c.quantity2 = -1, "failed"),
            invalid("a move from reserved", CommandType.MOVE, c -> c.bucket = Bucket.RESERVED, "from"),
            invalid("a move to itself", CommandType.MOVE, c -> c.bucket2 = c.bucket, "to"),
            invalid("an unknown reason", CommandType.MOVE, c -> c.reason = 8, "reason"),
            invalid("an adjustment of 0", CommandType.ADJUST, c -> c.quantity = 0, "delta"),
            invalid("an adjustment under -1e9", CommandType.ADJUST, c -> c.quantity = -1_000_000_001L, "delta"),
            invalid("an adjustment for damage", CommandType.ADJUST, c -> c.reason = Reason.DAMAGE, "reason"),
            invalid("an adjustment without reason", CommandType.ADJUST, c -> c.reason = Reason.NONE, "reason"),
            invalid("an adjustment of picked", CommandType.ADJUST, c -> c.bucket = Bucket.PICKED, "bucket"),
            invalid("an expected count without flag", CommandType.COUNT, c -> c.quantity2 = 4, "expected"),
            invalid("a negative count", CommandType.COUNT, c -> c.quantity = -1, "counted"),
            invalid("a transfer to its source", CommandType.TRANSFER_OUT, c -> c.location2 = c.location, "to"),
            invalid("a transfer without id", CommandType.TRANSFER_OUT, c -> c.reference = null, "transfer_id"),
            invalid("a transfer without destination", CommandType.TRANSFER_OUT, c -> c.location2 = null, "to"),
            invalid("a transfer receipt without key", CommandType.TRANSFER_IN, c -> c.key = null, "Idempotency-Key"),
            invalid("incoming without purchase order", CommandType.ANNOUNCE_INCOMING, c -> c.reference = null,
                "purchase_order"),
            invalid("incoming expected before 1970", CommandType.ANNOUNCE_INCOMING, c -> c.time = -1, "expected_at"),
            invalid("a negative safety stock", CommandType.SET_SAFETY_STOCK, c -> c.quantity = -1, "quantity"),
            invalid("a location listed twice", CommandType.CONFIGURE_CHANNEL, c -> c.lineLocation[1] = "WH1",
                "locations[1]"),
            invalid("a sourcing location with a sku", CommandType.CONFIGURE_CHANNEL, c -> c.lineSku[0] = "A-1",
                "locations[0]"),
            invalid("more locations than lines", CommandType.CONFIGURE_CHANNEL, c -> c.quantity2 = 4, "locations"),
            invalid("a negative allocation", CommandType.CONFIGURE_CHANNEL, c -> c.lineQuantity[2] = -1,
                "allocations[0].quantity"),
            invalid("an allocation without location", CommandType.CONFIGURE_CHANNEL, c -> c.lineLocation[2] = null,
                "allocations[0].location"),
            invalid("a negative buffer", CommandType.CONFIGURE_CHANNEL, c -> c.quantity = -1, "buffer"),
            invalid("one sku and location allocated twice", CommandType.CONFIGURE_CHANNEL,
                c -> c.line("A-1", "WH1", 2), "allocations[1]"),
            invalid("a kit of 33 components", CommandType.DEFINE_KIT, c ->
            {
                for (int i = 0; i < 32; i++)
                {
                    c.line("C-" + i, null, 1);
                }
            }, "components"),
            invalid("a component with a location", CommandType.DEFINE_KIT, c -> c.lineLocation[0] = "WH1",
                "components[0].location"),
            invalid("a component of 0 units", CommandType.DEFINE_KIT, c -> c.lineQuantity[0] = 0,
                "components[0].quantity"),
            invalid("availability without channel", CommandType.QUERY_AVAILABILITY, c -> c.channel = null, "channel"),
            invalid("a date without the flag", CommandType.QUERY_AVAILABILITY, c -> c.time = 5, "at"),
            invalid("an asked sku with a quantity", CommandType.QUERY_AVAILABILITY, c -> c.lineQuantity[0] = 1,
                "sku"),
            invalid("an order query with a sku", CommandType.QUERY_ORDER, c -> c.sku = "A-1", "sku"),
            invalid("a stock query without location", CommandType.QUERY_STOCK_AT, c -> c.location = null,
                "location"),
            invalid("a query with a key", CommandType.QUERY_STOCK_AT, c -> c.key = "k", "Idempotency-Key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCommands")
    void shouldRefuseInvalidInputNamingTheFieldAndKeepTheConnection(final String what, final int type,
        final Consumer<Command> change, final String field)
    {
        final Command command = valid(type);
        change.accept(command);
        final List<Answer> answers = send(command);
        assertEquals(ResultCode.INVALID_REQUEST, answers.get(0).code(), what);
        assertEquals(command.correlationId, answers.get(0).correlationId(), what);
        assertEquals(field, answers.get(0).field(), what);
        assertEquals(1, metrics.binaryBadRequests.get());
    }

    @Test
    void shouldAcceptTheValidBaseOfEveryCase()
    {
        for (int type = CommandType.RESERVE; type < CommandType.COUNT_OF_TYPES; type++)
        {
            final List<Answer> answers = send(valid(type));
            assertTrue(answers.get(0).code() != ResultCode.INVALID_REQUEST,
                CommandType.name(type) + " " + answers.get(0).field());
        }
    }

    /** Sends the command and a query after it in one frame; the query must be answered on the same connection. */
    private List<Answer> send(final Command command)
    {
        final EmbeddedChannel channel = BinaryCodecTest.server(new SyncPublisher(), config, metrics);
        channel.writeInbound(TestCommands.frame(channel.alloc(), command, BinaryCodecTest.query(PROBE, "A-1")));
        final List<Answer> answers = Answers.drain(channel);
        assertEquals(2, answers.size());
        answers.sort((a, b) -> Boolean.compare(a.correlationId() == PROBE, b.correlationId() == PROBE));
        assertEquals(ResultCode.OK, answers.get(1).code());
        assertTrue(channel.isOpen());
        assertEquals(0, metrics.binaryProtocolErrors.get());
        assertFalse(channel.finishAndReleaseAll());
        return answers;
    }

    static Stream<Arguments> malformedMessages()
    {
        return Stream.of(
            Arguments.of("a reserved byte set", (Consumer<ByteBuf>)m -> m.setByte(CommandDescriptor.RESERVED_OFFSET, 1),
                "reserved"),
            Arguments.of("a flag of 2", (Consumer<ByteBuf>)m -> m.setByte(CommandDescriptor.FLAG_OFFSET, 2), "inspect"),
            Arguments.of("a key longer than the message", (Consumer<ByteBuf>)m ->
                m.setByte(CommandDescriptor.STRINGS_OFFSET, 250), "Idempotency-Key"),
            Arguments.of("more lines than bytes", (Consumer<ByteBuf>)m ->
                m.setShortLE(CommandDescriptor.LINE_COUNT_OFFSET, 3), "lines[0].sku"),
            Arguments.of("a byte left over", (Consumer<ByteBuf>)m ->
            {
                m.writeByte(0);
                m.setIntLE(CommandDescriptor.LENGTH_OFFSET, m.readableBytes());
            }, "length"),
            Arguments.of("a message shorter than its fixed part", (Consumer<ByteBuf>)m ->
            {
                m.writerIndex(20);
                m.setIntLE(CommandDescriptor.LENGTH_OFFSET, 20);
            }, "length"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedMessages")
    void shouldRefuseAMalformedMessageInsideAWellFormedFrame(final String what, final Consumer<ByteBuf> damage,
        final String field)
    {
        final EmbeddedChannel channel = BinaryCodecTest.server(new SyncPublisher(), config, metrics);
        final Command receipt = valid(CommandType.RECEIVE);
        receipt.flag = true;
        final ByteBuf message = channel.alloc().buffer();
        TestCommands.encode(new CommandEncoder(), message, receipt);
        damage.accept(message);
        final ByteBuf frame = channel.alloc().buffer();
        final int start = FrameDescriptor.beginFrame(frame, FrameDescriptor.KIND_COMMANDS);
        frame.writeBytes(message);
        message.release();
        TestCommands.encode(new CommandEncoder(), frame, BinaryCodecTest.query(PROBE, "A-1"));
        FrameDescriptor.endFrame(frame, start);
        channel.writeInbound(frame);
        final List<Answer> answers = Answers.drain(channel);
        assertEquals(2, answers.size(), what);
        final Answer refused = answers.get(0).correlationId() == PROBE ? answers.get(1) : answers.get(0);
        assertEquals(ResultCode.INVALID_REQUEST, refused.code(), what);
        assertEquals(field, refused.field(), what);
        assertTrue(channel.isOpen(), what);
        assertEquals(0, metrics.binaryProtocolErrors.get(), what);
        assertFalse(channel.finishAndReleaseAll());
    }
}
