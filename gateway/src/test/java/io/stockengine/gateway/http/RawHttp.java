package io.stockengine.gateway.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, for what the JDK client will not do: pipelining, exact bytes, forbidden headers,
 * and watching the connection itself. The server always answers with a Content-Length, which is all this reads.
 */
final class RawHttp implements AutoCloseable
{
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(final int port)
    {
        this(port, 0);
    }

    /**
     * With a receive buffer of this many bytes (0: the system's, which grows to megabytes): a small one makes unread
     * answers back up into the server after a few kilobytes.
     */
    RawHttp(final int port, final int receiveBufferBytes)
    {
        try
        {
            socket = new Socket();
            if (receiveBufferBytes > 0)
            {
                // Before connecting: the window scale is agreed in the handshake.
                socket.setReceiveBufferSize(receiveBufferBytes);
            }
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(20_000);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = socket.getOutputStream();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * A request with Host, and with Content-Type and Content-Length when there is a body; headers are pairs. The
     * result holds one byte per char (the body as UTF-8), ready for {@link #write(String)}.
     */
    static String request(final String method, final String path, final String body, final String... headers)
    {
        return bytes(method, path, body == null ? null :
            new String(body.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1), headers);
    }

    /** As {@link #request} with a body given byte for byte (one char per byte), e.g. to send invalid UTF-8. */
    static String bytes(final String method, final String path, final String body, final String... headers)
    {
        final StringBuilder text = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
            .append("Host: 127.0.0.1\r\n");
        boolean typed = false;
        for (int i = 0; i < headers.length; i += 2)
        {
            text.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            typed |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (body != null)
        {
            // JSON unless the caller gave a Content-Type of its own (two are refused).
            text.append(typed ? "" : "Content-Type: application/json\r\n")
                .append("Content-Length: ").append(body.length()).append("\r\n");
        }
        return text.append("\r\n").append(body == null ? "" : body).toString();
    }

    /** Writes one byte per char, as {@link #request} prepares them. */
    RawHttp write(final String bytes)
    {
        return write(bytes.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Writes bytes. A server that refuses a request early (413, 431) may close before all of it is written: the
     * write then fails with a reset, which is ignored, since its answer has arrived and can still be read.
     */
    RawHttp write(final byte[] bytes)
    {
        try
        {
            out.write(bytes);
            out.flush();
        }
        catch (final SocketException ex)
        {
            // The connection is gone; read() reports whatever the server answered before closing it.
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return this;
    }

    /** Ends this side of the connection (a FIN), as a batch tool does after its last request; reading goes on. */
    RawHttp shutdownOutput()
    {
        try
        {
            socket.shutdownOutput();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return this;
    }

    /** Reads one answer; null when the server closed the connection before one began. */
    Reply read()
    {
        try
        {
            return read(in);
        }
        catch (final SocketException ex)
        {
            // A reset after the server closed: the same as a close for every caller here.
            return null;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Reads the status line and headers of an answer whose body is streamed in chunks; null when closed. */
    Reply readHead()
    {
        try
        {
            final String statusLine = line(in);
            if (statusLine == null)
            {
                return null;
            }
            final Map<String, String> headers = new TreeMap<>();
            String header;
            while ((header = line(in)) != null && !header.isEmpty())
            {
                final int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    header.substring(colon + 1).trim());
            }
            return new Reply(Integer.parseInt(statusLine.substring(9, 12)), Collections.unmodifiableMap(headers), "");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Reads one chunk of a chunked body as UTF-8; null at the last chunk or when the connection closed. */
    String readChunk()
    {
        try
        {
            final String size = line(in);
            if (size == null || size.isEmpty())
            {
                return null;
            }
            final int length = Integer.parseInt(size.trim(), 16);
            if (length == 0)
            {
                return null;
            }
            final byte[] chunk = in.readNBytes(length);
            line(in);
            return new String(chunk, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** One line of a body that is not chunked (an HTTP/1.0 event stream), without its end; null at the end. */
    String readLine()
    {
        try
        {
            return line(in);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Every answer in these bytes, e.g. what an embedded channel wrote. */
    static List<Reply> parseAll(final byte[] bytes)
    {
        final InputStream stream = new java.io.ByteArrayInputStream(bytes);
        final List<Reply> replies = new ArrayList<>();
        try
        {
            Reply reply;
            while ((reply = read(stream)) != null)
            {
                replies.add(reply);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return replies;
    }

    private static Reply read(final InputStream in) throws IOException
    {
        final String statusLine = line(in);
        if (statusLine == null)
        {
            return null;
        }
        if (!statusLine.startsWith("HTTP/1.1 "))
        {
            throw new IllegalStateException("not an HTTP/1.1 status line: " + statusLine);
        }
        final int status = Integer.parseInt(statusLine.substring(9, 12));
        final Map<String, String> headers = new TreeMap<>();
        String header;
        while ((header = line(in)) != null && !header.isEmpty())
        {
            final int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        if (header == null)
        {
            throw new IllegalStateException("connection closed inside the headers of a " + status);
        }
        final int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        final byte[] body = in.readNBytes(length);
        if (body.length != length)
        {
            throw new IllegalStateException("connection closed inside the body of a " + status);
        }
        return new Reply(status, Collections.unmodifiableMap(headers), new String(body, StandardCharsets.UTF_8));
    }

    /** Writes one request and reads its answer. */
    Reply exchange(final String request)
    {
        return write(request).read();
    }

    /** True when the server sent something (or closed) within the time, which stays to be read. */
    boolean readable(final int timeoutMillis)
    {
        try
        {
            socket.setSoTimeout(timeoutMillis);
            in.mark(1);
            in.read();
            in.reset();
            return true;
        }
        catch (final SocketTimeoutException ex)
        {
            return false;
        }
        catch (final IOException ex)
        {
            return true;
        }
    }

    /** True when the server has closed the connection (end of stream or reset) within the timeout. */
    boolean closedByServer(final int timeoutMillis)
    {
        try
        {
            socket.setSoTimeout(timeoutMillis);
            return in.read() < 0;
        }
        catch (final SocketTimeoutException ex)
        {
            return false;
        }
        catch (final SocketException ex)
        {
            return true;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static String line(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0)
        {
            if (b == '\n')
            {
                final byte[] bytes = line.toByteArray();
                final int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        if (line.size() > 0)
        {
            throw new IOException("connection closed inside a line");
        }
        return null;
    }

    @Override
    public void close()
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignored)
        {
            // Nothing to do about a socket that will not close in a test.
        }
    }
}
