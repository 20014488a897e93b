package io.stockengine.accounting;

import java.util.Locale;

/**
 * The little SQL that differs between the two databases the ledger runs on: the upsert.
 */
enum Dialect
{
    H2, POSTGRESQL;

    static Dialect of(final String url)
    {
        if (url.startsWith("jdbc:h2:"))
        {
            return H2;
        }
        if (url.startsWith("jdbc:postgresql:"))
        {
            return POSTGRESQL;
        }
        throw new AccountingConfigException("unsupported database URL '" + url + "': use jdbc:h2:... or " +
            "jdbc:postgresql://...");
    }

    /** How the database stores an unquoted identifier: H2 upper case, PostgreSQL lower case. */
    String schemaName(final String schema)
    {
        return this == H2 ? schema.toUpperCase(Locale.ROOT) : schema.toLowerCase(Locale.ROOT);
    }

    /** Inserts a row or replaces the one with the same key. */
    String upsert(final String table, final String[] keys, final String[] others)
    {
        final StringBuilder columns = new StringBuilder();
        final StringBuilder marks = new StringBuilder();
        for (final String column : keys)
        {
            columns.append(columns.length() == 0 ? "" : ", ").append(column);
            marks.append(marks.length() == 0 ? "?" : ", ?");
        }
        for (final String column : others)
        {
            columns.append(", ").append(column);
            marks.append(", ?");
        }
        if (this == H2)
        {
            return "MERGE INTO " + table + " (" + columns + ") KEY (" + String.join(", ", keys) + ") VALUES (" +
                marks + ")";
        }
        final StringBuilder updates = new StringBuilder();
        for (final String column : others)
        {
            updates.append(updates.length() == 0 ? "" : ", ").append(column).append(" = EXCLUDED.").append(column);
        }
        return "INSERT INTO " + table + " (" + columns + ") VALUES (" + marks + ") ON CONFLICT (" +
            String.join(", ", keys) + ") DO UPDATE SET " + updates;
    }
}
