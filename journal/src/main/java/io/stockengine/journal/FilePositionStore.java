package io.stockengine.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A consumer's position in {@code <dataDir>/consumers/<name>.position}, a small text file an operator can read:
 * <pre>
 *   # stockengine consumer position: the last seq processed and the journal excerpt that holds it
 *   seq=123456
 *   index=22737403576549
 *   committed_at=2027-01-15T08:00:00.123Z
 *   kept=here
 * </pre>
 * {@code kept} says where the position lives: {@code here} (this file is the consumer's store), {@code elsewhere}
 * (a copy, for {@code prune}, of a position the consumer commits in a store of its own, such as its database) or
 * {@code elsewhere-not-yet} (such a consumer's start, registered before its first commit). A file written before
 * the line existed has none ({@link #kept} is null).
 * Each store writes a temporary file, forces it to disk, renames it over the old one atomically and forces the
 * directory, so a crash leaves either the old position or the new one, never half of one. The files in that directory
 * are also the registry of consumers that {@code JournalTool prune} must not overtake.
 * <p>
 * Threading: one thread at a time per consumer name.
 */
public final class FilePositionStore implements PositionStore
{
    public static final String SUFFIX = ".position";
    /** This file is the consumer's position store. */
    public static final String KEPT_HERE = "here";
    /** This file copies a position the consumer commits elsewhere. */
    public static final String KEPT_ELSEWHERE = "elsewhere";
    /** This file holds the start of a consumer that commits elsewhere and has not committed yet. */
    public static final String KEPT_ELSEWHERE_NOT_YET = "elsewhere-not-yet";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Path dir;
    private final String name;
    private final Path file;

    public FilePositionStore(final Path consumerDir, final String name)
    {
        this.dir = consumerDir;
        this.name = checkName(name);
        this.file = consumerDir.resolve(name + SUFFIX);
    }

    /** The store of consumer {@code name} in the data directory of {@code config}. */
    public static FilePositionStore of(final JournalConfig config, final String name)
    {
        return new FilePositionStore(config.consumerDir(), name);
    }

    /** Consumer names become file names: letters, digits, '.', '_' and '-', at most 64, not starting with '.'. */
    public static String checkName(final String name)
    {
        if (name == null || !NAME.matcher(name).matches())
        {
            throw new IllegalArgumentException("consumer name '" + name + "' must be 1 to 64 letters, digits, '.', " +
                "'_' or '-', starting with a letter or digit");
        }
        return name;
    }

    public String name()
    {
        return name;
    }

    public Path file()
    {
        return file;
    }

    @Override
    public ReaderPosition load()
    {
        final String text = read();
        return text == null ? null : parse(file, text);
    }

    /** Where the file's position lives ({@link #KEPT_HERE}, ...): null for no file, or one older than the line. */
    public String kept()
    {
        final String text = read();
        if (text == null)
        {
            return null;
        }
        for (final String raw : text.split("\n"))
        {
            final String line = raw.strip();
            if (line.startsWith("kept="))
            {
                return line.substring("kept=".length()).strip();
            }
        }
        return null;
    }

    private String read()
    {
        try
        {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read consumer position " + file, ex);
        }
    }

    private static ReaderPosition parse(final Path file, final String text)
    {
        long seq = -1;
        long index = -2;
        for (final String raw : text.split("\n"))
        {
            final String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final int eq = line.indexOf('=');
            final String key = eq < 0 ? line : line.substring(0, eq).strip();
            final String value = eq < 0 ? "" : line.substring(eq + 1).strip();
            try
            {
                if (key.equals("seq"))
                {
                    seq = Long.parseLong(value);
                }
                else if (key.equals("index"))
                {
                    index = Long.parseLong(value);
                }
            }
            catch (final NumberFormatException ex)
            {
                throw unreadable(file, "'" + line + "' is not a number");
            }
        }
        if (seq < 0 || index < -1)
        {
            throw unreadable(file, "it needs a seq=... and an index=... line");
        }
        try
        {
            return new ReaderPosition(seq, index);
        }
        catch (final IllegalArgumentException ex)
        {
            throw unreadable(file, ex.getMessage());
        }
    }

    /** Never guess a position: starting over or skipping ahead would repeat or miss events. */
    private static IllegalStateException unreadable(final Path file, final String why)
    {
        return new IllegalStateException("consumer position " + file + " is unreadable (" + why + "); fix it by " +
            "hand or delete it to start the consumer afresh");
    }

    @Override
    public void store(final ReaderPosition position)
    {
        store(position, KEPT_HERE);
    }

    /** Stores a position, saying where the consumer keeps it ({@link #KEPT_HERE}, ...). */
    public void store(final ReaderPosition position, final String kept)
    {
        final String text = "# stockengine consumer position: the last seq processed and the journal excerpt that " +
            "holds it\nseq=" + position.seq() + "\nindex=" + position.index() + "\ncommitted_at=" + Instant.now() +
            "\nkept=" + kept + "\n";
        try
        {
            Files.createDirectories(dir);
            DurableFiles.replace(file, text.getBytes(StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot store consumer position " + file, ex);
        }
    }

    /** Every registered consumer and its position, by name; a file that cannot be read throws. */
    public static Map<String, ReaderPosition> list(final Path consumerDir)
    {
        final Map<String, ReaderPosition> result = new TreeMap<>();
        if (!Files.isDirectory(consumerDir))
        {
            return result;
        }
        final List<Path> files;
        try (Stream<Path> stream = Files.list(consumerDir))
        {
            files = stream.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list consumers in " + consumerDir, ex);
        }
        for (final Path file : files)
        {
            final String fileName = file.getFileName().toString();
            final String name = fileName.substring(0, fileName.length() - SUFFIX.length());
            final ReaderPosition position = new FilePositionStore(consumerDir, name).load();
            if (position != null)
            {
                result.put(name, position);
            }
        }
        return result;
    }
}
