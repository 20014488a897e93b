package io.stockengine.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A --data-dir naming a data directory's journal/ or snapshots/ (a tester's mis-aimed copy, a newcomer's typo) is
 * refused by the engine with its parent named, before anything is made in it; the tools say the same.
 */
class DataDirsTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseAJournalOrSnapshotsDirectoryGivenAsTheDataDirectory() throws Exception
    {
        final JournalConfig config = TestJournal.config(dir).snapshots(true);
        TestJournal.runWorkload(config, new Workload(3), 1, 50);
        Files.createDirectories(config.snapshotDir());
        Files.writeString(config.snapshotDir().resolve("snapshot-00000000000000000007.bin"), "");

        final Path journal = config.journalDir();
        final UncheckedIOException refused = assertThrows(UncheckedIOException.class,
            () -> DataDirLock.acquire(journal));
        assertTrue(refused.getMessage().startsWith(journal + " holds journal files itself (") &&
            refused.getMessage().endsWith("): it is a data directory's journal/, not the data directory; pass " +
            "--data-dir " + dir), refused.getMessage());
        assertFalse(Files.exists(journal.resolve("journal")), "nothing made inside the journal directory");
        assertFalse(Files.exists(journal.resolve(DataDirLock.FILE)), "not even the lock");

        assertEquals(Optional.of(config.snapshotDir() + " holds snapshot files itself " +
            "(snapshot-00000000000000000007.bin): it is a data directory's snapshots/, not the data directory; pass " +
            "--data-dir " + dir), DataDirs.misplaced(config.snapshotDir()));

        final ToolRun verify = ToolRun.of("verify", "--data-dir", journal.toString());
        assertEquals(2, verify.exit(), verify.toString());
        assertTrue(verify.err().startsWith(journal + " holds journal files itself"), verify.toString());
    }

    /**
     * An engine's data directory named journal (--data-dir nest/journal): an engine on nest would take all of it for
     * its journal. And a journal reached through a symbolic link names its real parent, not the link's.
     */
    @Test
    void shouldRefuseTheParentOfADataDirectoryNamedJournalAndNameARealParent() throws Exception
    {
        final Path nested = dir.resolve("nest");
        TestJournal.runWorkload(TestJournal.config(nested.resolve("journal")), new Workload(3), 1, 10);
        assertEquals(Optional.of(nested.resolve("journal") + " is itself a data directory (it holds journal/ or " +
            "LOCK): pass --data-dir " + nested.resolve("journal")), DataDirs.misplaced(nested));
        assertThrows(UncheckedIOException.class, () -> DataDirLock.acquire(nested));

        final Path real = nested.resolve("journal").resolve("journal");
        final Path links = Files.createDirectories(dir.resolve("links"));
        final Path link = Files.createSymbolicLink(links.resolve("current"), real);
        assertTrue(DataDirs.misplaced(link).orElseThrow().endsWith("; pass --data-dir " +
            real.toRealPath().getParent()), DataDirs.misplaced(link).toString());
    }

    @Test
    void shouldTakeAnEmptyOrOrdinaryDirectoryOrARealDataDirectory() throws Exception
    {
        assertEquals(Optional.empty(), DataDirs.misplaced(dir), "empty");
        Files.writeString(dir.resolve("notes.txt"), "");
        assertEquals(Optional.empty(), DataDirs.misplaced(dir), "other files");
        assertEquals(Optional.empty(), DataDirs.misplaced(dir.resolve("absent")), "not there yet");
        final JournalConfig config = TestJournal.config(dir);
        TestJournal.runWorkload(config, new Workload(3), 1, 10);
        assertEquals(Optional.empty(), DataDirs.misplaced(dir), "a data directory holding journal/");
        assertEquals(Optional.empty(), DataDirs.unreadable(dir));
    }
}
