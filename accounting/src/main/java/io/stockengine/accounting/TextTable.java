package io.stockengine.accounting;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table for the reports: a header, rows, columns padded to their widest cell; text columns left-aligned,
 * number columns right-aligned.
 */
final class TextTable
{
    private final String[] headers;
    private final boolean[] numeric;
    private final List<String[]> rows = new ArrayList<>();

    /** @param columns column headers; a header starting with '>' is a right-aligned (number) column. */
    TextTable(final String... columns)
    {
        headers = new String[columns.length];
        numeric = new boolean[columns.length];
        for (int i = 0; i < columns.length; i++)
        {
            numeric[i] = columns[i].startsWith(">");
            headers[i] = numeric[i] ? columns[i].substring(1) : columns[i];
        }
    }

    TextTable row(final Object... cells)
    {
        final String[] row = new String[headers.length];
        for (int i = 0; i < row.length; i++)
        {
            row[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
        }
        rows.add(row);
        return this;
    }

    /** A row of dashes under every column. */
    TextTable rule()
    {
        rows.add(null);
        return this;
    }

    void print(final PrintWriter out)
    {
        final int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++)
        {
            widths[i] = headers[i].length();
        }
        for (final String[] row : rows)
        {
            if (row != null)
            {
                for (int i = 0; i < row.length; i++)
                {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
        }
        line(out, headers, widths);
        for (final String[] row : rows)
        {
            if (row == null)
            {
                final String[] dashes = new String[headers.length];
                for (int i = 0; i < dashes.length; i++)
                {
                    dashes[i] = "-".repeat(widths[i]);
                }
                line(out, dashes, widths);
            }
            else
            {
                line(out, row, widths);
            }
        }
        out.flush();
    }

    private void line(final PrintWriter out, final String[] cells, final int[] widths)
    {
        final StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++)
        {
            if (i > 0)
            {
                line.append("  ");
            }
            final String pad = " ".repeat(widths[i] - cells[i].length());
            line.append(numeric[i] ? pad + cells[i] : i == cells.length - 1 ? cells[i] : cells[i] + pad);
        }
        out.println(line);
    }
}
