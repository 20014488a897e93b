package io.stockengine.accounting;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The accounts and which of them each {@link PostingKind} debits and credits: configuration, read from a properties
 * file over the defaults in {@code default-chart.properties} (its comments give the format). Validated whole on load:
 * every kind mapped to two defined accounts, and the inventory accounts (the stock sides) used by no other side.
 * <p>
 * Immutable; safe to share between threads.
 */
public final class ChartOfAccounts
{
    private static final String DEFAULT_RESOURCE = "default-chart.properties";
    private static final String ACCOUNT_PREFIX = "account.";
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9._-]{1,32}");

    private final Map<String, String> names;
    private final Map<PostingKind, String> debits = new EnumMap<>(PostingKind.class);
    private final Map<PostingKind, String> credits = new EnumMap<>(PostingKind.class);
    private final Set<String> stockAccounts = new TreeSet<>();

    /** @param given the keys the file gave (the rest are the defaults'), so that an error can say which is which. */
    private ChartOfAccounts(final Properties properties, final Set<String> given, final String source)
    {
        final Map<String, String> accounts = new TreeMap<>();
        for (final String key : properties.stringPropertyNames())
        {
            final String value = properties.getProperty(key).strip();
            if (key.startsWith(ACCOUNT_PREFIX))
            {
                final String code = key.substring(ACCOUNT_PREFIX.length());
                if (!CODE.matcher(code).matches())
                {
                    throw new AccountingConfigException(source + ": account code '" + code + "' must be 1 to 32 " +
                        "letters, digits, '.', '_' or '-'");
                }
                if (value.isEmpty())
                {
                    throw new AccountingConfigException(source + ": account " + code + " needs a name");
                }
                accounts.put(code, value);
            }
            else if (PostingKind.ofKey(key) == null)
            {
                throw new AccountingConfigException(source + ": unknown key '" + key + "'; keys are account.<code> " +
                    "and the posting kinds " + kindKeys());
            }
        }
        this.names = Collections.unmodifiableMap(accounts);
        for (final PostingKind kind : PostingKind.values())
        {
            final String value = properties.getProperty(kind.key());
            if (value == null)
            {
                throw new AccountingConfigException(source + ": posting kind '" + kind.key() + "' has no accounts");
            }
            final String[] sides = value.split("/");
            if (sides.length != 2)
            {
                throw new AccountingConfigException(source + ": '" + kind.key() + " = " + value + "' must be " +
                    "'<debit account> / <credit account>'");
            }
            debits.put(kind, defined(sides[0].strip(), kind, source));
            credits.put(kind, defined(sides[1].strip(), kind, source));
        }
        for (final PostingKind kind : PostingKind.values())
        {
            if (kind.debitIsStock())
            {
                stockAccounts.add(debits.get(kind));
            }
            if (kind.creditIsStock())
            {
                stockAccounts.add(credits.get(kind));
            }
        }
        // The file's own lines first: a conflict in the line just edited (sides swapped, say) is the one to show.
        final List<PostingKind> fileFirst = new ArrayList<>();
        for (final boolean fromFile : new boolean[] { true, false })
        {
            for (final PostingKind kind : PostingKind.values())
            {
                if (given.contains(kind.key()) == fromFile)
                {
                    fileFirst.add(kind);
                }
            }
        }
        for (final PostingKind kind : fileFirst)
        {
            final String account = !kind.debitIsStock() && stockAccounts.contains(debits.get(kind)) ?
                debits.get(kind) : !kind.creditIsStock() && stockAccounts.contains(credits.get(kind)) ?
                credits.get(kind) : null;
            if (account != null)
            {
                // Two lines conflict, and either may be the one just edited: both are named, with where each is from.
                throw new AccountingConfigException(source + ": account " + account + " is an inventory account, " +
                    "since " + stockSideUses(account, properties, given) + ", but " +
                    line(kind, properties, given) + " uses it on its non-stock side; an inventory account may only " +
                    "hold stock value, or it could not be reconciled with the cost layers");
            }
        }
        for (final PostingKind kind : new PostingKind[] { PostingKind.TRANSFER_OUT, PostingKind.TRANSFER_IN })
        {
            if (debits.get(kind).equals(credits.get(kind)))
            {
                throw new AccountingConfigException(source + ": '" + kind.key() + "' debits and credits the same " +
                    "account; stock in transit needs an account of its own");
            }
        }
    }

    /**
     * The chart lines whose stock side is {@code account}: those the file gave when there are any (the user's
     * change), else the defaults', at most two of them spelt out.
     */
    private String stockSideUses(final String account, final Properties properties, final Set<String> given)
    {
        final List<PostingKind> fromFile = new ArrayList<>();
        final List<PostingKind> all = new ArrayList<>();
        for (final PostingKind kind : PostingKind.values())
        {
            if (kind.debitIsStock() && debits.get(kind).equals(account) ||
                kind.creditIsStock() && credits.get(kind).equals(account))
            {
                all.add(kind);
                if (given.contains(kind.key()))
                {
                    fromFile.add(kind);
                }
            }
        }
        final List<PostingKind> kinds = fromFile.isEmpty() ? all : fromFile;
        final StringBuilder lines = new StringBuilder(line(kinds.get(0), properties, given));
        if (kinds.size() == 2)
        {
            lines.append(" and ").append(line(kinds.get(1), properties, given));
        }
        else if (kinds.size() > 2)
        {
            lines.append(", ").append(line(kinds.get(1), properties, given)).append(" and ")
                .append(kinds.size() - 2).append(" other line").append(kinds.size() > 3 ? "s" : "");
        }
        return lines + (kinds.size() == 1 ? " has it on its stock side" : " have it on their stock side");
    }

    /** "'sale = 1300 / 5000'", with "(default)" when the line is the built-in chart's and not the file's. */
    private static String line(final PostingKind kind, final Properties properties, final Set<String> given)
    {
        return "'" + kind.key() + " = " + properties.getProperty(kind.key()).strip() + "'" +
            (given.contains(kind.key()) ? "" : " (default)");
    }

    private String defined(final String code, final PostingKind kind, final String source)
    {
        if (!names.containsKey(code))
        {
            throw new AccountingConfigException(source + ": '" + kind.key() + "' names account '" + code + "', which " +
                "is not defined (add account." + code + " = <name>)");
        }
        return code;
    }

    private static String kindKeys()
    {
        final StringBuilder keys = new StringBuilder();
        for (final PostingKind kind : PostingKind.values())
        {
            keys.append(keys.length() == 0 ? "" : ", ").append(kind.key());
        }
        return keys.toString();
    }

    /** The default chart. */
    public static ChartOfAccounts defaults()
    {
        final Properties properties = defaultProperties();
        return new ChartOfAccounts(properties, properties.stringPropertyNames(), DEFAULT_RESOURCE);
    }

    /** The defaults with every key of {@code file} replacing its default. */
    public static ChartOfAccounts load(final Path file)
    {
        final Properties properties = defaultProperties();
        final Properties overrides = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            overrides.load(reader);
            for (final String key : overrides.stringPropertyNames())
            {
                properties.setProperty(key, overrides.getProperty(key));
            }
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            throw AccountingConfigException.unreadable("the chart of accounts", file, ex);
        }
        return new ChartOfAccounts(properties, overrides.stringPropertyNames(), file.toString());
    }

    private static Properties defaultProperties()
    {
        final Properties properties = new Properties();
        try (InputStream in = ChartOfAccounts.class.getResourceAsStream(DEFAULT_RESOURCE))
        {
            if (in == null)
            {
                throw new IllegalStateException(DEFAULT_RESOURCE + " is missing from the classpath");
            }
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + DEFAULT_RESOURCE, ex);
        }
        return properties;
    }

    public String debit(final PostingKind kind)
    {
        return debits.get(kind);
    }

    public String credit(final PostingKind kind)
    {
        return credits.get(kind);
    }

    /** Every account, code to name, in code order. */
    public Map<String, String> accounts()
    {
        return names;
    }

    /** The accounts that hold inventory value (on hand or in transit). */
    public Set<String> stockAccounts()
    {
        return Collections.unmodifiableSet(stockAccounts);
    }
}
