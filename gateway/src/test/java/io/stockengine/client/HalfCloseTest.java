package io.stockengine.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Socket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EnginePipeline;
import io.stockengine.gateway.GatewayConfig;
import io.stockengine.gateway.GatewayMetrics;
import io.stockengine.gateway.binary.AnswerStream;
import io.stockengine.gateway.binary.CommandEncoder;
import io.stockengine.gateway.binary.FrameDescriptor;

/**
 * A client that sends its frames and shuts its sending side (a batch tool reading answers until the end of the
 * stream) is answered every command the engine applied, and then the server closes. Without half-closure the
 * server closed on the end of input and dropped those answers, though the commands were applied.
 */
@Timeout(60)
class HalfCloseTest
{
    private final TestServer.GatedJournal journal = new TestServer.GatedJournal();
    private EnginePipeline pipeline;
    private TestServer server;

    @AfterEach
    void stop()
    {
        journal.open();
        if (server != null)
        {
            server.close();
        }
        if (pipeline != null)
        {
            pipeline.close();
        }
    }

    @Test
    void shouldAnswerEveryCommandSentBeforeTheClientShutItsSideAndThenClose() throws Exception
    {
        pipeline = TestServer.pipeline(journal, 1024);
        server = new TestServer(pipeline, new GatewayConfig(), new GatewayMetrics()).start(0);
        final ByteBuf frame = Unpooled.buffer();
        final int start = FrameDescriptor.beginFrame(frame, FrameDescriptor.KIND_COMMANDS);
        final CommandEncoder encoder = new CommandEncoder();
        for (int i = 0; i < 3; i++)
        {
            encoder.begin(frame, CommandType.RECEIVE, 41 + i).quantity(1 + i);
            assertEquals(-1, encoder.strings("hc-" + i, null, null, "HC-1", "WH1", null, null));
            encoder.end();
        }
        FrameDescriptor.endFrame(frame, start);
        final byte[] bytes = new byte[frame.readableBytes()];
        frame.readBytes(bytes);
        // The journal holds the commands at its door, so the input is shut while all three are still owed.
        journal.close();
        try (Socket socket = new Socket("127.0.0.1", server.port()))
        {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            // Time for the end of input to reach the server while the answers are still held (were it later, the
            // test would pass without exercising the path, never fail wrongly).
            Thread.sleep(200);
            journal.open();
            final AnswerStream answers = AnswerStream.readAllOk(socket.getInputStream());
            assertEquals(3, answers.count, "one answer per command, then the end of the stream");
            assertEquals(41 + 42 + 43, answers.correlations);
            assertEquals(0, answers.cutBytes);
        }
    }

    /**
     * A client that goes on sending after a frame the server cannot parse (here a length past the limit, followed by
     * 2 MiB) still reads every answer it is owed, then the end of the stream. The server used to close with the rest
     * of the input unread, and the kernel reset the connection: the answers the client had not read yet were lost,
     * of commands that applied (a tester's client lost up to half of 4,000 receipts' answers so).
     */
    @Test
    void shouldAnswerEveryCommandBeforeABrokenFrameThoughTheClientGoesOnSending() throws Exception
    {
        pipeline = TestServer.pipeline(journal, 8192);
        final GatewayMetrics metrics = new GatewayMetrics();
        server = new TestServer(pipeline, new GatewayConfig(), metrics).start(0);
        final int commands = 4_000;
        final ByteBuf frame = Unpooled.buffer();
        final int start = FrameDescriptor.beginFrame(frame, FrameDescriptor.KIND_COMMANDS);
        final CommandEncoder encoder = new CommandEncoder();
        for (int i = 0; i < commands; i++)
        {
            encoder.begin(frame, CommandType.RECEIVE, 1 + i).quantity(1);
            assertEquals(-1, encoder.strings("bf-" + i, null, null, "BF-1", "WH1", null, null));
            encoder.end();
        }
        FrameDescriptor.endFrame(frame, start);
        frame.writeIntLE(Integer.MAX_VALUE);
        final byte[] bytes = new byte[frame.readableBytes()];
        frame.readBytes(bytes);
        try (Socket socket = new Socket())
        {
            // A small window, so the answers wait in the server's send buffer while the client is not reading.
            socket.setReceiveBufferSize(8 << 10);
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
            final Thread sender = new Thread(() ->
            {
                try
                {
                    socket.getOutputStream().write(bytes);
                    socket.getOutputStream().write(new byte[2 << 20]);
                    socket.getOutputStream().flush();
                }
                catch (final java.io.IOException closed)
                {
                    // The server may close once it has answered; what this client sent after the error is dropped.
                }
            });
            sender.start();
            // A client slower to read than the server to answer and close.
            Thread.sleep(1_000);
            final AnswerStream answers = AnswerStream.readAllOk(socket.getInputStream());
            assertEquals(commands, answers.count, "every answer, then the end of the stream (not a reset)");
            assertEquals(0, answers.cutBytes);
            assertEquals(1, metrics.binaryProtocolErrors.get());
            sender.join();
        }
    }
}
