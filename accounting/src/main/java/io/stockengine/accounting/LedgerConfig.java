package io.stockengine.accounting;

import java.nio.file.Path;

/**
 * Where the ledger lives and how it values and posts: the database, the consumer's name, the costing and the chart of
 * accounts. {@link #conclude()} validates it once.
 */
public final class LedgerConfig
{
    /** The consumer name the accounting ledger registers with the journal by default. */
    public static final String DEFAULT_CONSUMER = "accounting";

    private String url;
    private String user;
    private String password;
    private String schema;
    private String consumerName = DEFAULT_CONSUMER;
    private CostingConfig costing = CostingConfig.defaults();
    private ChartOfAccounts chart;
    private int postingBatch = 4096;

    /** The embedded H2 ledger of a data directory: {@code <dataDir>/accounting/ledger}. */
    public static String defaultUrl(final Path dataDir)
    {
        // AUTO_SERVER lets the reports open the ledger while a following consumer holds it.
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("accounting").resolve("ledger") +
            ";AUTO_SERVER=TRUE";
    }

    /** A JDBC URL: jdbc:h2:... or jdbc:postgresql://... */
    public LedgerConfig url(final String url)
    {
        this.url = url;
        return this;
    }

    public String url()
    {
        return url;
    }

    public LedgerConfig user(final String user)
    {
        this.user = user;
        return this;
    }

    public String user()
    {
        return user;
    }

    public LedgerConfig password(final String password)
    {
        this.password = password;
        return this;
    }

    public String password()
    {
        return password;
    }

    /** A schema of its own in the database (created when missing); null for the connection's default. */
    public LedgerConfig schema(final String schema)
    {
        this.schema = schema;
        return this;
    }

    public String schema()
    {
        return schema;
    }

    /** The name the consumer registers with the journal and keys its position by. */
    public LedgerConfig consumerName(final String name)
    {
        this.consumerName = name;
        return this;
    }

    public String consumerName()
    {
        return consumerName;
    }

    public LedgerConfig costing(final CostingConfig costing)
    {
        this.costing = costing;
        return this;
    }

    public CostingConfig costing()
    {
        return costing;
    }

    public LedgerConfig chart(final ChartOfAccounts chart)
    {
        this.chart = chart;
        return this;
    }

    public ChartOfAccounts chart()
    {
        return chart;
    }

    /** Postings sent to the database per JDBC batch, inside the open transaction. */
    public LedgerConfig postingBatch(final int rows)
    {
        this.postingBatch = rows;
        return this;
    }

    public int postingBatch()
    {
        return postingBatch;
    }

    public LedgerConfig conclude()
    {
        if (url == null)
        {
            throw new AccountingConfigException("the ledger needs a database URL");
        }
        Dialect.of(url);
        if (chart == null)
        {
            chart = ChartOfAccounts.defaults();
        }
        if (consumerName == null || !consumerName.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"))
        {
            // The journal registers the consumer under this name as a file name.
            throw new AccountingConfigException("consumer name '" + consumerName + "' must be 1 to 64 letters, " +
                "digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (schema != null && !schema.matches("[A-Za-z_][A-Za-z0-9_]{0,62}"))
        {
            throw new AccountingConfigException("schema '" + schema + "' must be a plain SQL identifier");
        }
        if (postingBatch < 1)
        {
            throw new AccountingConfigException("postingBatch must be at least 1");
        }
        return this;
    }
}
