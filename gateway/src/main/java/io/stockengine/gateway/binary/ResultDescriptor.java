package io.stockengine.gateway.binary;

/**
 * Layout of a result message (little-endian): the answer to one command, carrying the outputs of the engine's ring
 * slot. Rows follow the layout named by the row kind ({@link RowKind}).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |              message length (i32), this field included        |  0
 *  +---------------+---------------+---------------+---------------+
 *  |   type (u8)   |   code (u8)   |   flags (u8)  | row kind (u8) |  4
 *  +---------------+---------------+---------------+---------------+
 *  |         correlation id (i64) of the command answered          |  8
 *  +---------------------------------------------------------------+
 *  |                 seq (i64): journal sequence number            | 16
 *  +---------------------------------------------------------------+
 *  |     out time (i64): order expiry in epoch ms, channel buffer  | 24
 *  +---------------------------------------------------------------+
 *  |     status (i32): order status, channel's location count      | 32
 *  +---------------------------------------------------------------+
 *  |                        row count (i32)                        | 36
 *  +---------------------------------------------------------------+
 *  |            item count (i32): availability totals              | 40
 *  +---------------------------------------------------------------+
 *  |                        reserved (i32) = 0                     | 44
 *  +---------------------------------------------------------------+
 *  |  strings: field, name, name2, name3; each a u8 byte count     | 48
 *  |  (0 = absent) and that many UTF-8 bytes                       |
 *  +---------------------------------------------------------------+
 *  |  rows, row count times: sku string, location string, then     |
 *  |  the row kind's number of i64 values                          |
 *  +---------------------------------------------------------------+
 *  |  item totals: item count times an i64                         |
 *  +---------------------------------------------------------------+
 * </pre>
 * Flags: bit 0 = replayed (the answer repeats an earlier success with the same client id).
 */
public final class ResultDescriptor
{
    public static final int LENGTH_OFFSET = FrameDescriptor.MESSAGE_LENGTH_OFFSET;
    public static final int TYPE_OFFSET = FrameDescriptor.MESSAGE_TYPE_OFFSET;
    public static final int CODE_OFFSET = 5;
    public static final int FLAGS_OFFSET = 6;
    public static final int ROW_KIND_OFFSET = 7;
    public static final int CORRELATION_OFFSET = FrameDescriptor.MESSAGE_CORRELATION_OFFSET;
    public static final int SEQ_OFFSET = 16;
    public static final int OUT_TIME_OFFSET = 24;
    public static final int STATUS_OFFSET = 32;
    public static final int ROW_COUNT_OFFSET = 36;
    public static final int ITEM_COUNT_OFFSET = 40;
    public static final int RESERVED_OFFSET = 44;
    public static final int STRINGS_OFFSET = 48;
    /** A result with every string absent, no row and no item. */
    public static final int MIN_LENGTH = STRINGS_OFFSET + 4;

    public static final int FLAG_REPLAYED = 1;

    /** The string slots, in wire order. */
    public static final int FIELD = 0;
    public static final int NAME = 1;
    public static final int NAME2 = 2;
    public static final int NAME3 = 3;
    public static final int STRING_COUNT = 4;

    private ResultDescriptor()
    {
    }
}
