package io.stockengine.accounting;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Money as a {@code long} count of millionths of the currency unit (the journal's {@code unit_cost} unit), and the
 * one rounding rule of the ledger: a share of a value, {@code value * part / whole}, is rounded half-even to the
 * millionth. Whoever takes a share leaves the residue behind (in the layer or the average pool it came from), and the
 * last unit taken takes the whole remainder, so no millionth is ever created or lost.
 * <p>
 * Overflow is an error, never a wrap: products and sums are checked ({@link Math#multiplyExact},
 * {@link Math#addExact} wherever the ledger or a report adds amounts), and a share whose product passes 64 bits is
 * computed exactly in 128 bits (BigInteger) before the half-even division.
 */
public final class Money
{
    public static final long UNIT = 1_000_000L;
    private static final BigDecimal MILLIONTHS = BigDecimal.valueOf(UNIT);

    private Money()
    {
    }

    /** {@code units * unitCost}, exact; throws on overflow. */
    public static long times(final long units, final long unitCost)
    {
        return Math.multiplyExact(units, unitCost);
    }

    /**
     * {@code value * part / whole} rounded half-even to the millionth: the value of {@code part} units out of a pool
     * of {@code whole} units worth {@code value}. {@code part == whole} returns {@code value} itself.
     */
    public static long share(final long value, final long part, final long whole)
    {
        if (whole <= 0 || part < 0 || part > whole)
        {
            throw new IllegalArgumentException("a share of " + part + " out of " + whole + " units");
        }
        if (part == whole)
        {
            return value;
        }
        return scaled(value, part, whole);
    }

    /**
     * The value of {@code units} at the cost of a layer or pool of {@code whole} units worth {@code value}:
     * {@code value * units / whole} rounded half-even once, for any number of units (a gain may be larger than the
     * stock whose cost it takes). The rounded unit cost times the units would drift from it with the quantity:
     * a pool of 3 units worth 10.00 values 3 more at 10.00, not 3 x 3.333333. Throws on overflow.
     */
    public static long atCostOf(final long value, final long whole, final long units)
    {
        if (whole <= 0 || units < 0)
        {
            throw new IllegalArgumentException(units + " units at the cost of " + whole);
        }
        return scaled(value, units, whole);
    }

    private static long scaled(final long value, final long part, final long whole)
    {
        final long high = Math.multiplyHigh(value, part);
        final long low = value * part;
        if ((high == 0 && low >= 0) || (high == -1 && low < 0))
        {
            return divideHalfEven(low, whole);
        }
        final BigInteger[] qr = BigInteger.valueOf(value).multiply(BigInteger.valueOf(part))
            .divideAndRemainder(BigInteger.valueOf(whole));
        final BigInteger twice = qr[1].abs().shiftLeft(1);
        BigInteger q = qr[0];
        final int cmp = twice.compareTo(BigInteger.valueOf(whole));
        if (cmp > 0 || (cmp == 0 && q.testBit(0)))
        {
            q = qr[1].signum() < 0 ? q.subtract(BigInteger.ONE) : q.add(BigInteger.ONE);
        }
        return q.longValueExact();
    }

    /** {@code dividend / divisor} rounded half-even; the divisor is positive. */
    public static long divideHalfEven(final long dividend, final long divisor)
    {
        final long q = dividend / divisor;
        final long r = dividend % divisor;
        if (r == 0)
        {
            return q;
        }
        final long twice = Math.abs(r) * 2;
        if (twice > divisor || (twice == divisor && (q & 1) != 0))
        {
            return r < 0 ? q - 1 : q + 1;
        }
        return q;
    }

    /** The unit cost of a pool, {@code value / units} rounded half-even, or {@code fallback} when it is empty. */
    public static long unitCost(final long value, final long units, final long fallback)
    {
        return units > 0 ? divideHalfEven(value, units) : fallback;
    }

    /** "12.345678", "-0.000001": always six decimals, so columns line up and nothing is hidden. */
    public static String format(final long millionths)
    {
        return BigDecimal.valueOf(millionths).divide(MILLIONTHS).setScale(6, RoundingMode.UNNECESSARY).toPlainString();
    }

    /** Parses "2.5", "2.500000" or "3" into millionths; more than six decimals is an error, never rounded. */
    public static long parse(final String text)
    {
        try
        {
            return new BigDecimal(text.strip()).multiply(MILLIONTHS).setScale(0, RoundingMode.UNNECESSARY)
                .longValueExact();
        }
        catch (final ArithmeticException | NumberFormatException ex)
        {
            throw new IllegalArgumentException("'" + text + "' is not an amount with at most six decimals from " +
                "-9223372036854.775808 to 9223372036854.775807");
        }
    }
}
