package io.stockengine.journal;

/**
 * Layout of one journal record (little-endian); bodies per type are documented in {@code docs/journal-format.md}.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  record length (header..checksum)             |  0
 *  +-------------------------------+-------------------------------+
 *  |          type (u16)           |      schema version (u16)     |  4
 *  +-------------------------------+-------------------------------+
 *  |                      sequence number (i64)                    |  8
 *  +---------------------------------------------------------------+
 *  |                 engine timestamp, epoch ms (i64)              | 16
 *  +---------------------------------------------------------------+
 *  |               correlation id of the command (i64)             | 24
 *  +---------------------------------------------------------------+
 *  |                         body ...                              | 32
 *  +---------------------------------------------------------------+
 *  |            CRC32C of every byte before it (i32)               | length - 4
 *  +---------------------------------------------------------------+
 * </pre>
 * Strings are a signed 16-bit byte count (-1 = null) followed by UTF-8 bytes.
 */
public final class RecordDescriptor
{
    public static final int LENGTH_OFFSET = 0;
    public static final int TYPE_OFFSET = 4;
    public static final int VERSION_OFFSET = 6;
    public static final int SEQ_OFFSET = 8;
    public static final int TIMESTAMP_OFFSET = 16;
    public static final int CORRELATION_OFFSET = 24;
    public static final int HEADER_LENGTH = 32;
    public static final int CHECKSUM_LENGTH = 4;
    public static final int MIN_RECORD_LENGTH = HEADER_LENGTH + CHECKSUM_LENGTH;
    /** A record can never be longer: bounds garbage lengths in a torn or corrupt file. */
    public static final int MAX_RECORD_LENGTH = 1 << 20;
    public static final int SCHEMA_VERSION = 1;

    private RecordDescriptor()
    {
    }
}
