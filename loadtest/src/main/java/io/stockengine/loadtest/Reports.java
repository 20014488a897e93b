package io.stockengine.loadtest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.HdrHistogram.Histogram;

/**
 * The text outputs: the summary table (throughput, percentiles per request kind, results by code), the HdrHistogram
 * percentile files ({@code .hgrm}, milliseconds, readable by the HdrHistogram plotter) and the timeline as CSV.
 */
final class Reports
{
    private static final double[] PERCENTILES = { 50, 90, 99, 99.9, 99.99 };
    /** HdrHistogram values are microseconds; the files speak milliseconds. */
    private static final double MICROS_PER_MILLI = 1000.0;

    private Reports()
    {
    }

    static void summary(final PrintStream out, final String title, final LatencyStats.Phase phase)
    {
        out.println(title);
        out.printf(Locale.ROOT, "  target %,.0f/s for %.1f s: sent %,d, answered %,d (%,.0f/s), not sent %,d%n",
            phase.targetRate, phase.elapsedNanos / 1e9, phase.sent, phase.answered, phase.throughput(),
            phase.count(Codes.NOT_SENT));
        out.println("  latency from intended start, ms:");
        out.printf(Locale.ROOT, "  %-13s %10s %9s %9s %9s %9s %9s %9s%n", "request", "count", "p50", "p90", "p99",
            "p99.9", "p99.99", "max");
        row(out, "all", phase.all);
        for (int kind = 0; kind < OpKind.COUNT; kind++)
        {
            if (phase.perKind[kind].getTotalCount() > 0)
            {
                row(out, OpKind.name(kind), phase.perKind[kind]);
            }
        }
        row(out, "(service)", phase.service);
        out.println("  (service: from the actual send, what a closed-loop tool reports; generator lag p99 " +
            String.format(Locale.ROOT, "%.3f ms, max %.3f ms)", phase.lag.getValueAtPercentile(99) /
            MICROS_PER_MILLI, phase.lag.getMaxValue() / MICROS_PER_MILLI));
        out.println("  results by code:");
        final StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %-13s", "request"));
        final boolean[] used = new boolean[Codes.COUNT];
        for (int code = 0; code < Codes.COUNT; code++)
        {
            used[code] = phase.count(code) > 0;
            if (used[code])
            {
                header.append(String.format(Locale.ROOT, " %19s", Codes.name(code)));
            }
        }
        out.println(header);
        for (int kind = 0; kind < OpKind.COUNT; kind++)
        {
            long total = 0;
            final StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-13s", OpKind.name(kind)));
            for (int code = 0; code < Codes.COUNT; code++)
            {
                total += phase.count(kind, code);
                if (used[code])
                {
                    line.append(String.format(Locale.ROOT, " %,19d", phase.count(kind, code)));
                }
            }
            if (total > 0)
            {
                out.println(line);
            }
        }
    }

    private static void row(final PrintStream out, final String name, final Histogram h)
    {
        final StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-13s %,10d", name,
            h.getTotalCount()));
        for (final double p : PERCENTILES)
        {
            line.append(String.format(Locale.ROOT, " %9.3f", h.getTotalCount() == 0 ? 0 :
                h.getValueAtPercentile(p) / MICROS_PER_MILLI));
        }
        line.append(String.format(Locale.ROOT, " %9.3f", h.getMaxValue() / MICROS_PER_MILLI));
        out.println(line);
    }

    static void stepTable(final PrintStream out, final List<LatencyStats.Phase> steps, final double boundMillis,
        final List<Boolean> held)
    {
        out.printf(Locale.ROOT, "  %10s %12s %9s %9s %9s %9s %9s %12s  %s%n", "target/s", "answered/s", "p50 ms",
            "p99 ms", "p99.9 ms", "max ms", "lag p99", "cap. errors", "p99 <= " + boundMillis + " ms");
        for (int i = 0; i < steps.size(); i++)
        {
            final LatencyStats.Phase step = steps.get(i);
            out.printf(Locale.ROOT, "  %,10.0f %,12.0f %9.3f %9.3f %9.3f %9.3f %9.3f %,12d  %s%n", step.targetRate,
                step.throughput(), step.percentileMillis(50), step.percentileMillis(99), step.percentileMillis(99.9),
                step.all.getMaxValue() / MICROS_PER_MILLI, step.lag.getValueAtPercentile(99) / MICROS_PER_MILLI,
                step.capacityErrors(), held.get(i) ? "held" : "FAILED");
        }
        out.println("  (lag: how late the generator itself sent, already included in the latency; cap. errors: " +
            "not sent, overloaded, timed out or lost)");
    }

    static void hgrm(final Path file, final Histogram histogram) throws IOException
    {
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8))
        {
            histogram.outputPercentileDistribution(out, 5, MICROS_PER_MILLI);
        }
    }

    static void timelineCsv(final Path file, final List<Progress.Point> timeline) throws IOException
    {
        final StringBuilder csv = new StringBuilder(
            "second,phase,target_per_s,sent_per_s,answered_per_s,p50_ms,p99_ms,max_ms,not_ok\n");
        for (final Progress.Point p : timeline)
        {
            csv.append(String.format(Locale.ROOT, "%.1f,%s,%.0f,%.1f,%.1f,%.3f,%.3f,%.3f,%d%n", p.second(),
                p.phase(), p.targetRate(), p.sentRate(), p.answeredRate(), p.p50(), p.p99(), p.max(), p.errors()));
        }
        Files.writeString(file, csv);
    }
}
