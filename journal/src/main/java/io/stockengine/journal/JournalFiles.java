package io.stockengine.journal;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CheckedInputStream;

import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.InventoryState;
import net.openhft.chronicle.core.OS;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;

/**
 * What the tools need to know about the files of a data directory: the journal's cycle files and the cycle each
 * holds, the snapshots' headers, and the symbol names a snapshot carries for a journal whose start was pruned.
 */
final class JournalFiles
{
    static final String CYCLE_SUFFIX = ".cq4";

    /** One Chronicle cycle file: every excerpt whose index has this cycle is in it. */
    record CycleFile(int cycle, Path file)
    {
    }

    /** A snapshot's header, read from a file whose checksum holds. */
    record SnapshotInfo(Path file, long lastSeq, long index, long fingerprint, long writtenAt)
    {
        ReaderPosition position()
        {
            return new ReaderPosition(lastSeq, index);
        }
    }

    /** Receives symbol definitions. */
    @FunctionalInterface
    interface SymbolListener
    {
        void learn(int kind, int id, CharSequence name);
    }

    private JournalFiles()
    {
    }

    /**
     * The queue's cycle files, oldest first. Chronicle names a cycle's file by formatting the cycle's start time
     * (epoch 0, UTC) with the roll cycle's pattern, which the queue takes from the journal's own metadata.
     */
    static List<CycleFile> cycleFiles(final SingleChronicleQueue queue)
    {
        final List<CycleFile> files = new ArrayList<>();
        if (queue.firstCycle() > queue.lastCycle())
        {
            return files;
        }
        final Set<String> present;
        try (Stream<Path> list = Files.list(queue.file().toPath()))
        {
            present = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(CYCLE_SUFFIX))
                .collect(Collectors.toSet());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list " + queue.file(), ex);
        }
        // Chronicle's own listCyclesBetween throws when the first cycle's file is gone: match names instead.
        for (int cycle = queue.firstCycle(); cycle <= queue.lastCycle() && !present.isEmpty(); cycle++)
        {
            final Path file = fileOf(queue, cycle);
            if (present.remove(file.getFileName().toString()))
            {
                files.add(new CycleFile(cycle, file));
            }
        }
        return files;
    }

    /** A complete metadata header of some length, as Chronicle begins every cycle file (its 32-bit header word). */
    private static boolean readableFirstHeader(final int word)
    {
        return (word & 0xC000_0000) == 0x4000_0000 && (word & 0x3FFF_FFFF) != 0;
    }

    /**
     * Checks the first header of every cycle file before Chronicle opens them. A writable queue that cannot read a
     * file's first header in time renames the file aside ({@code .discard}) and starts the cycle afresh, and a
     * reader waits for it for ever: the events of that file would be gone without a word (a tester zeroed the first
     * page, or changed four bytes, and the engine started empty). So a damaged first header refuses the start.
     * <p>
     * One such file is not damage: the newest file all zeros, which a disk full at the moment Chronicle made the
     * file leaves (nothing is written before that header). It holds nothing; with {@code deleteUnwritten} (the
     * engine, with the data directory's lock held) it is deleted, since every reader waited for its header (a
     * restart took a minute), and Chronicle makes it again at the first append. A reader of a live journal
     * ({@code live}) skips the newest file's header while it is not complete and the file is seconds old: Chronicle
     * may be making it now.
     *
     * @throws JournalCorruptedException naming the damaged files and what to do.
     */
    static void requireReadableHeaders(final Path journalDir, final boolean deleteUnwritten, final boolean live,
        final Consumer<String> log)
    {
        if (!Files.isDirectory(journalDir))
        {
            return;
        }
        final List<Path> files;
        try (Stream<Path> list = Files.list(journalDir))
        {
            files = list.filter(f -> f.getFileName().toString().endsWith(CYCLE_SUFFIX)).sorted()
                .collect(Collectors.toList());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list " + journalDir, ex);
        }
        final List<String> damaged = new ArrayList<>();
        for (int i = 0; i < files.size(); i++)
        {
            final Path file = files.get(i);
            final boolean newest = i == files.size() - 1;
            try
            {
                final byte[] head = new byte[4];
                try (InputStream in = Files.newInputStream(file))
                {
                    if (in.readNBytes(head, 0, 4) < 4)
                    {
                        // Shorter than a header: the size check that follows the queue's opening says it was cut.
                        continue;
                    }
                }
                final int word = (head[0] & 0xFF) | (head[1] & 0xFF) << 8 | (head[2] & 0xFF) << 16 | head[3] << 24;
                if (readableFirstHeader(word) || newest && live && (word == 0 || word < 0) && beingMade(file))
                {
                    continue;
                }
                if (word == 0 && newest && allZeros(file))
                {
                    if (deleteUnwritten)
                    {
                        Files.delete(file);
                        log.accept("recovery: deleted " + file + ", a journal file whose first header was never " +
                            "written (a full disk when it was made): it held nothing");
                    }
                    continue;
                }
                damaged.add(word == 0 ? file.getFileName() + " (its first page is zeros, with data after it)" :
                    String.format("%s (header word 0x%08x)", file.getFileName(), word));
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot read " + file + " (" + FileErrors.describe(ex) + ")", ex);
            }
        }
        if (!damaged.isEmpty())
        {
            throw new JournalCorruptedException(String.format("journal file%s %s in %s: the first header is damaged, " +
                "so the events in %s cannot be read (Chronicle would set %s aside and start afresh, and they would " +
                "be lost without a word). Restore %s from a copy or backup; the engine will not start on %s, nor " +
                "read %s", damaged.size() == 1 ? "" : "s", String.join(", ", damaged), journalDir,
                damaged.size() == 1 ? "it" : "them", damaged.size() == 1 ? "the file" : "the files",
                damaged.size() == 1 ? "it" : "them", damaged.size() == 1 ? "it" : "them",
                damaged.size() == 1 ? "it" : "them"));
        }
    }

    /**
     * Chronicle completes a new file's first header right after making it, and a reader gives up on one that is not
     * complete after 10 s: a newest file changed more recently than that may be one a live engine is making now.
     */
    private static boolean beingMade(final Path file) throws IOException
    {
        return System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis() < 10_000;
    }

    private static boolean allZeros(final Path file) throws IOException
    {
        final byte[] chunk = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file))
        {
            for (int read = in.read(chunk); read >= 0; read = in.read(chunk))
            {
                for (int i = 0; i < read; i++)
                {
                    if (chunk[i] != 0)
                    {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /**
     * Chronicle only ever sizes a cycle file to whole chunks plus the overlap of its mapping (k x 64 MiB + 16 MiB with
     * the default block size), growing it with {@code setLength} and never shrinking it. A file of any other size was
     * cut short outside the engine (truncated, or copied incompletely): what it held past its end is gone, and
     * reading a mapping past the end of a file faults the JVM instead of failing a read. Checked before anything
     * maps the files: a writable queue would silently grow the file back with zeros, which then look like pages a
     * power cut lost, and the recovery would act on that.
     *
     * @param live the engine may be writing the journal (a reader's check): the newest file at 0 bytes is one Chronicle
     *             is creating right now (it sizes a new file just after creating it), not one cut short.
     * @throws JournalCorruptedException naming the files that were cut and what to do.
     */
    static void requireWhole(final SingleChronicleQueue queue, final boolean live)
    {
        final String cut = cutShort(queue, live);
        if (cut != null)
        {
            throw new JournalCorruptedException(cut + ".");
        }
        // Every file's first header, read as Chronicle reads it: one that only looks whole would otherwise fail a
        // reader mid-journal, or the engine's start, with Chronicle's exception. The newest file is read by
        // cutShort's last-header check.
        final List<CycleFile> files = cycleFiles(queue);
        for (int i = 0; i < files.size() - 1; i++)
        {
            final SingleChronicleQueueStore store = openStore(queue, files.get(i).cycle());
            if (store != null)
            {
                queue.closeStore(store);
            }
        }
    }

    /** @return null when every cycle file is whole (see {@link #requireWhole}), else which are not and what to do. */
    private static String cutShort(final SingleChronicleQueue queue, final boolean live)
    {
        final long chunk = OS.pageAlign(queue.blockSize());
        final long overlap = queue.overlapSize();
        final List<String> cut = new ArrayList<>();
        try (Stream<Path> list = Files.list(queue.file().toPath()))
        {
            final List<Path> files = list.filter(f -> f.getFileName().toString().endsWith(CYCLE_SUFFIX)).sorted()
                .collect(Collectors.toList());
            for (int i = 0; i < files.size(); i++)
            {
                final Path file = files.get(i);
                final long size = Files.size(file);
                if (live && size == 0 && i == files.size() - 1)
                {
                    continue;
                }
                if (size < chunk + overlap || (size - overlap) % chunk != 0)
                {
                    cut.add(String.format("%s (%,d bytes)", file.getFileName(), size));
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list " + queue.file(), ex);
        }
        if (cut.isEmpty())
        {
            final String past = lastHeaderPastTheEnd(queue);
            if (past != null)
            {
                cut.add(past);
            }
        }
        return cut.isEmpty() ? null : String.format("journal file%s %s in %s %s cut short: Chronicle only makes " +
            "files of one or more %,d-byte chunks plus %,d bytes, holding every excerpt it wrote, so %s truncated or " +
            "copied incompletely, and " +
            "the events past %s end are lost (acknowledged ones among them). Restore %s from a copy or backup; the " +
            "engine will not start on %s, nor read %s", cut.size() == 1 ? "" : "s", String.join(", ", cut),
            queue.file(), cut.size() == 1 ? "was" : "were", chunk, overlap, cut.size() == 1 ? "it was" : "they were",
            cut.size() == 1 ? "its" : "their", cut.size() == 1 ? "it" : "them", cut.size() == 1 ? "it" : "them",
            cut.size() == 1 ? "it" : "them");
    }

    /**
     * A file cut at a size Chronicle could have given it still loses its end. The store's header, at the file's
     * start, keeps the position of the last excerpt Chronicle completed: when that lies past the file's end, the
     * excerpts up to it are gone, and a replay would take the last one it can read for a torn tail and void it.
     *
     * @return the last cycle file, its size and where its last excerpt was, when that is past its end; else null.
     */
    private static String lastHeaderPastTheEnd(final SingleChronicleQueue queue)
    {
        return withLastStore(queue, (cycle, store) ->
        {
            final Path file = fileOf(queue, cycle);
            final long size;
            try
            {
                size = Files.size(file);
            }
            catch (final IOException ex)
            {
                return null;
            }
            final long last = store.writePosition();
            return last + 4 > size ? String.format("%s (%,d bytes, its last excerpt was at byte %,d)",
                file.getFileName(), size, last) : null;
        });
    }

    /** Reads the store of the queue's last cycle file. */
    interface LastStoreReader<T>
    {
        T read(int cycle, SingleChronicleQueueStore store);
    }

    /** @return what {@code reader} made of the last cycle's store, or null when the queue has no cycle file. */
    static <T> T withLastStore(final SingleChronicleQueue queue, final LastStoreReader<T> reader)
    {
        final int cycle = queue.lastCycle();
        if (cycle == Integer.MIN_VALUE)
        {
            return null;
        }
        final SingleChronicleQueueStore store = openStore(queue, cycle);
        if (store == null)
        {
            return null;
        }
        try
        {
            return reader.read(cycle, store);
        }
        finally
        {
            queue.closeStore(store);
        }
    }

    /**
     * Chronicle's store of a cycle, or null when it has no file. A first header whose word looks whole but whose
     * content is not Chronicle's (random bytes pass the word check one time in four) fails inside Chronicle with a
     * {@code StreamCorruptedException} thrown unchecked: said here as the damage it is, in the words of
     * {@link #requireReadableHeaders}, rather than as a stack trace.
     *
     * @throws JournalCorruptedException when the file's first header cannot be read.
     */
    static SingleChronicleQueueStore openStore(final SingleChronicleQueue queue, final int cycle)
    {
        try
        {
            return queue.storeForCycle(cycle, queue.epoch(), false, null);
        }
        catch (final Exception ex)
        {
            final Path file = fileOf(queue, cycle);
            throw new JournalCorruptedException(String.format("journal file %s in %s: the first header is damaged " +
                "(%s), so the events in it cannot be read. Restore it from a copy or backup; the engine will not " +
                "start on it, nor read it", file.getFileName(), queue.file(), ex.getMessage()), ex);
        }
    }

    static Path fileOf(final SingleChronicleQueue queue, final int cycle)
    {
        final RollCycle rollCycle = queue.rollCycle();
        final DateTimeFormatter format = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
        return queue.file().toPath()
            .resolve(format.format(Instant.ofEpochMilli((long)cycle * rollCycle.lengthInMillis())) + CYCLE_SUFFIX);
    }

    /**
     * Chronicle keeps the first and last cycle in the journal's metadata and only a writable queue corrects them
     * when files go. After cycle files were deleted without {@code prune}, a read-only tailer at the start finds
     * nothing and would report an empty journal; this says so instead.
     *
     * @return null when the first cycle the metadata names has its file, else what is wrong and how to fix it.
     */
    static String staleListing(final SingleChronicleQueue queue)
    {
        if (queue.firstCycle() > queue.lastCycle())
        {
            return null;
        }
        final Path first = fileOf(queue, queue.firstCycle());
        return Files.exists(first) ? null : "the journal's metadata says it starts with " + first.getFileName() +
            ", which was deleted; files deleted by hand leave it stale: starting the engine, or running prune, " +
            "corrects it";
    }

    /** The cycle of the file holding excerpt {@code index}. */
    static int cycleOf(final SingleChronicleQueue queue, final long index)
    {
        return queue.rollCycle().toCycle(index);
    }

    /**
     * Reads a snapshot's header and checks the CRC32C over the whole file, streaming it, so that a large state is
     * checked without being loaded. The layout is {@link SnapshotStore}'s.
     */
    static SnapshotInfo readSnapshot(final Path file) throws IOException
    {
        final long size = Files.size(file);
        final int shortest = 8 + 4 + 8 + 8 + 8;
        if (size < shortest + 8)
        {
            throw new IOException("too short to be a snapshot");
        }
        final CRC32C crc = new CRC32C();
        try (InputStream raw = Files.newInputStream(file);
             BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16))
        {
            final CheckedInputStream checked = new CheckedInputStream(buffered, crc);
            final DataInputStream in = new DataInputStream(checked);
            if (in.readLong() != SnapshotStore.MAGIC)
            {
                throw new IOException("not a snapshot file");
            }
            final int format = in.readInt();
            if (format != SnapshotStore.FORMAT && format != SnapshotStore.FORMAT_WITHOUT_FINGERPRINT)
            {
                throw new IOException("snapshot format " + format + " is not " + SnapshotStore.FORMAT + " or " +
                    SnapshotStore.FORMAT_WITHOUT_FINGERPRINT);
            }
            final long lastSeq = in.readLong();
            final long index = in.readLong();
            final boolean fingerprinted = format == SnapshotStore.FORMAT;
            final long fingerprint = fingerprinted ? in.readLong() : -1;
            final int header = shortest + (fingerprinted ? 8 : 0);
            final long writtenAt = in.readLong();
            final byte[] chunk = new byte[1 << 16];
            long remaining = size - header - 8;
            while (remaining > 0)
            {
                final int read = checked.read(chunk, 0, (int)Math.min(chunk.length, remaining));
                if (read < 0)
                {
                    throw new IOException("ends early");
                }
                remaining -= read;
            }
            final long expected = crc.getValue();
            if (new DataInputStream(buffered).readLong() != expected)
            {
                throw new IOException("checksum mismatch");
            }
            return new SnapshotInfo(file, lastSeq, index, fingerprint, writtenAt);
        }
    }

    /** The snapshots that check out, newest first; each one that does not is reported to {@code problems}. */
    static List<SnapshotInfo> snapshots(final JournalConfig config, final Consumer<String> problems) throws IOException
    {
        final List<SnapshotInfo> result = new ArrayList<>();
        for (final Path file : new SnapshotStore(config.snapshotDir(), Integer.MAX_VALUE).list())
        {
            try
            {
                result.add(readSnapshot(file));
            }
            catch (final IOException ex)
            {
                problems.accept("snapshot " + file + " is unusable: " + ex.getMessage());
            }
        }
        return result;
    }

    /**
     * Teaches {@code listener} the names the newest snapshot holds, for a journal whose first events (and so the
     * symbol events that named the oldest SKUs, locations and channels) were pruned. Loads the whole state: the
     * names sit inside it.
     */
    static void learnSnapshotSymbols(final JournalConfig config, final SymbolListener listener,
        final Consumer<String> log)
    {
        final SnapshotStore.Loaded loaded =
            new SnapshotStore(config.snapshotDir(), config.snapshotsKept()).loadNewest(new EngineConfig(), log);
        if (loaded == null)
        {
            log.accept("the journal's first events were pruned and there is no snapshot: names defined in them " +
                "show as #id");
            return;
        }
        learnSymbols(loaded.state(), listener);
    }

    /** Tells the listener every symbol name a state holds. */
    static void learnSymbols(final InventoryState state, final SymbolListener listener)
    {
        for (int kind = 0; kind < 3; kind++)
        {
            for (int id = 0; id < state.symbolCount(kind); id++)
            {
                final String name = state.symbolName(kind, id);
                if (name != null)
                {
                    listener.learn(kind, id, name);
                }
            }
        }
    }
}
