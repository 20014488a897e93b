package io.stockengine.journal;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;

import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code --since}, {@code --until} and {@code --zone} of the tools that read events: a window of engine time, the
 * time every record carries. Engine time never goes back (engine-semantics.md), so a window is one run of seqs, which
 * {@link JournalSeek#firstAtOrAfter} finds; that is what lets a tool ask "what happened between 14:00 and 14:05" or
 * "October's events" without the operator first finding the seqs by hand. A date is a day in a zone, UTC unless
 * {@code --zone} names another: a business closes its month at its own midnight.
 */
final class TimeWindow
{
    @Option(names = "--since", paramLabel = "TIME",
        description = "Only events at or after TIME (engine time): an RFC 3339 time such as 2026-11-20T14:00:00Z or " +
            "2026-11-20T15:00:00+01:00, or a date such as 2026-11-20 (its start, in --zone).")
    String sinceText;

    @Option(names = "--until", paramLabel = "TIME",
        description = "Only events before TIME (engine time), written as for --since: --since 2026-10-01 --until " +
            "2026-11-01 is October.")
    String untilText;

    @Option(names = "--zone", paramLabel = "ZONE", defaultValue = "UTC",
        description = "The time zone of dates (in --since and --until, and stats' days): a region such as " +
            "America/New_York, an offset such as -05:00, or UTC (the default).")
    String zoneText;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    Long since;
    Long until;
    private ZoneId zone;

    boolean isSet()
    {
        return since != null || until != null;
    }

    ZoneId zone()
    {
        return zone;
    }

    /** The first engine time in the window, epoch ms. */
    long from()
    {
        return since == null ? Long.MIN_VALUE : since;
    }

    /** The first engine time after the window, epoch ms. */
    long to()
    {
        return until == null ? Long.MAX_VALUE : until;
    }

    /**
     * Reads the options (a date needs the zone, which may come after it on the command line).
     *
     * @throws ParameterException (exit code 2) for a value that is not a time or a zone, or a window empty by its own
     *         bounds.
     */
    void check()
    {
        try
        {
            zone = ZoneId.of(zoneText.strip());
        }
        catch (final DateTimeException ex)
        {
            throw new ParameterException(command.commandLine(), "--zone '" + zoneText + "' is not a time zone: give " +
                "a region such as America/New_York or Europe/Berlin, an offset such as -05:00, or UTC");
        }
        since = sinceText == null ? null : parse("--since", sinceText);
        until = untilText == null ? null : parse("--until", untilText);
        if (since != null && until != null && since >= until)
        {
            throw new ParameterException(command.commandLine(), "--until " + Instant.ofEpochMilli(until) +
                " is not after --since " + Instant.ofEpochMilli(since) + ": the window holds no time (--until is " +
                "the first moment after it)");
        }
    }

    /** An RFC 3339 time with its offset, or a date taken as its first instant in the zone, into epoch ms. */
    private long parse(final String option, final String value)
    {
        try
        {
            final String text = value.strip();
            if (text.length() == 10)
            {
                return LocalDate.parse(text).atStartOfDay(zone).toInstant().toEpochMilli();
            }
            // Engine time is in whole milliseconds: a finer bound goes up to the next one, so an event of .858 is
            // before .8585 on both sides of the window (truncated, --since .8585 took it in).
            final Instant instant = OffsetDateTime.parse(text).toInstant();
            return instant.toEpochMilli() + (instant.getNano() % 1_000_000 == 0 ? 0 : 1);
        }
        catch (final DateTimeException | ArithmeticException ex)
        {
            throw new ParameterException(command.commandLine(), option + " '" + value + "' is not a time: give an " +
                "RFC 3339 time with its offset, such as 2026-11-20T14:00:00Z or 2026-11-20T15:00:00+01:00, or a " +
                "date such as 2026-11-20 (its start, in --zone)");
        }
    }

    /** The window in words, for a tool's summary: empty when no bound was given. */
    String describe()
    {
        if (since != null && until != null)
        {
            return " from " + Instant.ofEpochMilli(since) + " until " + Instant.ofEpochMilli(until);
        }
        if (since != null)
        {
            return " since " + Instant.ofEpochMilli(since);
        }
        return until != null ? " until " + Instant.ofEpochMilli(until) : "";
    }
}
