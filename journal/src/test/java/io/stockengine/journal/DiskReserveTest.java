package io.stockengine.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class DiskReserveTest
{
    private static final long AHEAD = 4096;
    private static final long MARGIN = 1024;

    /** What was asked of the allocator, as "open name", "allocate offset+length", "close". */
    private final List<String> calls = new ArrayList<>();

    private DiskReserve.Allocator recording(final RuntimeException onOpen, final RuntimeException onAllocate)
    {
        return new DiskReserve.Allocator()
        {
            @Override
            public int open(final Path file)
            {
                calls.add("open " + file.getFileName());
                if (onOpen != null)
                {
                    throw onOpen;
                }
                return 7;
            }

            @Override
            public void allocate(final int handle, final long offset, final long length) throws IOException
            {
                calls.add("allocate " + offset + "+" + length);
                if (onAllocate != null)
                {
                    throw onAllocate;
                }
            }

            @Override
            public void close(final int handle)
            {
                calls.add("close");
            }
        };
    }

    /**
     * Writes resume in the middle of a file after a restart, then move to the next cycle's file: each file is
     * reserved from where writing is, not from its start, and only when the reserve runs short.
     */
    @Test
    void shouldReserveAheadOfTheWritesOfEachFileFromWhereTheyAre()
    {
        final DiskReserve reserve = new DiskReserve(recording(null, null), AHEAD, MARGIN);
        final File today = new File("20261122L.cq4");
        final File tomorrow = new File("20261123L.cq4");
        ensure(reserve, today, 1_000_000);
        assertEquals(List.of("open 20261122L.cq4", "allocate 995328+9792"), calls,
            "from a page boundary a margin before the write, to a margin and a step past it");
        assertEquals(1_005_120, reserve.reservedTo());
        calls.clear();
        ensure(reserve, today, 1_004_096);
        assertTrue(calls.isEmpty(), "still a margin left: " + calls);
        ensure(reserve, today, 1_004_097);
        assertEquals(List.of("allocate 1005120+4097"), calls, "topped up from the end of the reserve");
        calls.clear();
        ensure(reserve, tomorrow, 200);
        assertEquals(List.of("close", "open 20261123L.cq4", "allocate 0+5320"), calls);
    }

    /** No native fallocate (another OS, JNR not loaded) or a file system without it: written as before, sparse. */
    @Test
    void shouldStepAsideWhereBlocksCannotBeReserved()
    {
        final DiskReserve noLibrary = new DiskReserve(recording(new IllegalStateException("no posix"), null), AHEAD,
            MARGIN);
        ensure(noLibrary, new File("a.cq4"), 100);
        assertTrue(noLibrary.unsupported());
        final DiskReserve noCall = new DiskReserve(recording(null, new UnsupportedOperationException("EOPNOTSUPP")),
            AHEAD, MARGIN);
        ensure(noCall, new File("a.cq4"), 100);
        assertTrue(noCall.unsupported());
        calls.clear();
        ensure(noCall, new File("b.cq4"), 100);
        assertTrue(calls.isEmpty(), "asked once, never again: " + calls);
    }

    /** The start asks before the journal stage steps aside in silence, so that it can warn the operator. */
    @Test
    void shouldSayWhyBlocksCannotBeReservedWhenAsked()
    {
        final Path probe = Path.of("probe");
        assertEquals(null, DiskReserve.cannotReserve(recording(null, null), probe));
        assertEquals(List.of("open probe", "allocate 0+4096", "close"), calls);
        assertEquals("fallocate: EOPNOTSUPP", DiskReserve.cannotReserve(recording(null,
            new UnsupportedOperationException("EOPNOTSUPP")), probe));
        assertEquals("no native fallocate: no posix", DiskReserve.cannotReserve(recording(
            new IllegalStateException("no posix"), null), probe));
        final DiskReserve.Allocator full = new DiskReserve.Allocator()
        {
            @Override
            public int open(final Path file)
            {
                return 7;
            }

            @Override
            public void allocate(final int handle, final long offset, final long length) throws IOException
            {
                throw new IOException("No space left on device");
            }

            @Override
            public void close(final int handle)
            {
                calls.add("closed after a full disk");
            }
        };
        final DiskReserve.Allocator unopened = new DiskReserve.Allocator()
        {
            @Override
            public int open(final Path file) throws IOException
            {
                throw new IOException("cannot open probe: Permission denied");
            }

            @Override
            public void allocate(final int handle, final long offset, final long length)
            {
                throw new AssertionError("nothing opened to allocate in");
            }

            @Override
            public void close(final int handle)
            {
                throw new AssertionError("nothing opened to close");
            }
        };
        assertEquals("the probe file could not be opened to try it: cannot open probe: Permission denied",
            DiskReserve.cannotReserve(unopened, probe), "not taken for a lack of fallocate");
        calls.clear();
        assertEquals(null, DiskReserve.cannotReserve(full, probe), "a full disk is not a lack of support");
        assertEquals(List.of("closed after a full disk"), calls);
    }

    /** This machine's file systems (the build's temporary directory) do allocate ahead. */
    @Test
    void shouldReserveBlocksOnThisMachinesFileSystem(@org.junit.jupiter.api.io.TempDir final Path dir)
        throws IOException
    {
        // Linux's fallocate on a file system that has it: the build's machines (CI's included); elsewhere the
        // probe's answer is the warning the start prints, which the test above covers.
        org.junit.jupiter.api.Assumptions.assumeTrue(net.openhft.chronicle.core.OS.isLinux(), "fallocate is Linux's");
        final Path probe = java.nio.file.Files.createFile(dir.resolve("probe"));
        final String cannot = DiskReserve.cannotReserve(DiskReserve.DISK, probe);
        org.junit.jupiter.api.Assumptions.assumeFalse(cannot != null && cannot.startsWith("fallocate: "),
            "this temporary directory's file system has no fallocate: " + cannot);
        assertEquals(null, cannot);
    }

    @Test
    void shouldRefuseToGoOnWhenTheDiskIsFull()
    {
        final DiskReserve reserve = new DiskReserve(fullAfter(0), AHEAD, MARGIN);
        final IOException full = assertThrows(IOException.class, () -> reserve.ensure(new File("a.cq4"), 100));
        assertTrue(full.getMessage().contains("No space left on device") && full.getMessage().contains("a.cq4"),
            full.getMessage());
        assertFalse(reserve.unsupported());
    }

    /** An allocator for a disk that fills after {@code allowed} allocations: then each fails as ENOSPC does. */
    static DiskReserve.Allocator fullAfter(final int allowed)
    {
        final int[] left = { allowed };
        return new DiskReserve.Allocator()
        {
            @Override
            public int open(final Path file)
            {
                return 3;
            }

            @Override
            public void allocate(final int handle, final long offset, final long length) throws IOException
            {
                if (left[0]-- <= 0)
                {
                    throw new IOException("No space left on device");
                }
            }

            @Override
            public void close(final int handle)
            {
            }
        };
    }

    private static void ensure(final DiskReserve reserve, final File file, final long end)
    {
        try
        {
            reserve.ensure(file, end);
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
    }
}
