package io.stockengine.gateway.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
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
import io.netty.handler.timeout.IdleStateEvent;
import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.ResultCode;
import io.stockengine.gateway.GatewayConfig;
import io.stockengine.gateway.GatewayMetrics;
import io.stockengine.gateway.binary.Answers.Answer;

/** How one binary connection behaves around the commands: limits, overload, garbage, idleness, closing. */
@Timeout(60)
class BinaryConnectionTest
{
    private final GatewayConfig config = new GatewayConfig();
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final SyncPublisher publisher = new SyncPublisher();

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

    private static List<Command> queries(final int count)
    {
        final List<Command> commands = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            commands.add(BinaryCodecTest.query(i + 1, "A-" + i));
        }
        return commands;
    }

    @Test
    void shouldStopReadingWhileOverTheInFlightLimitAndResumeOnceAnswered()
    {
        config.maxInFlightPerConnection = 4;
        publisher.hold = true;
        final EmbeddedChannel channel = BinaryCodecTest.server(publisher, config, metrics);
        channel.writeInbound(TestCommands.frame(channel.alloc(), queries(3)));
        assertTrue(channel.config().isAutoRead(), "under the limit");
        channel.writeInbound(TestCommands.frame(channel.alloc(), queries(3)));
        assertFalse(channel.config().isAutoRead(), "6 in flight, limit 4: stop reading");
        assertEquals(6, publisher.heldCount(), "a frame already read is published whole");
        publisher.release();
        final List<Answer> answers = Answers.drain(channel);
        assertEquals(6, answers.size());
        assertTrue(channel.config().isAutoRead(), "everything answered: read again");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void shouldAnswerOverloadedAndApplyNothingWhenTheRingIsFull()
    {
        final EmbeddedChannel channel = BinaryCodecTest.server(publisher, config, metrics);
        publisher.full = true;
        channel.writeInbound(TestCommands.frame(channel.alloc(), BinaryCodecTest.receive(1, "A-1", 10),
            BinaryCodecTest.receive(2, "A-1", 5)));
        List<Answer> answers = Answers.drain(channel);
        assertEquals(2, answers.size());
        for (final Answer answer : answers)
        {
            assertEquals(ResultCode.OVERLOADED, answer.code());
            assertEquals(CommandType.RECEIVE, answer.type());
        }
        assertEquals(2, metrics.overloaded.get());
        assertEquals(2, metrics.commands(CommandType.RECEIVE, ResultCode.OVERLOADED));
        publisher.full = false;
        channel.writeInbound(TestCommands.frame(channel.alloc(), BinaryCodecTest.query(3, "A-1")));
        answers = Answers.drain(channel);
        assertEquals(0, answers.get(0).rows().size(), "nothing was received");
        assertTrue(channel.isOpen());
        assertFalse(channel.finishAndReleaseAll());
    }

    private static Arguments garbage(final String what, final Consumer<ByteBuf> damage)
    {
        return Arguments.of(what, damage);
    }

    static Stream<Arguments> garbageFrames()
    {
        return Stream.of(
            garbage("a negative length", f -> f.setIntLE(0, -5)),
            garbage("a length over the limit", f -> f.setIntLE(0, (1 << 20) + 1)),
            garbage("a length shorter than the header", f -> f.setIntLE(0, 3)),
            garbage("an unknown version", f -> f.setByte(FrameDescriptor.VERSION_OFFSET, 2)),
            garbage("an unknown frame kind", f -> f.setByte(FrameDescriptor.KIND_OFFSET, 9)),
            garbage("a results frame sent to the server", f -> f.setByte(FrameDescriptor.KIND_OFFSET,
                FrameDescriptor.KIND_RESULTS)),
            garbage("reserved frame bits", f -> f.setShortLE(FrameDescriptor.RESERVED_OFFSET, 1)),
            garbage("a message shorter than its header", f -> f.setIntLE(FrameDescriptor.HEADER_LENGTH, 15)),
            garbage("a message running past the frame", f -> f.setIntLE(FrameDescriptor.HEADER_LENGTH,
                f.getIntLE(FrameDescriptor.HEADER_LENGTH) + 1)),
            garbage("a message length of minus one", f -> f.setIntLE(FrameDescriptor.HEADER_LENGTH, -1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbageFrames")
    void shouldCloseTheConnectionOnGarbageFramingAndCountIt(final String what, final Consumer<ByteBuf> damage)
    {
        final EmbeddedChannel channel = BinaryCodecTest.server(publisher, config, metrics);
        final ByteBuf frame = TestCommands.frame(channel.alloc(), BinaryCodecTest.receive(1, "A-1", 10));
        damage.accept(frame);
        frame.writeBytes(new byte[64]);
        channel.writeInbound(frame);
        channel.runPendingTasks();
        channel.checkException();
        assertFalse(channel.isOpen(), what);
        assertEquals(1, metrics.binaryProtocolErrors.get(), what);
        assertEquals(0, metrics.binaryHandlerErrors.get(), what);
        assertEquals(0, publisher.published, what + ": nothing of a broken frame is applied");
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldAnswerEarlierFramesOfTheSameReadBeforeClosingOnGarbage()
    {
        final EmbeddedChannel channel = BinaryCodecTest.server(publisher, config, metrics);
        publisher.full = true;
        final ByteBuf bytes = TestCommands.frame(channel.alloc(), BinaryCodecTest.receive(1, "A-1", 10));
        bytes.writeIntLE(-1);
        channel.writeInbound(bytes);
        final List<Answer> answers = Answers.drain(channel);
        assertEquals(1, answers.size());
        assertEquals(ResultCode.OVERLOADED, answers.get(0).code());
        assertFalse(channel.isOpen());
        channel.finishAndReleaseAll();
    }

    /**
     * A frame that went to the engine, then a broken one in the same read: the connection reads nothing more, waits
     * for the engine's answer, writes it, and only then closes (it used to close at once, and the command was
     * applied without an answer). Both ways a stream breaks: a length the decoder refuses, a header the handler does.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenAfterACommand")
    void shouldWriteTheEnginesAnswersForEarlierFramesBeforeClosing(final String what, final Consumer<ByteBuf> breakIt)
    {
        final EmbeddedChannel channel = BinaryCodecTest.server(publisher, config, metrics);
        publisher.hold = true;
        final ByteBuf bytes = TestCommands.frame(channel.alloc(), BinaryCodecTest.receive(7, "A-1", 10));
        breakIt.accept(bytes);
        channel.writeInbound(bytes);
        channel.runPendingTasks();
        assertEquals(1, publisher.heldCount(), what + ": the command before the broken frame went to the engine");
        assertTrue(channel.isOpen(), what + ": an answer is owed");
        // What the client sends on is read, so the close finds no input unread (the kernel would reset the connection,
        // and the client lose the answers it has not read), and dropped: a command after the break is not applied.
        assertTrue(channel.config().isAutoRead(), what + ": the rest of the input is read and dropped");
        channel.writeInbound(TestCommands.frame(channel.alloc(), BinaryCodecTest.receive(8, "A-1", 10)));
        channel.runPendingTasks();
        assertEquals(1, publisher.heldCount(), what + ": nothing after the broken frame went to the engine");
        publisher.release();
        channel.runPendingTasks();
        final List<Answer> answers = Answers.drain(channel);
        assertEquals(1, answers.size(), what);
        assertEquals(ResultCode.OK, answers.get(0).code(), what);
        assertEquals(7, answers.get(0).correlationId(), what);
        assertFalse(channel.isOpen(), what + ": closed once answered");
        assertEquals(1, metrics.binaryProtocolErrors.get(), what);
        channel.finishAndReleaseAll();
    }

    static Stream<Arguments> brokenAfterACommand()
    {
        return Stream.of(
            garbage("a length of minus one next", b -> b.writeIntLE(-1)),
            garbage("a frame of an unknown version next", b ->
            {
                final int start = b.writerIndex();
                b.writeIntLE(FrameDescriptor.HEADER_LENGTH - FrameDescriptor.LENGTH_FIELD_LENGTH);
                b.writeZero(FrameDescriptor.HEADER_LENGTH - FrameDescriptor.LENGTH_FIELD_LENGTH);
                b.setByte(start + FrameDescriptor.VERSION_OFFSET, 9);
            }));
    }

    @Test
    void shouldCloseAnIdleConnectionOnlyWhenNothingIsInFlight()
    {
        publisher.hold = true;
        final EmbeddedChannel channel = BinaryCodecTest.server(publisher, config, metrics);
        channel.writeInbound(TestCommands.frame(channel.alloc(), queries(1)));
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertTrue(channel.isOpen(), "quiet because the engine has not answered yet");
        publisher.release();
        assertEquals(1, Answers.drain(channel).size());
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertFalse(channel.isOpen());
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldTakeAnEmptyFrameAsAHeartbeat()
    {
        final EmbeddedChannel channel = BinaryCodecTest.server(publisher, config, metrics);
        channel.writeInbound(TestCommands.frame(channel.alloc(), List.of()));
        assertTrue(Answers.drain(channel).isEmpty());
        assertTrue(channel.isOpen());
        assertEquals(1, metrics.binaryFrames.get());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void shouldDropAnswersForAConnectionThatClosedWithCommandsInFlight()
    {
        publisher.hold = true;
        final EmbeddedChannel channel = BinaryCodecTest.server(publisher, config, metrics);
        channel.writeInbound(TestCommands.frame(channel.alloc(), queries(5)));
        channel.close();
        publisher.release();
        channel.runPendingTasks();
        channel.checkException();
        assertEquals(5, metrics.commands(CommandType.QUERY_STOCK, ResultCode.OK), "answered and counted");
        assertNull(channel.readOutbound(), "nothing written to a closed connection");
        channel.finishAndReleaseAll();
    }
}
