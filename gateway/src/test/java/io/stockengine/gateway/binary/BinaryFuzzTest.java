package io.stockengine.gateway.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.stockengine.gateway.GatewayConfig;
import io.stockengine.gateway.GatewayMetrics;
import io.stockengine.gateway.binary.Answers.Answer;

/**
 * Seeded mutation fuzzing of the server's decoding: valid streams of random commands get bits flipped, bytes
 * replaced, inserted and deleted, lengths corrupted and tails cut, and go through the real frame decoder and command
 * handler over a synchronous engine. Whatever arrives, the server must not let an exception escape, must not leak a
 * buffer, must write only well-formed result frames, and must do what a reference reading of the bytes predicts:
 * answer every command of every complete well-formed frame, or close the connection (and count a protocol error)
 * at the first frame that is not well formed.
 * <p>
 * {@code -Dstock.fuzz.iterations=N} runs longer; {@code -Dstock.fuzz.seed=S} replays a printed seed.
 */
@Timeout(600)
class BinaryFuzzTest
{
    private static final int MAX_FRAME_BYTES = 16 * 1024;

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

    /** A stream of frames and where its length fields are. */
    private record Stream(byte[] bytes, int[] frameLengths, int[] messageLengths)
    {
    }

    /** What the bytes call for: a close, or that many answers while the connection stays open. */
    private record Expected(boolean closes, int answers)
    {
    }

