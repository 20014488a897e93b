package io.stockengine.journal;

import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;

/**
 * CRC32C over a range of an Agrona buffer, using the JDK's intrinsic for heap buffers (the journal copies each
 * excerpt into one before checking it); other buffers are read byte by byte.
 */
public final class Checksums
{
    private final CRC32C crc = new CRC32C();

    public int crc32c(final DirectBuffer buffer, final int offset, final int length)
    {
        crc.reset();
        final byte[] array = buffer.byteArray();
        if (array != null)
        {
            crc.update(array, buffer.wrapAdjustment() + offset, length);
            return (int)crc.getValue();
        }
        for (int i = 0; i < length; i++)
        {
            crc.update(buffer.getByte(offset + i));
        }
        return (int)crc.getValue();
    }
}
