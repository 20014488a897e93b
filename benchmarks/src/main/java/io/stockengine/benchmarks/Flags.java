package io.stockengine.benchmarks;

/**
 * Flag reading for the load programs' mains: a missing value, a value that is not a number or an unknown flag
 * ends the program with one line that says what to fix and the usage, exit status 2, instead of a stack trace.
 */
final class Flags
{
    private final String tool;
    private final String usage;
    private final String[] args;
    private int next;

    Flags(final String tool, final String usage, final String[] args)
    {
        this.tool = tool;
        this.usage = usage;
        this.args = args;
    }

    /** The next flag's name, or null after the last; {@code --help} or {@code -h} prints the usage and exits 0. */
    String nextFlag()
    {
        final String flag = next < args.length ? args[next++] : null;
        if ("--help".equals(flag) || "-h".equals(flag))
        {
            System.out.println("usage: " + usage);
            System.exit(0);
        }
        return flag;
    }

    String text(final String flag)
    {
        if (next >= args.length)
        {
            throw fail(flag + " needs a value");
        }
        return args[next++];
    }

    long number(final String flag, final long min)
    {
        final String value = text(flag);
        try
        {
            final long n = Long.parseLong(value);
            if (n < min)
            {
                throw fail(flag + " must be at least " + min + ", not " + value);
            }
            return n;
        }
        catch (final NumberFormatException ex)
        {
            throw fail(flag + " needs a whole number, not '" + value + "'");
        }
    }

    int intNumber(final String flag, final int min)
    {
        final long n = number(flag, min);
        if (n > Integer.MAX_VALUE)
        {
            throw fail(flag + " must be at most " + Integer.MAX_VALUE);
        }
        return (int)n;
    }

    IllegalStateException unknown(final String flag)
    {
        return fail("unknown flag " + flag);
    }

    /** Prints the problem and the usage and exits 2; the return type lets callers write {@code throw fail(...)}. */
    IllegalStateException fail(final String problem)
    {
        System.err.println(tool + ": " + problem);
        System.err.println("usage: " + usage);
        System.exit(2);
        return new IllegalStateException(problem);
    }
}
