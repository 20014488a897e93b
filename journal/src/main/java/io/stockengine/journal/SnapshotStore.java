package io.stockengine.journal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.InventoryState;
import io.stockengine.engine.PageReserve;

/**
 * Snapshot files: {@code snapshot-<seq>.bin}, each a versioned header, the state, and a CRC32C of everything before
 * it. Written to a temporary file, forced to disk and renamed, so a crash never leaves a half snapshot under a real
 * name; loading takes the newest one that checks out and says why it skipped any other.
 * <pre>
 *   magic "STKSNAP1" | format version (i32) | last seq (i64) | journal excerpt index (i64) | written at (i64)
 *   | state (InventoryState.writeSnapshot) | CRC32C of all the above (i64)
 * </pre>
 */
public final class SnapshotStore
{
    /** What a damaged snapshot is renamed with, by the engine at its start. */
    public static final String UNUSABLE = ".unusable";

    /** Set by {@link #write} when the snapshot was written but older ones could not be deleted. */
    private volatile IOException pruneFailure;

    static final long MAGIC = 0x53544B534E415031L;
    /** Format 2 adds the fingerprint of the excerpt the snapshot was taken after; format 1 is still read. */
    static final int FORMAT = 2;
    static final int FORMAT_WITHOUT_FINGERPRINT = 1;
    private static final String PREFIX = "snapshot-";
    private static final String SUFFIX = ".bin";

    private final Path dir;
    private final int kept;

    /** Whether a file's name is a snapshot's ({@code snapshot-<seq>.bin}). */
    static boolean isSnapshotName(final String name)
    {
        return name.startsWith(PREFIX) && name.endsWith(SUFFIX);
    }

    /** A snapshot read back: the state, the seq it holds, and the journal excerpt it was taken at. */
    /**
     * @param fingerprint the {@link ExcerptScanner#fingerprint} of excerpt {@code nextIndex} when the snapshot was
     *                    taken, which recovery checks to refuse a snapshot from another journal; -1 when not known.
     */
    public record Loaded(InventoryState state, long lastSeq, long nextIndex, long fingerprint, Path file)
    {
    }

    public SnapshotStore(final Path dir, final int kept)
    {
        this.dir = dir;
        this.kept = kept;
    }

    public Path dir()
    {
        return dir;
    }

    /**
     * Writes a snapshot of {@code state}, which holds every event up to the end of journal excerpt
     * {@code excerptIndex}, without that excerpt's fingerprint (tools and tests that write one beside a journal).
     * Keeps the newest {@code kept} snapshots.
     */
    public Path write(final InventoryState state, final long excerptIndex) throws IOException
    {
        return write(state, excerptIndex, -1);
    }

