package io.stockengine.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.stockengine.engine.CommandType;
import io.stockengine.engine.ResultCode;
import io.stockengine.gateway.binary.CommandDescriptor;
import io.stockengine.gateway.binary.FrameDescriptor;
import io.stockengine.gateway.binary.ResultDescriptor;
import io.stockengine.gateway.binary.RowKind;

/**
 * The client against a plain socket standing in for the server, which reads the client's bytes only when the test
 * says so and answers nothing: what the client wrote, and when, is seen byte for byte.
 */
@Timeout(120)
class StockClientRawServerTest
{
    private static final long COST = 2_500_000;

    private final List<Socket> sockets = new ArrayList<>();
    private ServerSocket listener;
    private StockClient client;

    @AfterEach
    void stop() throws IOException
    {
        if (client != null)
        {
            client.close();
        }
        for (final Socket socket : sockets)
        {
            socket.close();
        }
        if (listener != null)
        {
            listener.close();
        }
    }

    /** Listens, with a small receive buffer so that a server that does not read holds little of what is sent. */
    private void listen() throws IOException
    {
        listener = new ServerSocket();
        listener.setReceiveBufferSize(4096);
        listener.bind(new InetSocketAddress("127.0.0.1", 0));
    }

    private Socket accept() throws IOException
    {
        final Socket socket = listener.accept();
        socket.setSoTimeout(30_000);
        sockets.add(socket);
        return socket;
    }

    /**
     * A server that reads nothing more (as at its in-flight limit) holds the client's bytes in the socket buffers,
     * and the client keeps what does not fit queued. When the timeout passes, what was written fails TIMEOUT (it
     * may yet be applied: it is delivered once the server reads) and what was still queued fails NOT_SENT and is
     * never written: the server, reading again, gets exactly the commands that timed out.
     */
    @Test
    void shouldFailCommandsQueuedBehindAServerThatStoppedReadingAsNotSentAndNeverSendThem() throws Exception
    {
        listen();
        client = StockClient.builder().port(listener.getLocalPort()).requestTimeout(Duration.ofSeconds(1))
            .heartbeatSeconds(0).connect();
        final Socket server = accept();
        // The most SKUs a query takes, of 64 characters: each query is a frame of about 74 KB, and four hundred of
        // them are far more than the socket buffers hold (a few MB at most).
        final String[] skus = new String[1000];
        for (int i = 0; i < skus.length; i++)
        {
            skus[i] = String.format("SKU-%060d", i);
        }
        final List<CompletableFuture<CommandResult>> futures = new ArrayList<>();
        for (int i = 0; i < 400; i++)
        {
            futures.add(client.queryAvailability("web", skus));
        }
        final Set<Long> timedOut = new HashSet<>();
        int firstNotSent = -1;
        for (int i = 0; i < futures.size(); i++)
        {
            final CompletableFuture<CommandResult> future = futures.get(i);
            final ExecutionException failed = assertThrows(ExecutionException.class,
                () -> future.get(30, TimeUnit.SECONDS));
            final StockClientException cause = assertInstanceOf(StockClientException.class, failed.getCause());
            if (cause.kind() == StockClientException.Kind.TIMEOUT)
            {
                assertEquals(-1, firstNotSent, "query " + i + " written after query " + firstNotSent + " was not");
                timedOut.add(((Request)future).correlationId);
            }
            else
            {
                assertEquals(StockClientException.Kind.NOT_SENT, cause.kind(), "query " + i);
                firstNotSent = firstNotSent < 0 ? i : firstNotSent;
            }
        }
        assertTrue(timedOut.contains(((Request)futures.get(0)).correlationId), "the first query was written");
        assertTrue(firstNotSent > 0, "the queries the socket buffers could not hold were never written");

        // Issued after the others failed, so it follows whatever the client still writes of them.
        final CompletableFuture<CommandResult> marker = client.queryKit("MARKER");
        final DataInputStream in = new DataInputStream(server.getInputStream());
        final Set<Long> received = new HashSet<>();
        long markerId = 0;
        while (markerId == 0)
        {
            markerId = readMessages(in, received, CommandType.QUERY_KIT);
        }
        final ExecutionException markerFailed = assertThrows(ExecutionException.class,
            () -> marker.get(30, TimeUnit.SECONDS));
        assertEquals(StockClientException.Kind.TIMEOUT,
            assertInstanceOf(StockClientException.class, markerFailed.getCause()).kind(), "written, unanswered");
        // Read once the future is done: the id is given on the client's event loop.
        assertEquals(((Request)marker).correlationId, markerId);
        assertEquals(timedOut, received, "every query that timed out arrived, and none that was not sent");
    }

