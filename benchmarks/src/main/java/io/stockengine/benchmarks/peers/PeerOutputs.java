package io.stockengine.benchmarks.peers;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;

/** Reads what the peers' own tools print, pgbench and redis-benchmark, into the comparison's numbers. */
final class PeerOutputs
{
    private static final Pattern TPS = Pattern.compile("^tps = ([0-9.]+) \\(without initial connection time\\)",
        Pattern.MULTILINE);
    private static final Pattern PROCESSED = Pattern.compile("^number of transactions actually processed: (\\d+)",
        Pattern.MULTILINE);
    private static final Pattern FAILED = Pattern.compile("^number of failed transactions: (\\d+)",
        Pattern.MULTILINE);

    private PeerOutputs()
    {
    }

    /** pgbench's summary: throughput, transactions and failures. */
    record PgbenchSummary(double tps, long processed, long failed)
    {
    }

    static PgbenchSummary pgbenchSummary(final String text)
    {
        final Matcher tps = TPS.matcher(text);
        final Matcher processed = PROCESSED.matcher(text);
        if (!tps.find() || !processed.find())
        {
            throw new IllegalArgumentException("not a pgbench summary (no tps or transaction count):\n" + text);
        }
        final Matcher failed = FAILED.matcher(text);
        return new PgbenchSummary(Double.parseDouble(tps.group(1)), Long.parseLong(processed.group(1)),
            failed.find() ? Long.parseLong(failed.group(1)) : 0);
    }

    /** Latencies of pgbench's per-transaction log ({@code --log}), in nanoseconds; failed ones are counted apart. */
    record PgbenchLatencies(Histogram histogram, long failed)
    {
    }

    /**
     * Reads every log file pgbench wrote under {@code prefix} ({@code prefix.<pid>} and {@code prefix.<pid>.<n>},
     * one per thread). A line is {@code client transaction latency_us script epoch_s epoch_us ...}; the latency
     * field says {@code failed} or {@code skipped} for a transaction that did not complete.
     */
    static PgbenchLatencies pgbenchLatencies(final Path prefix) throws IOException
    {
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long failed = 0;
        final Path dir = prefix.toAbsolutePath().getParent();
        final String start = prefix.getFileName() + ".";
        final List<Path> logs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir))
        {
            files.filter(p -> p.getFileName().toString().startsWith(start)).sorted().forEach(logs::add);
        }
        if (logs.isEmpty())
        {
            throw new IOException("no pgbench log files " + prefix + ".*");
        }
        for (final Path log : logs)
        {
            try (BufferedReader reader = Files.newBufferedReader(log, StandardCharsets.US_ASCII))
            {
                String line;
                while ((line = reader.readLine()) != null)
                {
                    final String[] f = line.trim().split("\\s+");
                    if (f.length < 3)
                    {
                        continue;
                    }
                    if (!f[2].chars().allMatch(Character::isDigit))
                    {
                        failed++;
                        continue;
                    }
                    histogram.recordValue(Math.min(histogram.getHighestTrackableValue(),
                        TimeUnit.MICROSECONDS.toNanos(Long.parseLong(f[2]))));
                }
            }
        }
        return new PgbenchLatencies(histogram, failed);
    }

    /** One test line of {@code redis-benchmark --csv}. */
    record RedisResult(double rps, double p50Millis, double p99Millis)
    {
    }

    /** Reads the first test of redis-benchmark's CSV (a header line naming the columns, then one line per test). */
    static RedisResult redisCsv(final String text)
    {
        final List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        int header = -1;
        for (int i = 0; i < lines.size(); i++)
        {
            if (lines.get(i).startsWith("\"test\""))
            {
                header = i;
                break;
            }
        }
        if (header < 0 || header + 1 >= lines.size())
        {
            throw new IllegalArgumentException("not redis-benchmark CSV output:\n" + text);
        }
        final List<String> names = csvFields(lines.get(header));
        final List<String> values = csvFields(lines.get(header + 1));
        return new RedisResult(column(names, values, "rps"), column(names, values, "p50_latency_ms"),
            column(names, values, "p99_latency_ms"));
    }

    private static double column(final List<String> names, final List<String> values, final String name)
    {
        final int i = names.indexOf(name);
        if (i < 0 || i >= values.size())
        {
            throw new IllegalArgumentException("redis-benchmark CSV has no " + name + " column: " + names);
        }
        return Double.parseDouble(values.get(i));
    }

    /** Fields of a CSV line whose fields are all double-quoted (the test name itself may hold commas). */
    static List<String> csvFields(final String line)
    {
        final List<String> fields = new ArrayList<>();
        final StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++)
        {
            final char c = line.charAt(i);
            if (c == '"')
            {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"')
                {
                    field.append('"');
                    i++;
                }
                else
                {
                    quoted = !quoted;
                }
            }
            else if (c == ',' && !quoted)
            {
                fields.add(field.toString());
                field.setLength(0);
            }
            else
            {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
