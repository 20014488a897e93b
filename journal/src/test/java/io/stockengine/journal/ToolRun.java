package io.stockengine.journal;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine;

/** Runs {@link JournalTool} in process, as {@code java -jar journal-tools.jar ...} would, capturing its output. */
record ToolRun(int exit, String out, String err)
{
    private static final Pattern SEQ = Pattern.compile("^\\{\"seq\":(\\d+),\"type\":\"([a-z_]+)\"");

    static ToolRun of(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine tool = JournalTool.commandLine();
        tool.setOut(new PrintWriter(out, true));
        tool.setErr(new PrintWriter(err, true));
        final int exit = tool.execute(args);
        return new ToolRun(exit, out.toString(), err.toString());
    }

    List<String> lines()
    {
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    /** The seq of each JSON line printed. */
    List<Long> seqs()
    {
        final List<Long> seqs = new ArrayList<>();
        for (final String line : lines())
        {
            final Matcher m = SEQ.matcher(line);
            if (!m.find())
            {
                throw new AssertionError("not an event line: " + line);
            }
            seqs.add(Long.parseLong(m.group(1)));
        }
        return seqs;
    }

    /** The type of each JSON line printed. */
    List<String> types()
    {
        final List<String> types = new ArrayList<>();
        for (final String line : lines())
        {
            final Matcher m = SEQ.matcher(line);
            if (!m.find())
            {
                throw new AssertionError("not an event line: " + line);
            }
            types.add(m.group(2));
        }
        return types;
    }

    @Override
    public String toString()
    {
        return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
    }
}
