package io.stockengine.benchmarks.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One run of the comparison, a line of the results CSV. Counts a tool does not report are -1: pgbench and
 * redis-benchmark do not tell a duplicate from a rejection, so for them {@code reserved} is the database's own count
 * and {@code rejected} the rest of the requests (duplicates being all but impossible with random 64-bit ids).
 *
 * @param system     {@code engine-binary}, {@code engine-http}, {@code postgres} or {@code redis}
 * @param settings   the durability setting: {@code sync} or {@code process} for the engine,
 *                   {@code synchronous_commit=on|off} for PostgreSQL, {@code appendfsync=everysec} for Redis
 * @param requests   answers counted in the measured window (the whole run for the peers, which have no warm-up)
 * @param reserved   reservations made in the whole run (warm-up included), as the check counted them
 * @param rejected   reservations refused for want of stock in the whole run
 * @param errors     requests that failed otherwise (the engine's OVERLOADED answers included)
 * @param check      {@code ok}, or what did not add up
 * @param seed       the engine client's random seed, so a run's SKUs and order ids can be drawn again; null for the
 *                   peers' tools, which draw their own, and in files written before the column existed
 */
record ResultRow(String system, String settings, String mix, int connections, int depth, double durationSeconds,
    double throughput, double p50Millis, double p99Millis, long requests, long reserved, long duplicates,
    long rejected, long errors, String check, Long seed)
{
    /** The columns before {@code seed} was added last: files with this header still read, their seeds null. */
    static final String HEADER_WITHOUT_SEED = "system,settings,mix,connections,depth,duration_s,throughput_ops_s," +
        "p50_ms,p99_ms,requests,reserved,duplicates,rejected,errors,check";
    static final String HEADER = HEADER_WITHOUT_SEED + ",seed";
    private static final int FIELDS_WITHOUT_SEED = 15;

    ResultRow
    {
        check = check.replace(',', ';').replace('\n', ' ');
    }

    String toCsv()
    {
        return String.join(",", system, settings, mix, Integer.toString(connections), Integer.toString(depth),
            String.format(Locale.ROOT, "%.1f", durationSeconds), String.format(Locale.ROOT, "%.1f", throughput),
            String.format(Locale.ROOT, "%.3f", p50Millis), String.format(Locale.ROOT, "%.3f", p99Millis),
            Long.toString(requests), Long.toString(reserved), Long.toString(duplicates), Long.toString(rejected),
            Long.toString(errors), check, seed == null ? "" : Long.toString(seed));
    }

    /** A row of this format, or of the one before the seed column (15 fields, the seed null). */
    static ResultRow fromCsv(final String line)
    {
        final String[] f = line.split(",", -1);
        if (f.length != FIELDS_WITHOUT_SEED && f.length != FIELDS_WITHOUT_SEED + 1)
        {
            throw new IllegalArgumentException("expected " + FIELDS_WITHOUT_SEED + " or " + (FIELDS_WITHOUT_SEED + 1) +
                " fields, got " + f.length + ": " + line);
        }
        final Long seed = f.length == FIELDS_WITHOUT_SEED || f[FIELDS_WITHOUT_SEED].isEmpty() ? null :
            Long.valueOf(f[FIELDS_WITHOUT_SEED]);
        return new ResultRow(f[0], f[1], f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4]),
            Double.parseDouble(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7]), Double.parseDouble(f[8]),
            Long.parseLong(f[9]), Long.parseLong(f[10]), Long.parseLong(f[11]), Long.parseLong(f[12]),
            Long.parseLong(f[13]), f[14], seed);
    }

    /** Appends the row, writing the header first into a new or empty file. */
    void appendTo(final Path csv) throws IOException
    {
        final boolean fresh = !Files.exists(csv) || Files.size(csv) == 0;
        final String text = (fresh ? HEADER + "\n" : "") + toCsv() + "\n";
        Files.writeString(csv, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static List<ResultRow> readAll(final Path csv) throws IOException
    {
        final List<ResultRow> rows = new ArrayList<>();
        for (final String line : Files.readAllLines(csv, StandardCharsets.UTF_8))
        {
            if (!line.isBlank() && !line.equals(HEADER) && !line.equals(HEADER_WITHOUT_SEED))
            {
                rows.add(fromCsv(line));
            }
        }
        return rows;
    }

    boolean isEngine()
    {
        return system.startsWith("engine");
    }

    /**
     * What the acknowledged reservations survive, the pairing the comparison is fair on: a power cut (the engine's
     * {@code sync}, PostgreSQL's {@code synchronous_commit=on}) or a killed process (the engine's {@code process},
     * PostgreSQL's {@code synchronous_commit=off}, Redis's AOF fsynced every second).
     */
    Durability durability()
    {
        return switch (system)
        {
            case "engine-binary", "engine-http" -> settings.equals("sync") ? Durability.POWER_CUT : Durability.PROCESS;
            case "postgres" -> settings.equals("synchronous_commit=on") ? Durability.POWER_CUT : Durability.PROCESS;
            default -> Durability.PROCESS;
        };
    }

    enum Durability
    {
        POWER_CUT, PROCESS
    }
}
