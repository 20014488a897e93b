package io.stockengine.accounting;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/**
 * The tool's option values that are not text. picocli's own converters answer a bad value in Java's words
 * ("cannot convert 'bad' to class java.time.LocalDate (java.time.format.DateTimeParseException ...)", "is not a
 * long"); these say what was expected in the user's. Range checks (--batch at least 1, ...) stay with the commands.
 */
final class Converters
{
    private Converters()
    {
    }

    /** Registers every converter with {@code commandLine} and the subcommands it has now. */
    static void register(final CommandLine commandLine)
    {
        commandLine.registerConverter(LocalDate.class, Converters::date);
        commandLine.registerConverter(Long.class, value -> wholeNumber(value, Long.MIN_VALUE, Long.MAX_VALUE));
        commandLine.registerConverter(Long.TYPE, value -> wholeNumber(value, Long.MIN_VALUE, Long.MAX_VALUE));
        commandLine.registerConverter(Integer.class,
            value -> (int)wholeNumber(value, Integer.MIN_VALUE, Integer.MAX_VALUE));
        commandLine.registerConverter(Integer.TYPE,
            value -> (int)wholeNumber(value, Integer.MIN_VALUE, Integer.MAX_VALUE));
        commandLine.registerConverter(Path.class, Converters::path);
    }

    /** The dates engine time can fall on: the Unix epoch to the last day ISO-8601 writes with four digits. */
    static final LocalDate FIRST_DATE = LocalDate.of(1970, 1, 1);
    static final LocalDate LAST_DATE = LocalDate.of(9999, 12, 31);

    static LocalDate date(final String value)
    {
        final LocalDate date;
        try
        {
            date = LocalDate.parse(value.strip());
        }
        catch (final DateTimeParseException ex)
        {
            throw new TypeConversionException("'" + value + "' is not a date (YYYY-MM-DD, e.g. 2027-01-31)");
        }
        // Years past 9999 overflowed the day's end in milliseconds (a stack trace, or an "overflow" of totals).
        if (date.isBefore(FIRST_DATE) || date.isAfter(LAST_DATE))
        {
            throw new TypeConversionException("'" + value + "' is not a date from " + FIRST_DATE + " to " +
                LAST_DATE + " (engine time)");
        }
        return date;
    }

    static long wholeNumber(final String value, final long smallest, final long largest)
    {
        final String digits = value.strip();
        if (!digits.matches("[-+]?[0-9]+"))
        {
            throw new TypeConversionException("'" + value + "' is not a whole number");
        }
        try
        {
            final long number = Long.parseLong(digits);
            if (number >= smallest && number <= largest)
            {
                return number;
            }
        }
        catch (final NumberFormatException pastALong)
        {
            // Digits only, so it is out of range: said below like any number past the option's range.
        }
        throw new TypeConversionException(String.format("'%s' is out of range (%,d to %,d)", value, smallest,
            largest));
    }

    static Path path(final String value)
    {
        try
        {
            return Path.of(value);
        }
        catch (final InvalidPathException ex)
        {
            throw new TypeConversionException("'" + value + "' is not a usable path: " + ex.getReason());
        }
    }
}