    /**
     * A keyless movement is not resent after a lost connection, as the client cannot tell whether it was applied;
     * a keyed one and a keyless policy are, under the same correlation ids.
     */
    @Test
    void shouldFailAKeylessMovementInFlightAsConnectionLostAndResendTheSafeOnes() throws Exception
    {
        listen();
        client = StockClient.builder().port(listener.getLocalPort()).requestTimeout(Duration.ofSeconds(30))
            .reconnectDelay(Duration.ofMillis(10), Duration.ofMillis(100)).heartbeatSeconds(0).connect();
        final Socket first = accept();
        final CompletableFuture<CommandResult> keyless = client.receive(null, "A-1", "WH1", 1, COST, null, false);
        final CompletableFuture<CommandResult> keyed = client.receive("k-1", "A-1", "WH1", 1, COST, null, false);
        final CompletableFuture<CommandResult> policy = client.setSafetyStock(null, "A-1", "WH1", 1);
        final DataInputStream in = new DataInputStream(first.getInputStream());
        final Set<Long> written = new HashSet<>();
        while (written.size() < 3)
        {
            readMessages(in, written, -1);
        }
        first.close();

        final ExecutionException lost = assertThrows(ExecutionException.class,
            () -> keyless.get(30, TimeUnit.SECONDS));
        assertEquals(StockClientException.Kind.CONNECTION_LOST,
            assertInstanceOf(StockClientException.class, lost.getCause()).kind());
        // Read once a future is done: the ids are given on the client's event loop, before it saw the drop.
        final long keyedId = ((Request)keyed).correlationId;
        final long policyId = ((Request)policy).correlationId;
        assertEquals(Set.of(((Request)keyless).correlationId, keyedId, policyId), written, "all three arrived");
        final DataInputStream again = new DataInputStream(accept().getInputStream());
        final Set<Long> resent = new HashSet<>();
        while (resent.size() < 2)
        {
            readMessages(again, resent, -1);
        }
        assertEquals(Set.of(keyedId, policyId), resent, "the keyed receipt and the policy, sent again");
        assertTrue(((Request)policy).key != null && ((Request)policy).key.startsWith("client:"),
            "a keyless policy goes with a key of the client's, so its resend is answered as a replay");
        assertNull(((Request)keyless).key, "a movement keeps the caller's choice of no key");
        assertFalse(keyed.isDone() || policy.isDone(), "they wait for their answers");
    }

    /** A result message with no strings and no rows, of the given row kind. */
    private static void result(final ByteBuffer frame, final int type, final int code, final int rowKind,
        final long correlationId)
    {
        final int start = frame.position();
        frame.putInt(ResultDescriptor.MIN_LENGTH).put((byte)type).put((byte)code).put((byte)0).put((byte)rowKind)
            .putLong(correlationId).putLong(7).putLong(0).putInt(0).putInt(0).putInt(0).putInt(0);
        for (int i = 0; i < ResultDescriptor.STRING_COUNT; i++)
        {
            frame.put((byte)0);
        }
        assertEquals(ResultDescriptor.MIN_LENGTH, frame.position() - start);
    }

