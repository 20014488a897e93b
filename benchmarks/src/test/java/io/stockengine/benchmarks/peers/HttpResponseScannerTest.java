package io.stockengine.benchmarks.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

class HttpResponseScannerTest
{
    private static final String CREATED = "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\n" +
        "content-length: 5\r\n\r\n{\"a\"}";
    private static final String REPLAYED = "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n" +
        "Idempotent-Replayed: true\r\n\r\n{}";
    private static final String SHORT = "HTTP/1.1 409 Conflict\r\ncontent-type: application/problem+json\r\n" +
        "content-length: 0\r\n\r\n";

    @Test
    void shouldReadPipelinedResponsesInOrder()
    {
        final ByteBuf in = Unpooled.copiedBuffer(CREATED + REPLAYED + SHORT, StandardCharsets.US_ASCII);
        final HttpResponseScanner scanner = new HttpResponseScanner();
        assertTrue(scanner.next(in));
        assertEquals(201, scanner.status());
        assertFalse(scanner.replayed());
        assertTrue(scanner.next(in));
        assertEquals(201, scanner.status());
        assertTrue(scanner.replayed());
        assertTrue(scanner.next(in));
        assertEquals(409, scanner.status());
        assertFalse(scanner.replayed());
        assertFalse(in.isReadable());
        assertFalse(scanner.next(in));
    }

    @Test
    void shouldWaitForTheRestOfAResponseSplitAnywhere()
    {
        final byte[] bytes = (CREATED + REPLAYED).getBytes(StandardCharsets.US_ASCII);
        for (int cut = 1; cut < CREATED.length(); cut++)
        {
            final ByteBuf in = Unpooled.buffer();
            in.writeBytes(bytes, 0, cut);
            final HttpResponseScanner scanner = new HttpResponseScanner();
            assertFalse(scanner.next(in), "cut at " + cut);
            assertEquals(0, in.readerIndex(), "nothing consumed at cut " + cut);
            in.writeBytes(bytes, cut, bytes.length - cut);
            assertTrue(scanner.next(in), "cut at " + cut);
            assertFalse(scanner.replayed());
            assertTrue(scanner.next(in), "cut at " + cut);
            assertTrue(scanner.replayed());
        }
    }

    @Test
    void shouldRefuseWhatItCannotRead()
    {
        final HttpResponseScanner scanner = new HttpResponseScanner();
        assertThrows(IllegalStateException.class, () -> scanner.next(Unpooled.copiedBuffer(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", StandardCharsets.US_ASCII)));
        assertThrows(IllegalStateException.class, () -> scanner.next(Unpooled.copiedBuffer(
            "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n", StandardCharsets.US_ASCII)));
        assertThrows(IllegalStateException.class, () -> scanner.next(Unpooled.copiedBuffer(
            "SSH-2.0-OpenSSH\r\n\r\n", StandardCharsets.US_ASCII)));
    }

    @Test
    void shouldJudgeReservationAnswersByStatusAndReplay()
    {
        assertEquals(Tally.Outcome.RESERVED, HttpDriver.outcome(201, false));
        assertEquals(Tally.Outcome.DUPLICATE, HttpDriver.outcome(201, true));
        assertEquals(Tally.Outcome.REJECTED, HttpDriver.outcome(409, false));
        assertEquals(Tally.Outcome.OVERLOADED, HttpDriver.outcome(503, false));
        assertEquals(Tally.Outcome.ERROR, HttpDriver.outcome(422, false));
    }
}
