package io.stockengine.journal;

import java.nio.file.Path;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a tool's {@code --data-dir}, refusing an empty value as the server does: an empty path is the working
 * directory, where an unset shell variable ({@code --data-dir "$DIR"}) should not quietly point a tool.
 */
public final class DataDirConverter implements ITypeConverter<Path>
{
    @Override
    public Path convert(final String value)
    {
        if (value.isBlank())
        {
            throw new TypeConversionException("it is empty: give the engine's data directory, the one that holds " +
                "journal/ (an unset variable?)");
        }
        return Path.of(value);
    }
}
