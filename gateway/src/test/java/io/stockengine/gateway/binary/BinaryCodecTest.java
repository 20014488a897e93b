package io.stockengine.gateway.binary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.OrderStatus;
import io.stockengine.engine.ResultCode;
import io.stockengine.gateway.GatewayConfig;
import io.stockengine.gateway.GatewayMetrics;
import io.stockengine.gateway.binary.Answers.Answer;

@Timeout(60)
class BinaryCodecTest
{
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

    private EmbeddedChannel frames()
    {
        return new EmbeddedChannel(new FrameDecoder(config.maxFrameBytes, metrics.binaryProtocolErrors::incrementAndGet));
    }

    static EmbeddedChannel server(final CommandPublisher publisher, final GatewayConfig config,
        final GatewayMetrics metrics)
    {
        // As the server's pipeline: the handler, not the decoder, closes on a broken stream.
        return new EmbeddedChannel(new FrameDecoder(config.maxFrameBytes, metrics.binaryProtocolErrors::incrementAndGet,
            false), new BinaryCommandHandler(publisher, config, metrics));
    }

    @Test
    void shouldRoundTripEveryCommandTypeWithTheLargestValues()
    {
        final Set<Integer> types = new HashSet<>();
        final CommandDecoder decoder = new CommandDecoder();
        final AsciiStringCache strings = new AsciiStringCache(64);
        for (final Command wire : TestCommands.largest())
        {
            types.add(wire.type);
            final EmbeddedChannel channel = frames();
            channel.writeInbound(TestCommands.frame(channel.alloc(), wire));
            final ByteBuf frame = channel.readInbound();
            try
            {
                assertEquals(1, FrameDescriptor.messageCount(frame, FrameDescriptor.KIND_COMMANDS));
                decoder.wrap(frame, FrameDescriptor.HEADER_LENGTH, frame.readableBytes() - FrameDescriptor.HEADER_LENGTH);
                assertNull(decoder.parse(), CommandType.name(wire.type));
                assertNull(CommandValidator.validate(decoder), CommandType.name(wire.type));
                final Command slot = new Command();
                decoder.decodeInto(slot, strings);
                TestCommands.assertSameInputs(wire, slot);
            }
            finally
            {
                frame.release();
            }
            assertFalse(channel.finishAndReleaseAll());
        }
        for (int type = CommandType.RESERVE; type < CommandType.COUNT_OF_TYPES; type++)
        {
            assertTrue(types.contains(type), "no sample of " + CommandType.name(type));
        }
    }

    @Test
    void shouldReassembleFramesSplitAtEveryByteBoundary()
    {
        final List<Command> sample = TestCommands.largest();
        final ByteBuf stream = Unpooled.buffer();
        final List<ByteBuf> expected = new ArrayList<>();
        // The small commands: splitting costs a pass per byte, and paranoid leak detection records every access.
        for (final List<Command> batch : List.of(sample.subList(6, 9), sample.subList(13, 15),
            sample.subList(20, 23)))
        {
            final ByteBuf frame = TestCommands.frame(Unpooled.buffer().alloc(), batch);
            expected.add(frame.copy());
            stream.writeBytes(frame);
            frame.release();
        }
        final int length = stream.readableBytes();
        try
        {
            for (int split = 1; split < length; split++)
            {
                final EmbeddedChannel channel = frames();
                channel.writeInbound(stream.retainedSlice(0, split));
                channel.writeInbound(stream.retainedSlice(split, length - split));
                assertFrames(expected, channel, "split at " + split);
            }
            final EmbeddedChannel channel = frames();
            for (int i = 0; i < length; i++)
            {
                channel.writeInbound(stream.retainedSlice(i, 1));
            }
            assertFrames(expected, channel, "one byte at a time");
        }
        finally
        {
            stream.release();
            expected.forEach(ByteBuf::release);
        }
    }

    private static void assertFrames(final List<ByteBuf> expected, final EmbeddedChannel channel, final String what)
    {
        for (final ByteBuf frame : expected)
        {
            final ByteBuf actual = channel.readInbound();
            try
            {
                assertTrue(ByteBufUtil.equals(frame, actual), what);
            }
            finally
            {
                actual.release();
            }
        }
        assertNull(channel.readInbound(), what);
        assertFalse(channel.finishAndReleaseAll(), what);
    }

