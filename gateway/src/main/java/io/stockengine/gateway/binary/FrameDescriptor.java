package io.stockengine.gateway.binary;

import io.netty.buffer.ByteBuf;

/**
 * Layout of a binary frame (little-endian), the unit of the TCP stream in both directions. A frame carries zero or
 * more messages: commands from a client, results from the server. An empty COMMANDS frame is a heartbeat.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |             frame length (i32): bytes after this field        |  0
 *  +---------------+---------------+-------------------------------+
 *  |  version (u8) |   kind (u8)   |        reserved (u16) = 0     |  4
 *  +---------------+---------------+-------------------------------+
 *  |            messages, each starting with its own i32 length    |  8
 *  |                              ...                              |
 *  +---------------------------------------------------------------+
 * </pre>
 * Every message begins with the same 16 bytes (see {@link CommandDescriptor} and {@link ResultDescriptor}):
 * <pre>
 *  +---------------------------------------------------------------+
 *  |          message length (i32), this field included            |  0
 *  +---------------+---------------+---------------+---------------+
 *  |   type (u8)   |    (per direction: flags, code, row kind)     |  4
 *  +---------------+-----------------------------------------------+
 *  |                    correlation id (i64)                       |  8
 *  +---------------------------------------------------------------+
 * </pre>
 * A frame is well formed when its header is right and its messages tile it exactly; anything else is a protocol
 * error that closes the connection. What is inside a message is checked per message (see {@link CommandValidator}).
 */
public final class FrameDescriptor
{
    public static final int LENGTH_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int KIND_OFFSET = 5;
    public static final int RESERVED_OFFSET = 6;
    public static final int HEADER_LENGTH = 8;
    /** Size of the length prefix; the length counts the bytes after it. */
    public static final int LENGTH_FIELD_LENGTH = 4;
    /** The smallest legal length prefix: a frame with a header and no message. */
    public static final int MIN_FRAME_LENGTH = HEADER_LENGTH - LENGTH_FIELD_LENGTH;

    public static final int VERSION = 1;
    /** Client to server. */
    public static final int KIND_COMMANDS = 1;
    /** Server to client. */
    public static final int KIND_RESULTS = 2;

    public static final int MESSAGE_LENGTH_OFFSET = 0;
    public static final int MESSAGE_TYPE_OFFSET = 4;
    public static final int MESSAGE_CORRELATION_OFFSET = 8;
    public static final int MESSAGE_HEADER_LENGTH = 16;

    /**
     * Where a sender starts a new frame: results and batches are cut near this size so that no single frame holds
     * a connection's whole backlog.
     */
    public static final int TARGET_FRAME_BYTES = 64 * 1024;

    private FrameDescriptor()
    {
    }

    /** Appends a frame header with a zero length; @return the frame's start, for {@link #endFrame}. */
    public static int beginFrame(final ByteBuf buffer, final int kind)
    {
        final int start = buffer.writerIndex();
        buffer.writeIntLE(0);
        buffer.writeByte(VERSION);
        buffer.writeByte(kind);
        buffer.writeShortLE(0);
        return start;
    }

    /** Sets the length of the frame starting at {@code start} to end at the buffer's writer index. */
    public static void endFrame(final ByteBuf buffer, final int start)
    {
        buffer.setIntLE(start + LENGTH_OFFSET, buffer.writerIndex() - start - LENGTH_FIELD_LENGTH);
    }

    /** Bytes of the frame starting at {@code start} so far, its length prefix included. */
    public static int frameBytes(final ByteBuf buffer, final int start)
    {
        return buffer.writerIndex() - start;
    }

    /**
     * Checks a whole frame (from its length prefix to its end, as {@link FrameDecoder} emits it): version, kind,
     * reserved bits, and messages that each hold at least a message header and tile the frame exactly.
     *
     * @return the number of messages, or -1 when the frame is malformed.
     */
    public static int messageCount(final ByteBuf frame, final int expectedKind)
    {
        final int start = frame.readerIndex();
        final int end = start + frame.readableBytes();
        if (end - start < HEADER_LENGTH ||
            frame.getIntLE(start + LENGTH_OFFSET) != end - start - LENGTH_FIELD_LENGTH ||
            frame.getUnsignedByte(start + VERSION_OFFSET) != VERSION ||
            frame.getUnsignedByte(start + KIND_OFFSET) != expectedKind ||
            frame.getShortLE(start + RESERVED_OFFSET) != 0)
        {
            return -1;
        }
        int count = 0;
        int offset = start + HEADER_LENGTH;
        while (offset < end)
        {
            if (end - offset < MESSAGE_HEADER_LENGTH)
            {
                return -1;
            }
            final int length = frame.getIntLE(offset + MESSAGE_LENGTH_OFFSET);
            if (length < MESSAGE_HEADER_LENGTH || length > end - offset)
            {
                return -1;
            }
            offset += length;
            count++;
        }
        return count;
    }
}
