package io.stockengine.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReplaceAFileWhole() throws IOException
    {
        final Path file = dir.resolve("clean-stop");
        DurableFiles.replace(file, "seq 1\n".getBytes(StandardCharsets.US_ASCII));
        DurableFiles.replace(file, "seq 22\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("seq 22\n", Files.readString(file));
        assertFalse(Files.exists(dir.resolve("clean-stop.tmp")));
    }

    /** A replace that fails (a full disk; here the name is taken by a directory) leaves no .tmp behind (a tester). */
    @Test
    void shouldLeaveNoTemporaryFileWhenAReplaceFails() throws IOException
    {
        final Path taken = Files.createDirectories(dir.resolve("clean-stop"));
        Files.writeString(taken.resolve("inside"), "");
        assertThrows(IOException.class, () -> DurableFiles.replace(taken, "seq 1\n".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(Files.exists(dir.resolve("clean-stop.tmp")), "the temporary file is deleted");
    }
}