    @Test
    void shouldAnswerOrCloseWhateverTheBytes()
    {
        final long seed = Long.getLong("stock.fuzz.seed", System.nanoTime());
        final int iterations = Integer.getInteger("stock.fuzz.iterations", 2_000);
        System.out.println("BinaryFuzzTest: seed " + seed + ", " + iterations + " iterations");
        final Random random = new Random(seed);
        final RandomCommands commands = new RandomCommands(random);
        final GatewayConfig config = new GatewayConfig();
        config.maxFrameBytes = MAX_FRAME_BYTES;
        final GatewayMetrics metrics = new GatewayMetrics();
        final SyncPublisher publisher = new SyncPublisher();
        long correlationId = 1;
        int closed = 0;
        int answered = 0;
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            final String where = "seed " + seed + ", iteration " + iteration;
            final Stream valid = stream(random, commands, correlationId);
            correlationId += 64;
            final byte[] bytes = mutate(random, valid);
            final Expected expected = expect(bytes);
            final long errorsBefore = metrics.binaryProtocolErrors.get();
            publisher.clock += random.nextInt(2_000_000);

            final EmbeddedChannel channel = BinaryCodecTest.server(publisher, config, metrics);
            int position = 0;
            while (position < bytes.length && channel.isOpen())
            {
                final int chunk = 1 + random.nextInt(bytes.length - position);
                channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, position, position + chunk)));
                position += chunk;
            }
            final List<Answer> answers = Answers.drain(channel);
            channel.checkException();
            assertEquals(0, metrics.binaryHandlerErrors.get(), where);
            assertEquals(0, publisher.internalErrors, where + ": engine defect " + publisher.lastError);
            if (expected.closes())
            {
                assertTrue(!channel.isOpen(), where + ": garbage must close the connection");
                assertEquals(errorsBefore + 1, metrics.binaryProtocolErrors.get(), where);
                closed++;
            }
            else
            {
                assertTrue(channel.isOpen(), where + ": a well-formed stream keeps the connection");
                assertEquals(expected.answers(), answers.size(), where + ": one answer per command");
                assertEquals(errorsBefore, metrics.binaryProtocolErrors.get(), where);
                answered += answers.size();
            }
            channel.finishAndReleaseAll();
        }
        System.out.println("BinaryFuzzTest: " + closed + " connections closed on garbage, " + answered +
            " commands answered, " + metrics.binaryBadRequests.get() + " refused as invalid");
    }

    private static Stream stream(final Random random, final RandomCommands commands, final long firstCorrelation)
    {
        final ByteBuf buffer = Unpooled.buffer();
        final CommandEncoder encoder = new CommandEncoder();
        final List<Integer> frameLengths = new ArrayList<>();
        final List<Integer> messageLengths = new ArrayList<>();
        long correlationId = firstCorrelation;
        for (int frames = 1 + random.nextInt(3); frames > 0; frames--)
        {
            final int start = FrameDescriptor.beginFrame(buffer, FrameDescriptor.KIND_COMMANDS);
            frameLengths.add(start);
            for (int messages = random.nextInt(7); messages > 0; messages--)
            {
                messageLengths.add(buffer.writerIndex());
                TestCommands.encode(encoder, buffer, commands.next(correlationId++));
            }
            FrameDescriptor.endFrame(buffer, start);
        }
        final byte[] bytes = new byte[buffer.readableBytes()];
        buffer.readBytes(bytes);
        return new Stream(bytes, frameLengths.stream().mapToInt(Integer::intValue).toArray(),
            messageLengths.stream().mapToInt(Integer::intValue).toArray());
    }

    private static byte[] mutate(final Random random, final Stream stream)
    {
        byte[] bytes = stream.bytes().clone();
        for (int mutations = random.nextInt(4); mutations > 0 && bytes.length > 0; mutations--)
        {
            final int at = random.nextInt(bytes.length);
            switch (random.nextInt(8))
            {
                case 0 -> bytes[at] ^= (byte)(1 << random.nextInt(8));
                case 1 -> bytes[at] = (byte)random.nextInt(256);
                case 2 -> bytes = Arrays.copyOf(bytes, at);
                case 3 -> corruptLength(random, bytes, stream.frameLengths());
                case 4 -> corruptLength(random, bytes, stream.messageLengths());
                case 5 ->
                {
                    final byte[] inserted = new byte[1 + random.nextInt(8)];
                    random.nextBytes(inserted);
                    bytes = splice(bytes, at, 0, inserted);
                }
                case 6 -> bytes = splice(bytes, at, Math.min(bytes.length - at, 1 + random.nextInt(16)), new byte[0]);
                default -> bytes = splice(bytes, at, 0,
                    Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + 1 + random.nextInt(32))));
            }
        }
        return bytes;
    }

    private static void corruptLength(final Random random, final byte[] bytes, final int[] offsets)
    {
        if (offsets.length == 0)
        {
            return;
        }
        final int at = offsets[random.nextInt(offsets.length)];
        if (at + 4 > bytes.length)
        {
            return;
        }
        final ByteBuf view = Unpooled.wrappedBuffer(bytes);
        final int length = view.getIntLE(at);
        final int corrupted = switch (random.nextInt(6))
        {
            case 0 -> random.nextInt();
            case 1 -> -1 - random.nextInt(16);
            case 2 -> random.nextInt(20);
            case 3 -> MAX_FRAME_BYTES + 1 + random.nextInt(16);
            default -> length + random.nextInt(17) - 8;
        };
        view.setIntLE(at, corrupted);
        view.release();
    }

    private static byte[] splice(final byte[] bytes, final int at, final int remove, final byte[] insert)
    {
        final byte[] out = new byte[bytes.length - remove + insert.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(bytes, at + remove, out, at + insert.length, bytes.length - at - remove);
        return out;
    }

    /** The reference reading of the stream, written from the protocol document, not from the server's code. */
    private static Expected expect(final byte[] bytes)
    {
        final ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try
        {
            int position = 0;
            int answers = 0;
            while (bytes.length - position >= 4)
            {
                final int length = in.getIntLE(position);
                if (length < 4 || length > MAX_FRAME_BYTES)
                {
                    return new Expected(true, answers);
                }
                if (bytes.length - position - 4 < length)
                {
                    break;
                }
                final int end = position + 4 + length;
                if (in.getUnsignedByte(position + 4) != 1 || in.getUnsignedByte(position + 5) != 1 ||
                    in.getUnsignedShortLE(position + 6) != 0)
                {
                    return new Expected(true, answers);
                }
                int message = position + 8;
                int messages = 0;
                while (message < end)
                {
                    final int messageLength = end - message >= 4 ? in.getIntLE(message) : -1;
                    if (messageLength < 16 || messageLength > end - message)
                    {
                        return new Expected(true, answers);
                    }
                    message += messageLength;
                    messages++;
                }
                answers += messages;
                position = end;
            }
            return new Expected(false, answers);
        }
        finally
        {
            in.release();
        }
    }
}
