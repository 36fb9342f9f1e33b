package dev.terrace.node.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table for the operator CLI: a header row, columns as wide as their widest cell, two spaces between
 * columns, text left-aligned and numbers right-aligned, no trailing spaces.
 */
public final class TextTable
{
    /** How a column's cells line up. */
    public enum Align
    {
        LEFT, RIGHT
    }

    private final String[] headers;
    private final Align[] aligns;
    private final List<String[]> rows = new ArrayList<>();

    /**
     * @param columns pairs of header and alignment, e.g. {@code "NODE", Align.LEFT, "SLOTS", Align.RIGHT}.
     */
    public TextTable(final Object... columns)
    {
        if (columns.length == 0 || columns.length % 2 != 0)
        {
            throw new IllegalArgumentException("columns are (header, alignment) pairs");
        }
        headers = new String[columns.length / 2];
        aligns = new Align[columns.length / 2];
        for (int i = 0; i < headers.length; i++)
        {
            headers[i] = (String)columns[2 * i];
            aligns[i] = (Align)columns[2 * i + 1];
        }
    }

    /** Adds a row; null cells print as {@code -}. */
    public TextTable row(final Object... cells)
    {
        if (cells.length != headers.length)
        {
            throw new IllegalArgumentException("a row has " + headers.length + " cells, not " + cells.length);
        }
        final String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++)
        {
            row[i] = cells[i] == null ? "-" : cells[i].toString();
        }
        rows.add(row);
        return this;
    }

    /** The table, one line per row after the header, each ending in a newline. */
    public String render()
    {
        final int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++)
        {
            widths[i] = headers[i].length();
        }
        for (final String[] row : rows)
        {
            for (int i = 0; i < row.length; i++)
            {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        final StringBuilder out = new StringBuilder();
        line(out, headers, widths);
        for (final String[] row : rows)
        {
            line(out, row, widths);
        }
        return out.toString();
    }

    @Override
    public String toString()
    {
        return render();
    }

    private void line(final StringBuilder out, final String[] cells, final int[] widths)
    {
        final StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++)
        {
            if (i > 0)
            {
                line.append("  ");
            }
            final String pad = " ".repeat(widths[i] - cells[i].length());
            line.append(aligns[i] == Align.RIGHT ? pad + cells[i] : cells[i] + pad);
        }
        out.append(stripTrailing(line)).append('\n');
    }

    private static String stripTrailing(final StringBuilder line)
    {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ')
        {
            end--;
        }
        return line.substring(0, end);
    }
}