    /**
     * An answer this client cannot read (a row kind from a newer server) fails its own command, naming its code,
     * and the answer after it in the same frame is read: the client used to drop the connection, resend what is
     * safe and meet the same answer again.
     */
    @Test
    void shouldFailOnlyTheCommandWhoseAnswerItCannotRead() throws Exception
    {
        listen();
        client = StockClient.builder().port(listener.getLocalPort()).requestTimeout(Duration.ofSeconds(30))
            .heartbeatSeconds(0).connect();
        final Socket server = accept();
        final CompletableFuture<CommandResult> stock = client.queryStock("A-1");
        final CompletableFuture<CommandResult> kit = client.queryKit("K-1");
        final DataInputStream in = new DataInputStream(server.getInputStream());
        final Set<Long> ids = new HashSet<>();
        while (ids.size() < 2)
        {
            readMessages(in, ids, -1);
        }
        final long stockId = ((Request)stock).correlationId;
        final long kitId = ((Request)kit).correlationId;
        final ByteBuffer frame = ByteBuffer.allocate(FrameDescriptor.HEADER_LENGTH + 2 * ResultDescriptor.MIN_LENGTH)
            .order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(frame.capacity() - FrameDescriptor.LENGTH_FIELD_LENGTH).put((byte)FrameDescriptor.VERSION)
            .put((byte)FrameDescriptor.KIND_RESULTS).putShort((short)0);
        result(frame, CommandType.QUERY_STOCK, ResultCode.OK, 99, stockId);
        result(frame, CommandType.QUERY_KIT, ResultCode.NOT_FOUND, RowKind.KIT, kitId);
        server.getOutputStream().write(frame.array());
        server.getOutputStream().flush();

        final ExecutionException unreadable = assertThrows(ExecutionException.class,
            () -> stock.get(30, TimeUnit.SECONDS));
        final StockClientException cause = assertInstanceOf(StockClientException.class, unreadable.getCause());
        assertEquals(StockClientException.Kind.ANSWER_UNREADABLE, cause.kind());
        assertTrue(cause.getMessage().startsWith("the server answered OK in a form this client cannot read (row " +
            "kind 99"), cause.getMessage());
        assertEquals(ResultCode.NOT_FOUND, kit.get(30, TimeUnit.SECONDS).code(), "the next answer is read");
        assertEquals(1, client.connections(), "the connection stayed");
        assertEquals(1, client.protocolErrors());
    }

    /**
     * A result code this client does not know (a newer server's) reads as INTERNAL_ERROR, its effects unknown, as
     * the protocol tells clients; an answer whose type is not its command's fails that command alone, where it was
     * read as the command's result.
     */
    @Test
    void shouldTakeAnUnknownCodeAsInternalErrorAndRefuseAnAnswerOfAnotherType() throws Exception
    {
        listen();
        client = StockClient.builder().port(listener.getLocalPort()).requestTimeout(Duration.ofSeconds(30))
            .heartbeatSeconds(0).connect();
        final Socket server = accept();
        final CompletableFuture<CommandResult> receipt = client.receive("k-1", "A-1", "WH1", 1, COST, null, false);
        final CompletableFuture<CommandResult> reserve = client.reserve("o-1", "web", 0, Line.of("A-1", 1));
        final CompletableFuture<CommandResult> kit = client.queryKit("K-1");
        final DataInputStream in = new DataInputStream(server.getInputStream());
        final Set<Long> ids = new HashSet<>();
        while (ids.size() < 3)
        {
            readMessages(in, ids, -1);
        }
        final ByteBuffer frame = ByteBuffer.allocate(FrameDescriptor.HEADER_LENGTH + 3 * ResultDescriptor.MIN_LENGTH)
            .order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(frame.capacity() - FrameDescriptor.LENGTH_FIELD_LENGTH).put((byte)FrameDescriptor.VERSION)
            .put((byte)FrameDescriptor.KIND_RESULTS).putShort((short)0);
        result(frame, CommandType.RECEIVE, 200, RowKind.NONE, ((Request)receipt).correlationId);
        result(frame, CommandType.QUERY_STOCK, ResultCode.OK, RowKind.NONE, ((Request)reserve).correlationId);
        result(frame, CommandType.QUERY_KIT, ResultCode.NOT_FOUND, RowKind.KIT, ((Request)kit).correlationId);
        server.getOutputStream().write(frame.array());
        server.getOutputStream().flush();

        final CommandResult unknown = receipt.get(30, TimeUnit.SECONDS);
        assertEquals(ResultCode.INTERNAL_ERROR, unknown.code());
        assertEquals("INTERNAL_ERROR", unknown.codeName());
        assertFalse(unknown.isOk());
        assertEquals(200, unknown.rawCode());
        final ExecutionException other = assertThrows(ExecutionException.class,
            () -> reserve.get(30, TimeUnit.SECONDS));
        final StockClientException cause = assertInstanceOf(StockClientException.class, other.getCause());
        assertEquals(StockClientException.Kind.ANSWER_UNREADABLE, cause.kind());
        assertEquals("the server answered OK for a command of type " + CommandType.QUERY_STOCK + " under the " +
            "correlation id of a command of type " + CommandType.RESERVE, cause.getMessage());
        assertEquals(ResultCode.NOT_FOUND, kit.get(30, TimeUnit.SECONDS).code(), "the next answer is read");
        assertEquals(1, client.connections(), "the connection stayed");
        assertEquals(1, client.protocolErrors());
    }

