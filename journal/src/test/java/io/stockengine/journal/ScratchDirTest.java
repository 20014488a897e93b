package io.stockengine.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A load program's --dir: the README's --dir /var/tmp once meant rm -r /var/tmp (a newcomer's catch). */
class ScratchDirTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseADirectoryHoldingFilesItDidNotMakeAndTouchNothing() throws IOException
    {
        final Path shared = Files.createDirectories(dir.resolve("var-tmp"));
        final Path precious = Files.writeString(shared.resolve("precious.txt"), "keep me");
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> ScratchDir.claim(shared, "stock-load"));
        assertEquals("--dir " + shared + " holds files this program did not make (precious.txt, ...), and a run " +
            "deletes its --dir before and after: give it a directory of its own, e.g. --dir " +
            shared.resolve("stock-load"), refused.getMessage());
        ScratchDir.delete(shared);
        ScratchDir.empty(shared);
        assertEquals("keep me", Files.readString(precious), "nothing is deleted without the marker");
        assertFalse(Files.exists(shared.resolve(ScratchDir.MARKER)));
    }

    @Test
    void shouldClaimAnAbsentOrEmptyDirectoryAndEmptyAndDeleteItLater() throws IOException
    {
        final Path fresh = dir.resolve("a/stock-load");
        ScratchDir.claim(fresh, "x");
        assertTrue(Files.exists(fresh.resolve(ScratchDir.MARKER)));
        Files.createDirectories(fresh.resolve("journal"));
        Files.writeString(fresh.resolve("journal/x.cq4"), "events");

        ScratchDir.claim(fresh, "x");
        ScratchDir.empty(fresh);
        assertFalse(Files.exists(fresh.resolve("journal")), "a run's own files are emptied");
        assertTrue(Files.exists(fresh.resolve(ScratchDir.MARKER)), "and the directory stays the program's");

        final Path empty = Files.createDirectories(dir.resolve("empty"));
        ScratchDir.claim(empty, "x");
        ScratchDir.delete(empty);
        assertFalse(Files.exists(empty));

        final Path file = Files.writeString(dir.resolve("file"), "");
        assertEquals("--dir " + file + " is a file, not a directory",
            assertThrows(IllegalArgumentException.class, () -> ScratchDir.claim(file, "x")).getMessage());
    }
}
