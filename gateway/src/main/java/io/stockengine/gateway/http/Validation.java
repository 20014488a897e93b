package io.stockengine.gateway.http;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import io.stockengine.gateway.binary.CommandValidator;

/**
 * The input rules of API.md: identifier syntax and lengths, quantity ranges, money and times.
 */
public final class Validation
{
    public static final int SKU_MAX = 64;
    public static final int LOCATION_MAX = 32;
    public static final int CHANNEL_MAX = 32;
    public static final int ID_MAX = 64;
    public static final long MOVEMENT_MAX = 1_000_000_000L;
    public static final long TTL_MAX_SECONDS = 31_536_000L;
    public static final int LINES_MAX = 1_000;

    private Validation()
    {
    }

    /** An identifier: 1..max chars of [A-Za-z0-9._:-], never "." or "..". */
    public static String id(final String field, final String value, final int max)
    {
        if (value == null)
        {
            throw Problem.invalid(field, field + " is required");
        }
        if (value.isEmpty() || value.length() > max)
        {
            throw Problem.invalid(field, field + " must be 1 to " + max + " characters");
        }
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                c == '_' || c == ':' || c == '-'))
            {
                throw Problem.invalid(field, field + " may only contain A-Z a-z 0-9 . _ : -");
            }
        }
        if (".".equals(value) || "..".equals(value))
        {
            throw Problem.invalid(field, field + " must not be '.' or '..'");
        }
        return value;
    }

    public static long range(final String field, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw Problem.invalid(field, field + " must be between " + min + " and " + max);
        }
        return value;
    }

    /** A decimal string with at most 6 decimals, as millionths; never negative. */
    public static long money(final String field, final String value)
    {
        if (value == null)
        {
            throw Problem.invalid(field, field + " is required");
        }
        if (value.length() > 32 || !value.matches("[0-9]+(\\.[0-9]{1,6})?"))
        {
            throw Problem.invalid(field, field + " must be a decimal string with at most 6 decimals, e.g. \"12.50\"");
        }
        final BigDecimal micros = new BigDecimal(value).movePointRight(6);
        if (micros.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 1000)) > 0)
        {
            throw Problem.invalid(field, field + " is too large");
        }
        return micros.longValueExact();
    }

    public static String formatMoney(final long micros)
    {
        return BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
    }

    /** RFC 3339 in UTC, or a date alone meaning its start; as epoch milliseconds. */
    public static long time(final String field, final String value)
    {
        if (value == null)
        {
            throw Problem.invalid(field, field + " is required");
        }
        final long millis;
        try
        {
            if (value.length() > 12 && value.startsWith("24", 11))
            {
                // Java reads 24:00 as the next day's start; RFC 3339 has hours 00 to 23 only.
                throw new DateTimeParseException("hour 24", value, 11);
            }
            millis = value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                .toEpochMilli() : Instant.parse(toNanos(value)).toEpochMilli();
        }
        catch (final DateTimeParseException | ArithmeticException ex)
        {
            // A '+' left unencoded in a query string (at=) arrives as a space; in a body a space is most often
            // where the 'T' belongs.
            final String hint = value.indexOf(' ') < 0 ? "" : "at".equals(field) ?
                " (in a query, write the '+' of an offset as %2B)" : " (a 'T', not a space, separates date and time)";
            throw Problem.invalid(field, field + " must be an RFC 3339 time (2026-12-01T10:00:00Z; an offset is " +
                "taken into UTC) or a date (2026-12-01, its start)" + hint);
        }
        // The binary protocol's range, so that both refuse the same times and the journal holds no others.
        if (millis < 0 || millis > CommandValidator.TIME_MAX)
        {
            throw Problem.invalid(field, field + " must be from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z");
        }
        return millis;
    }

    /**
     * Where Java's parser and RFC 3339 part: a fraction needs a digit ({@code 10:00:00.Z} is no time), finer digits
     * than nanoseconds are dropped as the milliseconds' are (Java refuses a tenth), and a leap second
     * ({@code 23:59:60}), which Java quietly reads as :59, is refused rather than moved.
     */
    private static String toNanos(final String value)
    {
        if (value.length() < 20 || value.charAt(10) != 'T' || value.charAt(16) != ':')
        {
            return value;
        }
        if (value.startsWith("60", 17))
        {
            throw new DateTimeParseException("leap second", value, 17);
        }
        if (value.charAt(19) != '.')
        {
            return value;
        }
        int end = 20;
        while (end < value.length() && value.charAt(end) >= '0' && value.charAt(end) <= '9')
        {
            end++;
        }
        if (end == 20)
        {
            throw new DateTimeParseException("a fraction without digits", value, 19);
        }
        return end - 20 > 9 ? value.substring(0, 29) + value.substring(end) : value;
    }

    public static String formatTime(final long epochMillis)
    {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
