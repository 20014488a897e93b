package io.stockengine.accounting;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Which cost method values each SKU, and the standard costs: configuration, from a properties file.
 * <pre>
 *   # every SKU not named below (fifo when absent)
 *   method = fifo
 *   # fifo, average or standard
 *   method.SKU-9 = average
 *   method.SKU-1 = standard
 *   # unit standard cost in currency units, at most six decimals
 *   standard.SKU-1 = 2.50
 * </pre>
 * A SKU valued at standard without a {@code standard.} line takes the unit cost of its first receipt as its standard.
 * The ledger records each SKU's method and standard when it first values the SKU, and refuses to start when this
 * configuration later disagrees with what it recorded (see {@link Ledger}).
 * <p>
 * Immutable; safe to share between threads.
 */
public final class CostingConfig
{
    /** No standard cost configured. */
    public static final long NONE = -1;

    private final CostMethod defaultMethod;
    private final Map<String, CostMethod> methods;
    private final Map<String, Long> standards;

    private CostingConfig(final CostMethod defaultMethod, final Map<String, CostMethod> methods,
        final Map<String, Long> standards)
    {
        this.defaultMethod = defaultMethod;
        this.methods = methods;
        this.standards = standards;
    }

    /** Every SKU by FIFO. */
    public static CostingConfig defaults()
    {
        return new CostingConfig(CostMethod.FIFO, Map.of(), Map.of());
    }

    /** Every SKU by {@code method}. */
    public static CostingConfig of(final CostMethod method)
    {
        return new CostingConfig(method, Map.of(), Map.of());
    }

    public static CostingConfig load(final Path file)
    {
        final Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            properties.load(reader);
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            throw AccountingConfigException.unreadable("the costing configuration", file, ex);
        }
        return parse(properties, file.toString());
    }

    static CostingConfig parse(final Properties properties, final String source)
    {
        CostMethod method = CostMethod.FIFO;
        final Map<String, CostMethod> methods = new HashMap<>();
        final Map<String, Long> standards = new HashMap<>();
        for (final String key : properties.stringPropertyNames())
        {
            final String value = properties.getProperty(key);
            try
            {
                if (key.equals("method"))
                {
                    method = CostMethod.parse(value);
                }
                else if (key.startsWith("method.") && key.length() > "method.".length())
                {
                    methods.put(key.substring("method.".length()), CostMethod.parse(value));
                }
                else if (key.startsWith("standard.") && key.length() > "standard.".length())
                {
                    final long cost = Money.parse(value);
                    if (cost < 0)
                    {
                        throw new IllegalArgumentException("a standard cost must not be negative");
                    }
                    standards.put(key.substring("standard.".length()), cost);
                }
                else
                {
                    throw new IllegalArgumentException("unknown key; keys are method, method.<sku> and " +
                        "standard.<sku>");
                }
            }
            catch (final IllegalArgumentException ex)
            {
                throw new AccountingConfigException(source + ": '" + key + "': " + ex.getMessage());
            }
        }
        final CostingConfig config = new CostingConfig(method, Map.copyOf(methods), Map.copyOf(standards));
        for (final String sku : standards.keySet())
        {
            if (config.method(sku) != CostMethod.STANDARD)
            {
                throw new AccountingConfigException(source + ": standard." + sku + " is given but " + sku +
                    " is valued by " + config.method(sku).label() + " (add method." + sku + " = standard)");
            }
        }
        return config;
    }

    /** The same, with every SKU without a method of its own valued by {@code method}. */
    public CostingConfig withDefaultMethod(final CostMethod method)
    {
        final CostingConfig config = new CostingConfig(method, methods, standards);
        for (final String sku : standards.keySet())
        {
            if (config.method(sku) != CostMethod.STANDARD)
            {
                throw new AccountingConfigException("standard." + sku + " is configured but " + sku + " would be " +
                    "valued by " + method.label());
            }
        }
        return config;
    }

    public CostMethod defaultMethod()
    {
        return defaultMethod;
    }

    public CostMethod method(final String sku)
    {
        return methods.getOrDefault(sku, defaultMethod);
    }

    /** @return the configured standard unit cost of {@code sku} in millionths, or {@link #NONE}. */
    public long standard(final String sku)
    {
        final Long cost = standards.get(sku);
        return cost == null ? NONE : cost;
    }
}
