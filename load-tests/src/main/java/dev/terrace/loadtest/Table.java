package dev.terrace.loadtest;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A small table a suite wants in its report as it is, e.g. the {@code simulate} table of a trace replay.
 *
 * @param title   a heading.
 * @param columns the column names.
 * @param rows    the cells, one list per row, as many as there are columns.
 * @param note    one paragraph under the table saying how to read it; may be {@code null}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Table(String title, List<String> columns, List<List<String>> rows, String note)
{
    /**
     * Checks the shape and copies the cells.
     *
     * @throws IllegalArgumentException when a row has a different number of cells than there are columns.
     */
    public Table
    {
        for (final List<String> row : rows)
        {
            if (row.size() != columns.size())
            {
                throw new IllegalArgumentException("row " + row + " has " + row.size() + " cells for " + columns.size()
                    + " columns");
            }
        }
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
    }
}
