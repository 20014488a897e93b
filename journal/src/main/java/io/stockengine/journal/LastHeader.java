package io.stockengine.journal;

import java.io.File;

import org.agrona.concurrent.UnsafeBuffer;

import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.Wires;

/**
 * The header of the last excerpt written, found unreadable (zeroes, typically: the page holding it never reached the
 * disk before a power cut).
 * <p>
 * Chronicle's appender finds where to write next from the store's write position, which is the position of the last
 * excerpt's header, by adding the length that header declares. A header of zeroes declares no length: a tailer stops
 * in front of it, but the appender writes four bytes further on, inside the lost excerpt, where no reader will ever
 * find it. Every event acknowledged after such a start would be lost, and the next start would refuse the journal.
 * The index cannot tell (it still ends at that excerpt), so recovery looks at the header itself before replaying, and
 * gives it back a length:
 * <ul>
 *     <li>its exact length, when the bytes after it are whole records (each checks its own CRC32C) followed by nothing:
 *     only the header was lost, and the excerpt is read again as it was written;</li>
 *     <li>otherwise a length that covers every byte the lost excerpt can have left behind: the excerpt reads as
 *     unreadable, which the replay reports as a torn tail and voids with a repair marker, as for a write cut short.</li>
 * </ul>
 * Either way the excerpt keeps its place in the numbering Chronicle's index has for it, and the next append lands
 * where readers look.
 */
final class LastHeader
{
    /** What was found at the write position of the last cycle file. */
    static final class Damage
    {
        File file;
        long position;
        int header;
        /** The length the header is given (restored or covering). */
        int length;
        /** Whole records found after the header; with nothing after them, the excerpt is restored. */
        int records;
        boolean restorable;

        @Override
        public String toString()
        {
            return String.format("the header of the last excerpt, at byte %,d of %s, reads 0x%08x instead of a " +
                "length", position, file, header) + (restorable ?
                String.format("; the %,d records after it are whole (%,d bytes)", records, length) :
                String.format("; what follows it is not whole records (%,d whole, then %,d bytes in all)",
                    records, length));
        }
    }

    private LastHeader()
    {
    }

    /** @return the damage at the last cycle file's write position, or null when its header is readable. */
    static Damage inspect(final SingleChronicleQueue queue, final int maxExcerptBytes)
    {
        return visit(queue, maxExcerptBytes, false);
    }

    /**
     * Gives a damaged last header a length (see the class comment). Must run before anything appends.
     *
     * @return what was repaired, or null when the header was readable.
     */
    static Damage repair(final SingleChronicleQueue queue, final int maxExcerptBytes)
    {
        return visit(queue, maxExcerptBytes, true);
    }

    private static Damage visit(final SingleChronicleQueue queue, final int maxExcerptBytes, final boolean repair)
    {
        final int cycle = queue.lastCycle();
        if (cycle == Integer.MIN_VALUE)
        {
            return null;
        }
        final SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
        if (store == null)
        {
            return null;
        }
        try
        {
            final MappedBytes bytes = store.bytes();
            try
            {
                return visit(store, bytes, maxExcerptBytes, repair);
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
    }

    private static Damage visit(final SingleChronicleQueueStore store, final MappedBytes bytes,
        final int maxExcerptBytes, final boolean repair)
    {
        final long position = store.writePosition();
        final File file = store.file();
        // Position 0 is the store's own header, and a file too short to hold the header read nothing from it.
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
        // plus the one record that went over.
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
        int end = copy.length;
        while (end > whole && copy[end - 1] == 0)
        {
            end--;
        }
        final Damage damage = new Damage();
        damage.file = file;
        damage.position = position;
        damage.header = header;
        damage.records = records;
        damage.restorable = records > 0 && end == whole;
        // A covering length ends on a header boundary (headers are 4-byte aligned) and is never zero, since a
        // header declaring no length is the very value that reads as no excerpt.
        damage.length = damage.restorable ? whole : Math.max(4, (end + 3) & ~3);
        if (repair && !bytes.compareAndSwapInt(position, header, damage.length))
        {
            throw new IllegalStateException("the header at byte " + position + " of " + file +
                " changed while it was being repaired: is another process writing the journal?");
        }
        return damage;
    }
}
