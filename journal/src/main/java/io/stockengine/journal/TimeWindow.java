package io.stockengine.journal;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code --since} and {@code --until} of the tools that read events: a window of engine time, the time every record
 * carries. Engine time never goes back (engine-semantics.md), so a window is one run of seqs, which
 * {@link JournalSeek#firstAtOrAfter} finds; that is what lets a tool ask "what happened between 14:00 and 14:05"
 * or "October's events" without the operator first finding the seqs by hand.
 */
final class TimeWindow
{
    @Option(names = "--since", paramLabel = "TIME", converter = TimeConverter.class,
        description = "Only events at or after TIME (engine time): an RFC 3339 time such as 2026-11-20T14:00:00Z or " +
            "2026-11-20T15:00:00+01:00, or a date such as 2026-11-20 (its start, UTC).")
    Long since;

    @Option(names = "--until", paramLabel = "TIME", converter = TimeConverter.class,
        description = "Only events before TIME (engine time), written as for --since: --since 2026-10-01 --until " +
            "2026-11-01 is October, UTC.")
    Long until;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    boolean isSet()
    {
        return since != null || until != null;
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

    /** @throws ParameterException (exit code 2) when the window is empty by its own bounds. */
    void check()
    {
        if (since != null && until != null && since >= until)
        {
            throw new ParameterException(command.commandLine(), "--until " + Instant.ofEpochMilli(until) +
                " is not after --since " + Instant.ofEpochMilli(since) + ": the window holds no time (--until is " +
                "the first moment after it)");
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

    /** Parses an RFC 3339 time with its offset, or a date taken as its first instant in UTC, into epoch ms. */
    static final class TimeConverter implements ITypeConverter<Long>
    {
        @Override
        public Long convert(final String value)
        {
            try
            {
                if (value.length() == 10)
                {
                    return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
                }
                return OffsetDateTime.parse(value).toInstant().toEpochMilli();
            }
            catch (final DateTimeException | ArithmeticException ex)
            {
                throw new TypeConversionException("'" + value + "' is not a time: give an RFC 3339 time with its " +
                    "offset, such as 2026-11-20T14:00:00Z or 2026-11-20T15:00:00+01:00, or a date such as 2026-11-20 " +
                    "(its start, UTC)");
            }
        }
    }
}
