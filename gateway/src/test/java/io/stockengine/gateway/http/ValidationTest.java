package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** Times as the HTTP API reads them: RFC 3339 or a date, kept in milliseconds. */
class ValidationTest
{
    private static final long TEN = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();

    @Test
    void shouldReadRfc3339TimesDatesAndOffsetsIntoUtcMilliseconds()
    {
        assertEquals(TEN, Validation.time("at", "2026-12-01T10:00:00Z"));
        assertEquals(TEN, Validation.time("at", "2026-12-01T12:00:00+02:00"));
        assertEquals(TEN - 10 * 3_600_000L, Validation.time("at", "2026-12-01"));
        assertEquals(TEN + 123, Validation.time("at", "2026-12-01T10:00:00.123Z"));
        assertEquals(TEN + 123, Validation.time("at", "2026-12-01T10:00:00.123456789Z"), "finer digits dropped");
        assertEquals(TEN + 123, Validation.time("at", "2026-12-01T10:00:00.1234567891234Z"),
            "past nanoseconds too, as the documents say");
        assertEquals(TEN + 123, Validation.time("at", "2026-12-01T12:00:00.1239999999+02:00"));
    }

    @Test
    void shouldRefuseWhatRfc3339DoesNotAllowOrThisEngineCannotKeep()
    {
        for (final String bad : new String[] { "2026-12-01T10:00:00.Z", "2026-12-31T23:59:60Z",
            "2026-12-01T24:00:00Z", "2026-12-01T10:00:00", "2026-02-30", "1969-12-31T23:59:59Z", "tomorrow" })
        {
            final Problem refused = assertThrows(Problem.class, () -> Validation.time("at", bad), bad);
            assertEquals(400, refused.status, bad);
            assertEquals("at", refused.field, bad);
        }
        // A space is an unencoded '+' in a query, a missing 'T' in a body: each is told its own fix.
        assertTrue(assertThrows(Problem.class, () -> Validation.time("at", "2026-12-01T10:00:00 02:00")).getMessage()
            .endsWith("(in a query, write the '+' of an offset as %2B)"));
        final String body = assertThrows(Problem.class,
            () -> Validation.time("expected_at", "2026-12-01 10:00:00Z")).getMessage();
        assertTrue(body.endsWith("(a 'T', not a space, separates date and time)"), body);
    }
}
