package io.stockengine.journal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

import org.agrona.concurrent.UnsafeBuffer;

import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.Wires;

/**
 * The header of the last excerpt written, found unreadable (zeroes, typically: the page or sector holding it never
 * reached the disk before a power cut).
 * <p>
 * Chronicle's appender finds where to write next from the store's write position, which is the position of the last
 * data excerpt's header, by adding the length that header declares. A header of zeroes declares no length: a tailer
 * stops in front of it, but the appender writes four bytes further on, inside the lost excerpt, where no reader will
 * ever find it. Every event acknowledged after such a start would be lost, and the next start would refuse the
 * journal. The index cannot tell (it ends just before that excerpt), so recovery looks at the header itself before
 * replaying, and gives it back a length:
 * <ul>
 *     <li>its exact length, when the bytes after it are whole records (each checks its own CRC32C) followed by
 *     nothing: only the header was lost, and the excerpt is read again as it was written;</li>
 *     <li>otherwise a length that covers every byte the lost excerpt can have left behind: the excerpt reads as
 *     unreadable, which the replay reports as a torn tail and voids with a repair marker, as for a write cut short.</li>
 * </ul>
 * Either way the excerpt keeps its place in the numbering Chronicle's index has for it, and the next append lands
 * where readers look.
 * <p>
 * One thing may follow the last data excerpt: the index array Chronicle allocates when that excerpt's number starts
 * a new one (every 2^20 excerpts with the default roll cycle), a metadata excerpt with the same header as the
 * file's first index array. Both lengths end exactly at it, so the appender steps over it rather than writing into
 * it.
 * <p>
 * Only the last cycle file is looked at: the appender writes nowhere else. A zeroed last header in an older cycle
 * file stops readers there, and recovery refuses it as corruption in the middle.
 */
final class LastHeader
{
    /**
     * Records that end on a sector boundary may have been followed by more of the same excerpt in a sector that was
     * lost, which would restore part of a command: such an excerpt is voided, not restored.
     */
    private static final int SECTOR = 512;

    /** What was found at the write position of the last cycle file. */
    static final class Damage
    {
        File file;
        int cycle;
        long position;
        int header;
        /** The excerpt's index: the one after the queue's last readable excerpt. */
        long index;
        /** The length the header is given (restored or covering). */
        int length;
        /** Whole records found after the header; with nothing after them, the excerpt is restored. */
        int records;
        boolean restorable;

        @Override
        public String toString()
        {
            return String.format("the header of the last excerpt (0x%x), at byte %,d of %s, reads 0x%08x instead " +
                "of a length", index, position, file, header) + (restorable ?
                String.format("; the %,d records after it are whole (%,d bytes)", records, length) :
                String.format("; what follows it is not whole records alone (%,d whole; %,d bytes in all)",
                    records, length));
        }
    }

    private LastHeader()
    {
    }

    /** @return the damage at the last cycle file's write position, or null when its header is readable. */
    static Damage inspect(final SingleChronicleQueue queue, final int maxExcerptBytes)
    {
        return JournalFiles.withLastStore(queue, (cycle, store) ->
        {
            final MappedBytes bytes = store.bytes();
            try
            {
                final Damage damage = inspect(store, bytes, maxExcerptBytes);
                if (damage != null)
                {
                    damage.cycle = cycle;
                    final long last = queue.lastIndex();
                    damage.index = last >= 0 && queue.rollCycle().toCycle(last) == cycle ? last + 1 :
                        queue.rollCycle().toIndex(cycle, 0);
                }
                return damage;
            }
            finally
            {
                bytes.releaseLast();
            }
        });
    }

    /**
     * Gives the damaged header its length (see the class comment) and forces the file to the disk, so a second power
     * cut does not undo the repair after the next appends were acknowledged. Must run before anything appends.
     */
    static void repair(final SingleChronicleQueue queue, final Damage damage)
    {
        final SingleChronicleQueueStore store = queue.storeForCycle(damage.cycle, queue.epoch(), false, null);
        try
        {
            final MappedBytes bytes = store.bytes();
            try
            {
                if (!bytes.compareAndSwapInt(damage.position, damage.header, damage.length))
                {
                    throw new IllegalStateException("the header at byte " + damage.position + " of " + damage.file +
                        " changed while it was being repaired: is another process writing the journal?");
                }
            }
            finally
            {
                bytes.releaseLast();
            }
        }
        finally
        {
            queue.closeStore(store);
        }
        try (FileChannel channel = FileChannel.open(damage.file.toPath(), StandardOpenOption.READ))
        {
            channel.force(false);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot flush the repaired header of " + damage.file, ex);
        }
    }