    /**
     * A batch is cut before the command that would take it past maxBatchBytes, so a server whose frame limit is
     * that size takes every frame: one a command longer, past its limit, closed the connection, and the resends
     * closed it again until the request timeout.
     */
    @Test
    void shouldKeepEveryBatchWithinMaxBatchBytes() throws Exception
    {
        listen();
        final int maxBatchBytes = 4096;
        client = StockClient.builder().port(listener.getLocalPort()).requestTimeout(Duration.ofSeconds(30))
            .flushDelay(Duration.ofMillis(200)).maxBatchCommands(10_000).maxBatchBytes(maxBatchBytes)
            .heartbeatSeconds(0).connect();
        final Socket server = accept();
        final DataInputStream in = new DataInputStream(server.getInputStream());
        final int commands = 300;
        for (int i = 0; i < commands; i++)
        {
            // Messages of 90 to 150 bytes, of uneven lengths: batches reach 4,096 bytes in commands' middles.
            client.reserve(String.format("order-%04d", i), "web", 0, Line.of("SKU-" + "7".repeat(i * 37 % 61), 1));
        }
        final Set<Long> ids = new HashSet<>();
        int frames = 0;
        int largest = 0;
        while (ids.size() < commands)
        {
            final int length = Integer.reverseBytes(in.readInt());
            final byte[] bytes = new byte[length];
            in.readFully(bytes);
            final ByteBuffer frame = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int offset = FrameDescriptor.HEADER_LENGTH - FrameDescriptor.LENGTH_FIELD_LENGTH;
            while (offset < length)
            {
                ids.add(frame.getLong(offset + CommandDescriptor.CORRELATION_OFFSET));
                offset += frame.getInt(offset + CommandDescriptor.LENGTH_OFFSET);
            }
            frames++;
            largest = Math.max(largest, length);
        }
        assertTrue(frames > 1, "the commands took several frames: " + frames);
        assertTrue(largest <= maxBatchBytes, "a frame of " + largest + " bytes");
        assertTrue(largest > maxBatchBytes - 200, "frames are filled up to the limit: " + largest);
    }

    /** Settings a client cannot work with are refused when it is built, naming what to fix. */
    @Test
    void shouldRefuseSettingsItCannotWorkWith()
    {
        final IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
            () -> StockClient.builder().port(0).build());
        assertEquals("port must be 1..65535", port.getMessage());
        final IllegalArgumentException connect = assertThrows(IllegalArgumentException.class,
            () -> StockClient.builder().connectTimeout(Duration.ZERO).build());
        assertEquals("connect timeout must be at least a millisecond", connect.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> StockClient.builder().connectTimeout(Duration.ofMillis(-1000)).build());
        final IllegalArgumentException forever = assertThrows(IllegalArgumentException.class,
            () -> StockClient.builder().requestTimeout(Duration.ofSeconds(Long.MAX_VALUE)));
        assertEquals("requestTimeout must be at most 366 days", forever.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> StockClient.builder().reconnectDelay(Duration.ofMillis(1), Duration.ofDays(1000)));
    }

    /**
     * Reads one COMMANDS frame and adds the correlation ids of its messages to {@code ids}, except that of a message
     * of type {@code stopType}, which it returns (0 when there is none).
     */
    private static long readMessages(final DataInputStream in, final Set<Long> ids, final int stopType)
        throws IOException
    {
        final int length = Integer.reverseBytes(in.readInt());
        final byte[] bytes = new byte[length];
        in.readFully(bytes);
        final ByteBuffer frame = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(FrameDescriptor.KIND_COMMANDS,
            frame.get(FrameDescriptor.KIND_OFFSET - FrameDescriptor.LENGTH_FIELD_LENGTH), "a COMMANDS frame");
        long stop = 0;
        // The frame's bytes start after its length field: its header, then the messages.
        for (int offset = FrameDescriptor.HEADER_LENGTH - FrameDescriptor.LENGTH_FIELD_LENGTH; offset < length;
            offset += frame.getInt(offset + CommandDescriptor.LENGTH_OFFSET))
        {
            final long id = frame.getLong(offset + CommandDescriptor.CORRELATION_OFFSET);
            if ((frame.get(offset + CommandDescriptor.TYPE_OFFSET) & 0xFF) == stopType)
            {
                stop = id;
            }
            else
            {
                ids.add(id);
            }
        }
        return stop;
    }
}
