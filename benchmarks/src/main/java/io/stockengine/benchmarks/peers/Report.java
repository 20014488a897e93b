package io.stockengine.benchmarks.peers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The comparison as markdown: every run in one table, then the engine's ratio to each like-for-like peer run, then
 * the goals of issue 6 where a run answers them.
 * <p>
 * Like for like means the same mix, the same number of connections and the same durability: the engine's
 * {@code sync} against PostgreSQL with {@code synchronous_commit=on}, its {@code process} against PostgreSQL with
 * it off and against Redis. A Redis run is paired with engine runs of its own pipeline depth; PostgreSQL runs
 * with pgbench's one query at a time and is paired with every engine depth (the depth is in both columns).
 */
final class Report
{
    /** Issue 6's goals on the flash mix: at least this many times PostgreSQL's (synchronous commit on) throughput. */
    static final double POSTGRES_GOAL = 50;
    /** ... and this many times pipelined Redis's, each with a lower p99. */
    static final double REDIS_GOAL = 5;
    static final int REDIS_GOAL_DEPTH = 16;

    private static final Comparator<ResultRow> ORDER = Comparator.comparing(ResultRow::mix)
        .thenComparingInt(ResultRow::connections).thenComparingInt(r -> systemRank(r.system()))
        .thenComparing(ResultRow::durability).thenComparing(ResultRow::settings).thenComparingInt(ResultRow::depth);

    private Report()
    {
    }

    /** A like-for-like pair: an engine run and a peer run. */
    record Pair(ResultRow engine, ResultRow peer)
    {
        double throughputRatio()
        {
            return peer.throughput() > 0 ? engine.throughput() / peer.throughput() : Double.NaN;
        }

        /** The goal issue 6 sets for this pair, or 0 when it sets none. */
        double goal()
        {
            if (!engine.mix().equals("flash"))
            {
                return 0;
            }
            if (peer.system().equals("postgres") && peer.durability() == ResultRow.Durability.POWER_CUT)
            {
                return POSTGRES_GOAL;
            }
            if (peer.system().equals("redis") && peer.depth() == REDIS_GOAL_DEPTH)
            {
                return REDIS_GOAL;
            }
            return 0;
        }

        boolean goalMet()
        {
            return throughputRatio() >= goal() && engine.p99Millis() < peer.p99Millis();
        }
    }

    static List<ResultRow> sorted(final List<ResultRow> rows)
    {
        final List<ResultRow> out = new ArrayList<>(rows);
        out.sort(ORDER);
        return out;
    }

    static List<Pair> pairs(final List<ResultRow> rows)
    {
        final List<Pair> pairs = new ArrayList<>();
        for (final ResultRow engine : sorted(rows))
        {
            if (!engine.isEngine())
            {
                continue;
            }
            for (final ResultRow peer : sorted(rows))
            {
                if (!peer.isEngine() && peer.mix().equals(engine.mix()) &&
                    peer.connections() == engine.connections() && peer.durability() == engine.durability() &&
                    (peer.system().equals("postgres") || peer.depth() == engine.depth()))
                {
                    pairs.add(new Pair(engine, peer));
                }
            }
        }
        return pairs;
    }

    static String markdown(final String title, final List<String> notes, final List<ResultRow> rows)
    {
        final StringBuilder out = new StringBuilder(4096);
        out.append("# ").append(title).append("\n\n");
        for (final String note : notes)
        {
            out.append("- ").append(note).append('\n');
        }
        if (!notes.isEmpty())
        {
            out.append('\n');
        }
        out.append("## Runs\n\n");
        out.append("| system | durability / settings | mix | connections | pipeline depth | throughput ops/s | " +
            "p50 ms | p99 ms | reserved | rejected | check |\n");
        out.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (final ResultRow r : sorted(rows))
        {
            out.append("| ").append(systemName(r.system())).append(" | ").append(settingsName(r)).append(" | ")
                .append(r.mix()).append(" | ").append(r.connections()).append(" | ").append(r.depth()).append(" | ")
                .append(grouped(r.throughput())).append(" | ").append(millis(r.p50Millis())).append(" | ")
                .append(millis(r.p99Millis())).append(" | ").append(count(r.reserved())).append(" | ")
                .append(count(r.rejected())).append(" | ").append(r.check()).append(" |\n");
        }
        final List<Pair> pairs = pairs(rows);
        out.append("\n## The engine against each like-for-like peer run\n\n");
        if (pairs.isEmpty())
        {
            out.append("No pairs: these runs hold no engine run and peer run of the same mix, connections and " +
                "durability.\n");
            return out.toString();
        }
        out.append("Throughput ratio = engine ops/s / peer ops/s; p99 as engine vs peer. Goal: issue 6's target " +
            "for the pair (flash mix only): the throughput ratio and a lower p99.\n\n");
        out.append("| mix | connections | engine | peer | throughput ratio | p50 ms | p99 ms | goal |\n");
        out.append("|---|---:|---|---|---:|---:|---:|---|\n");
        for (final Pair p : pairs)
        {
            out.append("| ").append(p.engine().mix()).append(" | ").append(p.engine().connections()).append(" | ")
                .append(shortName(p.engine())).append(" | ").append(shortName(p.peer())).append(" | ")
                .append(ratio(p.throughputRatio())).append(" | ")
                .append(millis(p.engine().p50Millis())).append(" vs ").append(millis(p.peer().p50Millis()))
                .append(" | ").append(millis(p.engine().p99Millis())).append(" vs ")
                .append(millis(p.peer().p99Millis())).append(" | ").append(goal(p)).append(" |\n");
        }
        return out.toString();
    }

    private static String goal(final Pair p)
    {
        if (p.goal() == 0)
        {
            return "";
        }
        return String.format(Locale.ROOT, ">= %.0fx, lower p99: %s", p.goal(), p.goalMet() ? "met" : "NOT met");
    }

    static String systemName(final String system)
    {
        return switch (system)
        {
            case "engine-binary" -> "engine (binary)";
            case "engine-http" -> "engine (HTTP)";
            case "postgres" -> "PostgreSQL";
            case "redis" -> "Redis";
            default -> system;
        };
    }

    static String settingsName(final ResultRow r)
    {
        return switch (r.system())
        {
            case "engine-binary", "engine-http" -> "--durability " + r.settings();
            case "postgres" -> r.settings();
            case "redis" -> "appendonly yes, " + r.settings().replace('=', ' ');
            default -> r.settings();
        };
    }

    /** "engine (HTTP) sync P16", "PostgreSQL synchronous_commit=on P1". */
    static String shortName(final ResultRow r)
    {
        final String settings = r.system().equals("redis") ? "AOF everysec" : r.settings();
        return systemName(r.system()) + " " + settings + " P" + r.depth();
    }

    static String ratio(final double ratio)
    {
        if (Double.isNaN(ratio))
        {
            return "n/a";
        }
        return String.format(Locale.ROOT, ratio >= 10 ? "%.0fx" : "%.2fx", ratio);
    }

    static String millis(final double millis)
    {
        return String.format(Locale.ROOT, millis >= 10 ? "%.1f" : "%.3f", millis);
    }

    /** A count, or nothing when the run's tool could not say. */
    static String count(final long value)
    {
        return value < 0 ? "" : grouped(value);
    }

    static String grouped(final double value)
    {
        return String.format(Locale.ROOT, "%,d", Math.round(value));
    }

    private static int systemRank(final String system)
    {
        return switch (system)
        {
            case "engine-binary" -> 0;
            case "engine-http" -> 1;
            case "postgres" -> 2;
            case "redis" -> 3;
            default -> 4;
        };
    }
}
