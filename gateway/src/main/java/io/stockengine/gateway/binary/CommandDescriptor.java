package io.stockengine.gateway.binary;

/**
 * Layout of a command message (little-endian). One layout serves every {@link io.stockengine.engine.CommandType},
 * like the engine's own ring slot: each type reads the fields listed in {@code docs/binary-protocol.md} and the
 * others must be zero or absent.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |              message length (i32), this field included        |  0
 *  +---------------+---------------+-------------------------------+
 *  |   type (u8)   |   flag (u8)   |        line count (u16)       |  4
 *  +---------------+---------------+-------------------------------+
 *  |                 correlation id (i64), never 0                 |  8
 *  +---------------------------------------------------------------+
 *  |                        quantity (i64)                         | 16
 *  +---------------------------------------------------------------+
 *  |                        quantity2 (i64)                        | 24
 *  +---------------------------------------------------------------+
 *  |                amount (i64): money in millionths              | 32
 *  +---------------------------------------------------------------+
 *  |       time (i64): ttl seconds, or a time in epoch ms          | 40
 *  +---------------+---------------+---------------+---------------+
 *  |  bucket (u8)  | bucket2 (u8)  |  reason (u8)  | reserved (u8) | 48
 *  +---------------+---------------+---------------+---------------+
 *  |  strings, in this order: key, order id, channel, sku,         | 52
 *  |  location, location2, reference; each a u8 byte count         |
 *  |  (0 = absent) and that many UTF-8 bytes                       |
 *  +---------------------------------------------------------------+
 *  |  lines, line count times: sku string, location string,        |
 *  |  quantity (i64)                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 * The message ends exactly after its last line.
 */
public final class CommandDescriptor
{
    public static final int LENGTH_OFFSET = FrameDescriptor.MESSAGE_LENGTH_OFFSET;
    public static final int TYPE_OFFSET = FrameDescriptor.MESSAGE_TYPE_OFFSET;
    public static final int FLAG_OFFSET = 5;
    public static final int LINE_COUNT_OFFSET = 6;
    public static final int CORRELATION_OFFSET = FrameDescriptor.MESSAGE_CORRELATION_OFFSET;
    public static final int QUANTITY_OFFSET = 16;
    public static final int QUANTITY2_OFFSET = 24;
    public static final int AMOUNT_OFFSET = 32;
    public static final int TIME_OFFSET = 40;
    public static final int BUCKET_OFFSET = 48;
    public static final int BUCKET2_OFFSET = 49;
    public static final int REASON_OFFSET = 50;
    public static final int RESERVED_OFFSET = 51;
    public static final int STRINGS_OFFSET = 52;
    /** A command with every string absent and no line. */
    public static final int MIN_LENGTH = STRINGS_OFFSET + 7;

    /** The string slots, in wire order. */
    public static final int KEY = 0;
    public static final int ORDER_ID = 1;
    public static final int CHANNEL = 2;
    public static final int SKU = 3;
    public static final int LOCATION = 4;
    public static final int LOCATION2 = 5;
    public static final int REFERENCE = 6;
    public static final int STRING_COUNT = 7;

    /** The longest string a u8 count can carry; the protocol's own limits are lower (see {@link CommandValidator}). */
    public static final int MAX_STRING_BYTES = 255;
    public static final int MAX_LINE_COUNT = 0xFFFF;

    private CommandDescriptor()
    {
    }
}
