package io.stockengine.accounting;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses --method for picocli, so a bad method is a usage error (exit code 2). */
final class CostMethodConverter implements ITypeConverter<CostMethod>
{
    @Override
    public CostMethod convert(final String value)
    {
        try
        {
            return CostMethod.parse(value);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new TypeConversionException(ex.getMessage());
        }
    }
}