    @Test
    void shouldAnswerTheSameWhenTheServerReadsOneByteAtATime()
    {
        final List<Command> commands = new ArrayList<>();
        commands.add(receive(1, "A-1", 10));
        commands.add(reserve(2, "o-1", "A-1", 4));
        commands.add(query(3, "A-1"));
        final ByteBuf stream = TestCommands.frame(Unpooled.buffer().alloc(), commands);
        final EmbeddedChannel channel = server(new SyncPublisher(), config, metrics);
        for (int i = 0, n = stream.readableBytes(); i < n; i++)
        {
            channel.writeInbound(stream.retainedSlice(i, 1));
        }
        stream.release();
        final List<Answer> answers = Answers.drain(channel);
        assertEquals(3, answers.size());
        assertEquals(ResultCode.OK, answers.get(0).code());
        assertEquals(OrderStatus.RESERVED, answers.get(1).status());
        assertEquals(6, answers.get(2).rows().get(0).values()[Command.STOCK_SELLABLE]);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void shouldAnswerEveryCommandOfAFrameWithManyCommands()
    {
        final int count = 2_000;
        final List<Command> commands = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            commands.add(query(i + 1, "S-" + i));
        }
        final EmbeddedChannel channel = server(new SyncPublisher(), config, metrics);
        channel.writeInbound(TestCommands.frame(channel.alloc(), commands));
        final List<Answer> answers = Answers.drain(channel);
        assertEquals(count, answers.size());
        final Set<Long> ids = new HashSet<>();
        for (final Answer answer : answers)
        {
            assertEquals(ResultCode.OK, answer.code());
            assertEquals(CommandType.QUERY_STOCK, answer.type());
            ids.add(answer.correlationId());
        }
        assertEquals(count, ids.size());
        assertEquals(1, metrics.binaryFrames.get());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void shouldRoundTripEveryResultKindWithTheLargestValues()
    {
        final String sku = TestCommands.id("sku", CommandValidator.SKU_MAX);
        final String location = TestCommands.id("loc", CommandValidator.LOCATION_MAX);
        final List<Command> results = new ArrayList<>();
        results.add(result(CommandType.QUERY_STOCK, ResultCode.OK, Command.STOCK_FIELDS, 100, sku, location));
        final Command order = result(CommandType.RESERVE, ResultCode.OK, Command.LINE_FIELDS,
            CommandValidator.LINES_MAX, sku, location);
        order.replayed = true;
        order.status = OrderStatus.PARTIALLY_SHIPPED;
        order.outTime = Long.MAX_VALUE;
        order.outName = TestCommands.id("web", CommandValidator.CHANNEL_MAX);
        results.add(order);
        final Command availability = result(CommandType.QUERY_AVAILABILITY, ResultCode.OK,
            Command.AVAILABILITY_FIELDS, CommandValidator.LINES_MAX, sku, location);
        for (int i = 0; i < CommandValidator.LINES_MAX; i++)
        {
            availability.line(sku, null, 0);
            availability.itemTotals[i] = Long.MAX_VALUE - i;
        }
        results.add(availability);
        final Command shortfall = result(CommandType.SALE, ResultCode.INSUFFICIENT_STOCK, Command.SHORTFALL_FIELDS,
            CommandValidator.LINES_MAX, sku, null);
        results.add(shortfall);
        final Command transfer = result(CommandType.TRANSFER_IN, ResultCode.INVALID_TRANSITION,
            Command.TRANSFER_FIELDS, 1, null, null);
        transfer.outName = sku;
        transfer.outName2 = location;
        transfer.outName3 = TestCommands.id("dst", CommandValidator.LOCATION_MAX);
        results.add(transfer);
        final Command channelView = result(CommandType.QUERY_CHANNEL, ResultCode.OK, 1, 10, null, location);
        channelView.outTime = CommandValidator.QUANTITY_MAX;
        channelView.status = 10;
        results.add(channelView);
        results.add(result(CommandType.QUERY_KIT, ResultCode.OK, 1, 32, sku, null));
        final Command invalid = result(CommandType.ADJUST, ResultCode.INVALID_REQUEST, 0, 0, null, null);
        invalid.field = "allocations[999].location";
        results.add(invalid);

        final ByteBuf encoded = Unpooled.buffer();
        final int frameStart = FrameDescriptor.beginFrame(encoded, FrameDescriptor.KIND_RESULTS);
        for (final Command c : results)
        {
            ResultEncoder.encode(encoded, c);
        }
        ResultEncoder.encodeRefusal(encoded, 255, Long.MIN_VALUE, ResultCode.INVALID_REQUEST, "type");
        FrameDescriptor.endFrame(encoded, frameStart);
        final EmbeddedChannel channel = frames();
        channel.writeInbound(encoded);
        final ByteBuf frame = channel.readInbound();
        final List<Answer> answers = new ArrayList<>();
        try
        {
            Answers.decodeFrames(frame, answers);
        }
        finally
        {
            frame.release();
        }
        assertEquals(results.size() + 1, answers.size());
        for (int i = 0; i < results.size(); i++)
        {
            assertSameResult(results.get(i), answers.get(i));
        }
        final Answer unknown = answers.get(results.size());
        assertEquals(255, unknown.type());
        assertEquals(Long.MIN_VALUE, unknown.correlationId());
        assertEquals("type", unknown.field());
        assertFalse(channel.finishAndReleaseAll());
    }

    private static Command result(final int type, final int code, final int stride, final int rows, final String sku,
        final String location)
    {
        final Command c = new Command();
        c.type = type;
        c.result = code;
        c.correlationId = Long.MAX_VALUE - type;
        c.seq = code == ResultCode.OK ? Long.MAX_VALUE : 0;
        c.ensureRows(rows, Math.max(1, stride));
        for (int row = 0; row < rows; row++)
        {
            c.rowSku[row] = sku == null ? null : TestCommands.id(row + "-", CommandValidator.SKU_MAX);
            c.rowLocation[row] = location;
            for (int v = 0; v < stride; v++)
            {
                c.rowValues[row * stride + v] = v % 2 == 0 ? Long.MAX_VALUE - row : Long.MIN_VALUE + v;
            }
        }
        c.rowCount = rows;
        return c;
    }

    private static void assertSameResult(final Command expected, final Answer actual)
    {
        final String what = CommandType.name(expected.type);
        assertEquals(expected.type, actual.type(), what);
        assertEquals(expected.result, actual.code(), what);
        assertEquals(expected.replayed, actual.replayed(), what);
        assertEquals(expected.correlationId, actual.correlationId(), what);
        assertEquals(expected.seq, actual.seq(), what);
        assertEquals(expected.field, actual.field(), what);
        assertEquals(expected.status, actual.status(), what);
        assertEquals(expected.outTime, actual.outTime(), what);
        assertEquals(expected.outName, actual.name(), what);
        assertEquals(expected.outName2, actual.name2(), what);
        assertEquals(expected.outName3, actual.name3(), what);
        final int kind = RowKind.of(expected.type, expected.result);
        assertEquals(kind, actual.rowKind(), what);
        final int stride = RowKind.stride(kind);
        final int rows = kind == RowKind.NONE ? 0 : expected.rowCount;
        assertEquals(rows, actual.rows().size(), what);
        for (int row = 0; row < rows; row++)
        {
            assertEquals(kind == RowKind.TRANSFER ? null : expected.rowSku[row], actual.rows().get(row).sku(), what);
            assertEquals(kind == RowKind.TRANSFER ? null : expected.rowLocation[row],
                actual.rows().get(row).location(), what);
            final long[] values = new long[stride];
            System.arraycopy(expected.rowValues, row * stride, values, 0, stride);
            assertArrayEquals(values, actual.rows().get(row).values(), what);
        }
        final long[] items = new long[kind == RowKind.AVAILABILITY ? expected.lineCount :
            kind == RowKind.CHANNEL ? rows : 0];
        System.arraycopy(expected.itemTotals, 0, items, 0, items.length);
        assertArrayEquals(items, actual.items(), what);
    }

    static Command receive(final long correlationId, final String sku, final long quantity)
    {
        final Command c = TestCommands.command(CommandType.RECEIVE);
        c.correlationId = correlationId;
        c.key = "rcv-" + correlationId;
        c.sku = sku;
        c.location = "WH1";
        c.quantity = quantity;
        c.amount = 2_500_000;
        return c;
    }

    static Command reserve(final long correlationId, final String orderId, final String sku, final long quantity)
    {
        final Command c = TestCommands.command(CommandType.RESERVE);
        c.correlationId = correlationId;
        c.orderId = orderId;
        c.channel = "web";
        c.time = 900;
        c.line(sku, null, quantity);
        return c;
    }

    static Command query(final long correlationId, final String sku)
    {
        final Command c = TestCommands.command(CommandType.QUERY_STOCK);
        c.correlationId = correlationId;
        c.sku = sku;
        return c;
    }
}
