package io.stockengine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.stockengine.engine.CommandType;
import io.stockengine.gateway.binary.AnswerStream;
import io.stockengine.gateway.binary.Batches;

/**
 * A graceful stop while a binary client is still sending, ahead of what the server reads: every command the server
 * applied is answered, and the stream ends cleanly. The server used to close such a connection with the client's
 * input unread, and the kernel's reset threw away the answers the client had not read yet (a tester writing a client
 * of their own: 56,838 of 103,250 applied receipts never answered). It now reads and drops what comes after the
 * stop began, ends its side after the answers, and waits for the client's end.
 */
@Timeout(120)
class GracefulStopTest
{
    private static final Pattern SELLABLE = Pattern.compile("\"totals\":\\{[^}]*\"sellable\":(\\d+)");

    @TempDir
    Path dir;

    private StockServer start(final List<String> log) throws InterruptedException
    {
        return LocalServer.start(dir.resolve("data"), log);
    }

    @Test
    void shouldAnswerEveryAppliedCommandOfAClientStillSendingWhenTheServerStops() throws Exception
    {
        final List<String> log = new CopyOnWriteArrayList<>();
        final int frames = 2_000;
        final int perFrame = 50;
        final byte[] bytes = Batches.encode(frames, perFrame, (encoder, batch, id) ->
        {
            encoder.begin(batch, CommandType.RECEIVE, id).quantity(1).amount(1_000_000);
            encoder.strings("gs-" + id, null, null, "GS-1", "WH1", null, null);
        });

        final StockServer server = start(log);
        final AnswerStream answers;
        try (Socket socket = new Socket())
        {
            // A small window: the answers wait in the server's send buffer, where a reset would throw them away.
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", server.tcpPort()));
            final Thread sender = new Thread(() ->
            {
                try
                {
                    socket.getOutputStream().write(bytes);
                }
                catch (final java.io.IOException stoppedMeanwhile)
                {
                    // The server may be gone before all was sent: what it did not apply is not counted.
                }
            });
            sender.start();
            // Nothing read yet: the answers back up, the server stops reading, and the sender waits on TCP.
            Thread.sleep(500);
            final Thread stopper = new Thread(server::close);
            stopper.start();
            // A client slow to read: its answers are still on their way, or in its buffer, when the server is done.
            Thread.sleep(1_000);
            // And slow to read on: the last answers are still in the server's send buffer when it is done.
            answers = AnswerStream.readAllOk(new java.io.FilterInputStream(socket.getInputStream())
            {
                @Override
                public int read(final byte[] into, final int offset, final int length) throws java.io.IOException
                {
                    try
                    {
                        Thread.sleep(1);
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                    }
                    return super.read(into, offset, Math.min(length, 1024));
                }
            });
            socket.close();
            stopper.join(60_000);
            sender.join(10_000);
        }
        assertEquals(0, answers.cutBytes, "the stream ends after a whole frame");
        assertTrue(answers.count > 0 && answers.count < frames * perFrame, "the stop came in the middle: " +
            answers.count + " answered");

        final StockServer restarted = start(log);
        try
        {
            final HttpResponse<String> stock = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + restarted.httpPort() + "/v1/stock/GS-1")).build(),
                HttpResponse.BodyHandlers.ofString());
            final Matcher sellable = SELLABLE.matcher(stock.body());
            assertTrue(sellable.find(), stock.body());
            assertEquals(answers.count, Long.parseLong(sellable.group(1)),
                "every receipt applied was answered, and none answered was lost");
        }
        finally
        {
            restarted.close();
        }
    }
}