    private static Damage inspect(final SingleChronicleQueueStore store, final MappedBytes bytes,
        final int maxExcerptBytes)
    {
        final long position = store.writePosition();
        final File file = store.file();
        // Position 0 is the store's own header (an empty file's write position), and a file too short to hold the
        // header read nothing from it.
        if (position <= 0 || position + 4 > file.length())
        {
            return null;
        }
        final int header = bytes.readVolatileInt(position);
        if (Wires.isReadyData(header) || Wires.isReadyMetaData(header))
        {
            return null;
        }
        final long body = position + 4;
        // An excerpt holds at most a batch's worth of records (the journal starts a new one past maxExcerptBytes)
        // plus the events of the one command that went over, well under a record's maximum.
        final long window = Math.min((long)Math.max(maxExcerptBytes, RecordDescriptor.MAX_RECORD_LENGTH) +
            RecordDescriptor.MAX_RECORD_LENGTH, file.length() - body);
        final byte[] copy = new byte[(int)window];
        final UnsafeBuffer buffer = new UnsafeBuffer(copy);
        // Byte by byte at absolute offsets: the bulk reads of Chronicle's bytes are relative to a read position that a
        // store's bytes do not have.
        for (int i = 0; i < copy.length; i++)
        {
            copy[i] = bytes.readByte(body + i);
        }
        final EventDecoder decoder = new EventDecoder();
        int whole = 0;
        int records = 0;
        for (int result; whole < copy.length && (result = decoder.decode(buffer, whole, copy.length, null)) > 0; )
        {
            whole += result;
            records++;
        }
        final int indexArray = indexArrayAfter(bytes, buffer, body, whole, copy.length);
        int end = indexArray >= 0 ? indexArray : copy.length;
        while (end > whole && copy[end - 1] == 0)
        {
            end--;
        }
        final Damage damage = new Damage();
        damage.file = file;
        damage.position = position;
        damage.header = header;
        damage.records = records;
        damage.restorable = records > 0 && end == whole && (body + whole) % SECTOR != 0 &&
            (indexArray < 0 || body + indexArray == ((body + whole + 3) & ~3L));
        // A covering length never declares zero (the very value that reads as no excerpt) and ends where the next
        // header is looked for: on the index array when one follows, else past the last byte left.
        damage.length = damage.restorable ? whole : indexArray >= 0 ? Math.max(4, indexArray) :
            Math.max(4, (end + 3) & ~3);
        return damage;
    }

    /**
     * The offset from {@code body} of an index array Chronicle wrote after the lost excerpt, or -1: the first
     * 4-aligned header at or after the whole records that equals the header of the file's first index array.
     */
    private static int indexArrayAfter(final MappedBytes bytes, final UnsafeBuffer copy, final long body,
        final int whole, final int length)
    {
        final int indexHeader = firstIndexArrayHeader(bytes, body);
        if (indexHeader == 0)
        {
            return -1;
        }
        for (int offset = (int)(((body + whole + 3) & ~3L) - body); offset + 4 <= length; offset += 4)
        {
            if (copy.getInt(offset) == indexHeader)
            {
                return offset;
            }
        }
        return -1;
    }

    /**
     * A cycle file starts with three metadata excerpts: the store's header, the index of index arrays and the first
     * index array. Every index array has the same length, so the same header.
     */
    private static int firstIndexArrayHeader(final MappedBytes bytes, final long limit)
    {
        long at = 0;
        int header = 0;
        for (int i = 0; i < 3 && at + 4 <= limit; i++)
        {
            header = bytes.readVolatileInt(at);
            if (!Wires.isReadyMetaData(header))
            {
                return 0;
            }
            at = (at + 4 + Wires.lengthOf(header) + 3) & ~3L;
        }
        return header;
    }
}
