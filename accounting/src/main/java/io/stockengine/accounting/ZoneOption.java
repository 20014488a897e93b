package io.stockengine.accounting;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --zone}: the time zone whose days the reports that name a day cut at. Engine time is an instant, and a day
 * is a date in some zone: a business in New York closes October at midnight there, five hours after midnight UTC,
 * and until this option its last evening's sales counted in November. UTC by default, as before.
 */
final class ZoneOption
{
    @Option(names = "--zone", paramLabel = "ZONE", defaultValue = "UTC", converter = ZoneConverter.class,
        description = "The time zone whose days the dates mean: a region such as America/New_York or " +
            "Europe/Berlin, an offset such as -05:00, or UTC (the default).")
    ZoneId zone;

    static final class ZoneConverter implements ITypeConverter<ZoneId>
    {
        @Override
        public ZoneId convert(final String value)
        {
            final ZoneId zone;
            try
            {
                zone = ZoneId.of(value.strip());
            }
            catch (final DateTimeException ex)
            {
                throw new TypeConversionException("'" + value + "' is not a time zone: give a region such as " +
                    "America/New_York or Europe/Berlin, an offset such as -05:00, or UTC");
            }
            // cogs sums by quarter hour: an offset in between (+05:07, which ZoneId takes) would put a sale on the
            // day before. Every zone's rules have had whole quarter hours since 1972.
            if (zone instanceof ZoneOffset offset && offset.getTotalSeconds() % 900 != 0)
            {
                throw new TypeConversionException("'" + value + "' is not a whole number of quarter hours from UTC, " +
                    "as every time zone's offset is: give a region such as America/New_York, or an offset such as " +
                    "-05:00 or +05:45");
            }
            return zone;
        }
    }
}
