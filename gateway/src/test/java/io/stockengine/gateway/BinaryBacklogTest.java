package io.stockengine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.ResultCode;
import io.stockengine.gateway.binary.Batches;
import io.stockengine.gateway.binary.FrameDescriptor;
import io.stockengine.gateway.binary.ResultDecoder;

/**
 * A binary client that pipelines queries with large answers and reads none: past 1 MiB unread on its connection, a
 * large answer is refused OVERLOADED (nothing applied: a read) instead of held. Four such connections with 4,000
 * queries of 10,000 rows each took a 512 MB heap (a tester): the in-flight limit counts commands, not bytes.
 */
@Timeout(120)
class BinaryBacklogTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseLargeAnswersPastTheUnreadBacklogAndAnswerInFullOnceRead() throws Exception
    {
        final List<String> log = new CopyOnWriteArrayList<>();
        final StockServer server = LocalServer.start(dir.resolve("data"), log);
        try
        {
            final int locations = 100;
            final byte[] receipts = Batches.encode(1, locations, (encoder, batch, id) ->
            {
                encoder.begin(batch, CommandType.RECEIVE, id).quantity(1).amount(1_000_000);
                encoder.strings("bb-" + id, null, null, "BB-1", "BB-L" + id, null, null);
            });
            final int queries = 2_000;
            final byte[] asks = Batches.encode(queries / 50, 50, (encoder, batch, id) ->
            {
                encoder.begin(batch, CommandType.QUERY_AVAILABILITY, id);
                encoder.strings(null, null, "bb-web", null, null, null, null);
                for (int i = 0; i < 30; i++)
                {
                    encoder.line("BB-1", null, 0);
                }
            });
            try (Socket socket = new Socket())
            {
                socket.setReceiveBufferSize(4096);
                socket.connect(new InetSocketAddress("127.0.0.1", server.tcpPort()));
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(receipts);
                final InputStream in = socket.getInputStream();
                final List<Integer> received = read(in, locations);
                assertEquals(locations, received.size());
                assertTrue(received.stream().allMatch(code -> code == ResultCode.OK), received.toString());

                final Thread sender = new Thread(() ->
                {
                    try
                    {
                        socket.getOutputStream().write(asks);
                    }
                    catch (final IOException ex)
                    {
                        throw new java.io.UncheckedIOException(ex);
                    }
                });
                sender.start();
                // Nothing read meanwhile: the answers back up in the server.
                Thread.sleep(1_500);
                final List<Integer> codes = read(in, queries);
                sender.join(30_000);
                final long answered = codes.stream().filter(code -> code == ResultCode.OK).count();
                final long refused = codes.stream().filter(code -> code == ResultCode.OVERLOADED).count();
                assertEquals(queries, answered + refused, "every query answered, in full or refused: " + codes);
                assertTrue(answered > 0 && refused > 0, answered + " answered, " + refused + " refused");

                final byte[] again = Batches.encode(1, 1, (encoder, batch, id) ->
                {
                    encoder.begin(batch, CommandType.QUERY_AVAILABILITY, id);
                    encoder.strings(null, null, "bb-web", null, null, null, null);
                    encoder.line("BB-1", null, 0);
                });
                socket.getOutputStream().write(again);
                assertEquals(List.of(ResultCode.OK), read(in, 1), "read, answered in full again");
            }
        }
        finally
        {
            server.close();
        }
    }

    /** Reads until {@code count} results have come, whole; their codes in the order they came. */
    private static List<Integer> read(final InputStream in, final int count) throws IOException
    {
        final ByteBuf bytes = Unpooled.buffer();
        final byte[] chunk = new byte[65536];
        try
        {
            for (List<Integer> codes = codes(bytes.duplicate()); ; codes = codes(bytes.duplicate()))
            {
                if (codes.size() >= count)
                {
                    return codes;
                }
                final int n = in.read(chunk);
                assertTrue(n > 0, "the connection ended after " + codes.size() + " results");
                bytes.writeBytes(chunk, 0, n);
            }
        }
        finally
        {
            bytes.release();
        }
    }

    /** The result codes of the whole frames in {@code bytes}, in the order they came. */
    private static List<Integer> codes(final ByteBuf bytes)
    {
        final List<Integer> codes = new ArrayList<>();
        final ResultDecoder result = new ResultDecoder();
        while (bytes.readableBytes() >= FrameDescriptor.HEADER_LENGTH)
        {
            final int start = bytes.readerIndex();
            final int end = start + FrameDescriptor.LENGTH_FIELD_LENGTH + bytes.getIntLE(start);
            if (end > bytes.writerIndex())
            {
                break;
            }
            for (int offset = start + FrameDescriptor.HEADER_LENGTH; offset < end; )
            {
                final int length = bytes.getIntLE(offset + FrameDescriptor.MESSAGE_LENGTH_OFFSET);
                result.wrap(bytes, offset, length);
                codes.add(result.code());
                offset += length;
            }
            bytes.readerIndex(end);
        }
        return codes;
    }
}