    /** As {@link #write(InventoryState, long)}, recording the excerpt's fingerprint (see {@link Loaded#fingerprint}). */
    public Path write(final InventoryState state, final long excerptIndex, final long fingerprint) throws IOException
    {
        Files.createDirectories(dir);
        final Path file = dir.resolve(String.format("%s%020d%s", PREFIX, state.lastSeq(), SUFFIX));
        final Path tmp = dir.resolve(file.getFileName() + ".tmp");
        final CRC32C crc = new CRC32C();
        try
        {
            // The checksum sits under the buffer, so it runs over whole 1 MiB chunks: above it, it would be updated
            // a byte at a time, as DataOutputStream writes an int as four single bytes. The bytes, and so the
            // checksum, are the same either way; flush() below pushes them all through it before its value is
            // written.
            try (OutputStream raw = Files.newOutputStream(tmp);
                 CheckedOutputStream checked = new CheckedOutputStream(raw, crc);
                 DataOutputStream out = new DataOutputStream(new BufferedOutputStream(checked, 1 << 20)))
            {
                out.writeLong(MAGIC);
                out.writeInt(FORMAT);
                out.writeLong(state.lastSeq());
                out.writeLong(excerptIndex);
                out.writeLong(fingerprint);
                out.writeLong(System.currentTimeMillis());
                state.writeSnapshot(out);
                out.flush();
                out.writeLong(crc.getValue());
            }
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE))
            {
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            // A half-written file (a full disk) would hold the space until the next success; it is never loaded.
            DurableFiles.deleteQuietly(tmp);
            // A write's own error ("No space left on device") names no file: the operator needs to know which.
            throw ex instanceof java.nio.file.FileSystemException ? ex :
                new IOException(file + ": " + FileErrors.describe(ex), ex);
        }
        try
        {
            prune(file);
            pruneFailure = null;
        }
        catch (final IOException ex)
        {
            // The snapshot is written and in place: older ones left behind take disk, not correctness.
            pruneFailure = ex;
        }
        return file;
    }

    /** Why the last write could not delete the snapshots past the newest kept, or null when it could. */
    public IOException pruneFailure()
    {
        return pruneFailure;
    }

    /**
     * Keeps the snapshot just written and the newest before it, {@code kept} in all. A file named for a later seq
     * than the one just written is none of the engine's (the journal is not there yet: a file copied in, or garbage)
     * and neither counts nor is deleted: counted, it pushed every snapshot the engine wrote out as soon as it was
     * written (a tester), and a restart then had none to start from.
     */
    private void prune(final Path written) throws IOException
    {
        final long writtenSeq = seqOf(written);
        int keptSoFar = 0;
        for (final Path file : list())
        {
            final long seq;
            try
            {
                seq = seqOf(file);
            }
            catch (final NumberFormatException ex)
            {
                continue;
            }
            if (seq > writtenSeq)
            {
                continue;
            }
            if (keptSoFar < kept)
            {
                keptSoFar++;
                continue;
            }
            Files.deleteIfExists(file);
        }
    }

    /**
     * Deletes snapshot files a killed writer left half written ({@code snapshot-<seq>.bin.tmp}): never loaded, they
     * only held disk until now. Called at start, under the data directory's lock, when nothing can be writing one.
     */
    public void deleteUnfinished(final Consumer<String> log)
    {
        if (!Files.isDirectory(dir))
        {
            return;
        }
        try (Stream<Path> files = Files.list(dir))
        {
            for (final Path file : files.filter(p -> p.getFileName().toString().startsWith(PREFIX) &&
                p.getFileName().toString().endsWith(SUFFIX + ".tmp")).toList())
            {
                Files.deleteIfExists(file);
                log.accept("recovery: deleted " + file + ", a snapshot whose writing was cut short");
            }
        }
        catch (final IOException ex)
        {
            // Disk held, nothing more: the snapshots and the journal are what recovery reads.
            log.accept("recovery: could not delete unfinished snapshots in " + dir + " (" + ex + ")");
        }
    }

    /** Snapshot files, newest first. */
    public List<Path> list() throws IOException
    {
        if (!Files.isDirectory(dir))
        {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir))
        {
            final List<Path> result = new ArrayList<>(files
                .filter(p -> p.getFileName().toString().startsWith(PREFIX) && p.getFileName().toString().endsWith(SUFFIX))
                .sorted()
                .toList());
            java.util.Collections.reverse(result);
            return result;
        }
    }

    /** The newest snapshot that reads back whole, or null when there is none. */
    public Loaded loadNewest(final EngineConfig config, final Consumer<String> log)
    {
        return loadNewest(config, PageReserve.NONE, log);
    }

    /** The newest snapshot that reads back whole, its state's new pages taken from {@code pages}; or null. */
    public Loaded loadNewest(final EngineConfig config, final PageReserve pages, final Consumer<String> log)
    {
        return loadNewest(config, pages, log, false);
    }

    /**
     * As {@link #loadNewest(EngineConfig, PageReserve, Consumer)}; with {@code setAside} (the engine, which owns the
     * directory; the tools only read) a damaged snapshot ({@link Damaged}) is renamed {@code <name>.unusable}: left
     * in place, it would count among the kept ones, so the next snapshots would prune the good ones behind it, and
     * {@code verify} would fail on it until then.
     */
    public Loaded loadNewest(final EngineConfig config, final PageReserve pages, final Consumer<String> log,
        final boolean setAside)
    {
        try
        {
            for (final Path file : list())
            {
                try
                {
                    return load(file, config, pages);
                }
                catch (final IOException | RuntimeException ex)
                {
                    log.accept("snapshot " + file + " is unusable (" + ex.getMessage() + ")" +
                        (setAside && ex instanceof Damaged ? setAside(file) : "") + "; trying an older one");
                }
            }
            return null;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list snapshots in " + dir, ex);
        }
    }

    private static String setAside(final Path file)
    {
        final Path aside = file.resolveSibling(file.getFileName() + UNUSABLE);
        try
        {
            Files.move(file, aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return "; set aside as " + aside.getFileName() + " (not loaded again, not counted among the kept " +
                "snapshots)";
        }
        catch (final IOException ex)
        {
            return "; could not set it aside (" + ex.getMessage() + ")";
        }
    }

    /** The seq a snapshot file written here covers, read from its name ({@code snapshot-<seq>.bin}). */
    public static long seqOf(final Path file)
    {
        final String name = file.getFileName().toString();
        return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
    }

    public static Loaded load(final Path file, final EngineConfig config) throws IOException
    {
        return load(file, config, PageReserve.NONE);
    }

    public static Loaded load(final Path file, final EngineConfig config, final PageReserve pages) throws IOException
    {
        final CRC32C crc = new CRC32C();
        try (InputStream raw = Files.newInputStream(file);
             CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(raw, 1 << 20), crc);
             DataInputStream in = new DataInputStream(checked))
        {
            if (in.readLong() != MAGIC)
            {
                throw new Damaged("not a snapshot file");
            }
            final int format = in.readInt();
            if (format != FORMAT && format != FORMAT_WITHOUT_FINGERPRINT)
            {
                throw new IOException("snapshot format " + format + ", this engine reads " + FORMAT + " and " +
                    FORMAT_WITHOUT_FINGERPRINT);
            }
            final long lastSeq = in.readLong();
            final long index = in.readLong();
            final long fingerprint = format == FORMAT ? in.readLong() : -1;
            in.readLong();
            final InventoryState state = InventoryState.readSnapshot(in, config, pages);
            final long expected = crc.getValue();
            final long stored = in.readLong();
            if (stored != expected || state.lastSeq() != lastSeq)
            {
                throw new Damaged("checksum mismatch");
            }
            return new Loaded(state, lastSeq, index, fingerprint, file);
        }
        catch (final java.io.EOFException ex)
        {
            // Its own message is null: a recovery said the snapshot was "unusable (null)".
            throw new Damaged("cut short: the file ends before the snapshot does (" + Files.size(file) +
                " bytes)");
        }
    }

    /**
     * A snapshot whose own checks fail (its magic, its length, its checksum): damaged, unlike one written in a format
     * this build does not read (a newer build's) or one the system cannot read now (permissions, an I/O error), which
     * may load once that is put right and are left where they are.
     */
    static final class Damaged extends IOException
    {
        private static final long serialVersionUID = 1L;

        Damaged(final String message)
        {
            super(message);
        }
    }
}
