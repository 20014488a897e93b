package io.stockengine.benchmarks.peers;

import io.netty.buffer.ByteBuf;

/**
 * Finds whole HTTP/1.1 responses in a byte stream and reads the two things a reservation's answer is judged by: the
 * status and the {@code Idempotent-Replayed} header. Bodies are skipped by {@code Content-Length}, which the engine
 * always sends; anything else (chunked bodies, a response without a length) is refused loudly rather than
 * misread. Lighter than Netty's codec and aggregator, so the client takes less of the two cores the server also
 * needs; wrk's parser does no more.
 */
final class HttpResponseScanner
{
    /** A header block longer than this means the stream is not what the engine sends. */
    static final int MAX_HEADER_BYTES = 16 * 1024;

    private static final String VERSION = "HTTP/1.1 ";
    private static final String CONTENT_LENGTH = "content-length:";
    private static final String REPLAYED = "idempotent-replayed:";
    private static final String TRANSFER_ENCODING = "transfer-encoding:";

    private int status;
    private boolean replayed;

    /** Status of the response {@link #next} consumed last. */
    int status()
    {
        return status;
    }

    /** Whether that response carried {@code Idempotent-Replayed: true}. */
    boolean replayed()
    {
        return replayed;
    }

    /**
     * Consumes one whole response from {@code in}.
     *
     * @return true with the reader index past the response; false, leaving {@code in} as it was, when the response
     * is not all there yet.
     * @throws IllegalStateException when the bytes are not a response this scanner can read.
     */
    boolean next(final ByteBuf in)
    {
        final int start = in.readerIndex();
        final int end = in.writerIndex();
        final int bodyStart = headerEnd(in, start, end);
        if (bodyStart < 0)
        {
            if (end - start > MAX_HEADER_BYTES)
            {
                throw new IllegalStateException("no end of HTTP headers within " + MAX_HEADER_BYTES + " bytes");
            }
            return false;
        }
        if (!matches(in, start, VERSION) || !isDigit(in, start + 9) || !isDigit(in, start + 10) ||
            !isDigit(in, start + 11))
        {
            throw new IllegalStateException("not an HTTP/1.1 status line");
        }
        final int code = (in.getByte(start + 9) - '0') * 100 + (in.getByte(start + 10) - '0') * 10 +
            in.getByte(start + 11) - '0';
        long length = -1;
        boolean isReplay = false;
        int line = lineEnd(in, start, bodyStart) + 2;
        while (line < bodyStart - 2)
        {
            final int lineEnd = lineEnd(in, line, bodyStart);
            if (matches(in, line, CONTENT_LENGTH))
            {
                length = number(in, line + CONTENT_LENGTH.length(), lineEnd);
            }
            else if (matches(in, line, REPLAYED))
            {
                isReplay = value(in, line + REPLAYED.length(), lineEnd).equalsIgnoreCase("true");
            }
            else if (matches(in, line, TRANSFER_ENCODING))
            {
                throw new IllegalStateException("Transfer-Encoding is not expected from the engine");
            }
            line = lineEnd + 2;
        }
        if (length < 0)
        {
            throw new IllegalStateException("HTTP response without Content-Length");
        }
        if (end - bodyStart < length)
        {
            return false;
        }
        in.readerIndex(bodyStart + (int)length);
        status = code;
        replayed = isReplay;
        return true;
    }

    /** Index just past the blank line that ends the headers, or -1. */
    private static int headerEnd(final ByteBuf in, final int start, final int end)
    {
        for (int i = start + 3; i < end; i++)
        {
            if (in.getByte(i) == '\n' && in.getByte(i - 1) == '\r' && in.getByte(i - 2) == '\n' &&
                in.getByte(i - 3) == '\r')
            {
                return i + 1;
            }
        }
        return -1;
    }

    /** Index of the CR ending the line that starts at {@code from} (the header block always ends in CRLF). */
    private static int lineEnd(final ByteBuf in, final int from, final int limit)
    {
        for (int i = from; i < limit - 1; i++)
        {
            if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n')
            {
                return i;
            }
        }
        return limit - 2;
    }

    /** Case-insensitive prefix match against a lower-case {@code text}. */
    private static boolean matches(final ByteBuf in, final int at, final String text)
    {
        if (at + text.length() > in.writerIndex())
        {
            return false;
        }
        for (int i = 0; i < text.length(); i++)
        {
            final int b = in.getByte(at + i);
            final int lower = b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
            if (lower != Character.toLowerCase(text.charAt(i)))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(final ByteBuf in, final int at)
    {
        final byte b = in.getByte(at);
        return b >= '0' && b <= '9';
    }

    private static long number(final ByteBuf in, final int from, final int to)
    {
        final String text = value(in, from, to);
        try
        {
            return Long.parseLong(text);
        }
        catch (final NumberFormatException e)
        {
            throw new IllegalStateException("bad Content-Length: " + text, e);
        }
    }

    private static String value(final ByteBuf in, final int from, final int to)
    {
        return in.toString(from, to - from, java.nio.charset.StandardCharsets.US_ASCII).trim();
    }
}
