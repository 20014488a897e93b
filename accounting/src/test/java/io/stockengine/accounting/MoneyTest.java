package io.stockengine.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MoneyTest
{
    @ParameterizedTest
    @CsvSource({
        // value, part, whole, share: half-even to the millionth
        "10, 1, 4, 2",          // 2.5 -> 2 (even)
        "14, 1, 4, 4",          // 3.5 -> 4 (even)
        "10, 3, 4, 8",          // 7.5 -> 8
        "1, 1, 3, 0",           // 0.33 -> 0
        "2, 1, 3, 1",           // 0.67 -> 1
        "32044444, 10, 27, 11868313",
        "36000000, 7, 30, 8400000",
        "5, 5, 5, 5",
        "0, 3, 7, 0" })
    void shouldShareHalfEven(final long value, final long part, final long whole, final long share)
    {
        assertEquals(share, Money.share(value, part, whole));
    }

    /** Too many decimals and too large are both refused, and the message gives the range as well as the scale. */
    @Test
    void shouldRefuseAnAmountOfSevenDecimalsOrPastTheRange()
    {
        assertEquals(9_223_372_036_854_775_807L, Money.parse("9223372036854.775807"));
        for (final String bad : new String[] { "1.0000001", "99999999999999", "9223372036854.775808" })
        {
            final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Money.parse(bad));
            assertTrue(refused.getMessage().contains("at most six decimals from -9223372036854.775808 to " +
                "9223372036854.775807"), refused.getMessage());
        }
    }

    @Test
    void shouldShareExactlyPast64Bits()
    {
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 10_000; i++)
        {
            final long value = random.nextLong(1L << 40, Long.MAX_VALUE / 2);
            final long whole = random.nextLong(1, 1L << 40);
            final long part = random.nextLong(0, whole + 1);
            final long expected = new BigDecimal(value).multiply(new BigDecimal(part))
                .divide(new BigDecimal(whole), 0, RoundingMode.HALF_EVEN).longValueExact();
            assertEquals(expected, Money.share(value, part, whole), value + " * " + part + " / " + whole);
        }
    }

    /**
     * A pool drained share by share, as stock leaves at average cost: every share is the exact half-even value of
     * its units out of what is left (worked out with BigDecimal, not by {@code share}), never more than the pool
     * holds, and the last share is what remains, so the shares add up to the pool to the millionth.
     */
    @Test
    void shouldShareAPoolDownToTheLastMillionth()
    {
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 1_000; i++)
        {
            long units = 1 + random.nextInt(1_000);
            long value = random.nextLong(0, 1_000_000_000_000L);
            final long total = value;
            long taken = 0;
            while (units > 0)
            {
                final long k = 1 + random.nextLong(units);
                final long v = Money.share(value, k, units);
                final long exact = new BigDecimal(value).multiply(new BigDecimal(k))
                    .divide(new BigDecimal(units), 0, RoundingMode.HALF_EVEN).longValueExact();
                assertEquals(exact, v, k + " of " + units + " units worth " + value);
                assertTrue(v >= 0 && v <= value, "a share within the pool: " + v + " of " + value);
                taken += v;
                value -= v;
                units -= k;
            }
            assertEquals(total, taken);
        }
    }

    @Test
    void shouldValueUnitsAtTheCostOfAPoolInOneRounding()
    {
        assertEquals(Money.parse("10.00"), Money.atCostOf(Money.parse("10.00"), 3, 3));
        assertEquals(Money.parse("3333333333.333333"), Money.atCostOf(Money.parse("10.00"), 3, 1_000_000_000));
        assertEquals(Money.parse("4.533333"), Money.atCostOf(Money.parse("6.80"), 3, 2));
        assertEquals(0, Money.atCostOf(Money.parse("6.80"), 3, 0));
        assertEquals(Money.parse("0.000002"), Money.atCostOf(5, 2, 1), "2.5 millionths: half-even to 2");
        assertThrows(ArithmeticException.class, () -> Money.atCostOf(Long.MAX_VALUE, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> Money.atCostOf(10, 0, 1));
    }

    @Test
    void shouldParseAndFormatWithoutRounding()
    {
        assertEquals(2_500_000, Money.parse("2.5"));
        assertEquals(3_000_000, Money.parse(" 3 "));
        assertEquals(1, Money.parse("0.000001"));
        assertEquals("12.345678", Money.format(12_345_678));
        assertEquals("-0.000001", Money.format(-1));
        assertEquals("0.000000", Money.format(0));
        assertThrows(IllegalArgumentException.class, () -> Money.parse("0.0000001"));
        assertThrows(IllegalArgumentException.class, () -> Money.parse("abc"));
        assertThrows(ArithmeticException.class, () -> Money.times(Long.MAX_VALUE / 2, 3));
    }
}
