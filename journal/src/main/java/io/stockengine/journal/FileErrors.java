package io.stockengine.journal;

import java.io.IOException;

/**
 * A failed file operation in an operator's words, for the engine's, the tools' and the server's messages: which file,
 * and why, rather than an exception's class name.
 */
public final class FileErrors
{
    private FileErrors()
    {
    }

    /** Which file, and why. */
    public static String describe(final IOException ex)
    {
        if (ex instanceof java.nio.file.AccessDeniedException denied)
        {
            return "permission denied: " + denied.getFile();
        }
        if (ex instanceof java.nio.file.NoSuchFileException missing)
        {
            return "no such file or directory: " + missing.getFile();
        }
        if (ex instanceof java.nio.file.FileSystemException fs && fs.getReason() != null)
        {
            return fs.getFile() + ": " + fs.getReason();
        }
        return String.valueOf(ex.getMessage() != null ? ex.getMessage() : ex);
    }
}
