package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

/**
 * One HTTP answer, however it was read (the JDK client or a raw socket): header names are lower case, one value
 * each.
 */
record Reply(int status, Map<String, String> headers, String body)
{
    String header(final String name)
    {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    Map<String, Object> json()
    {
        return Json.object(body);
    }

    Object at(final String path)
    {
        return Json.at(json(), path);
    }

    long seq()
    {
        final Object seq = json().get("seq");
        assertTrue(seq instanceof Long && (Long)seq > 0, () -> "seq must be a positive integer: " + body);
        return (Long)seq;
    }

    /** Asserts a success with this status and JSON body, and that it is not a replay. */
    Reply assertOk(final int expectedStatus)
    {
        assertEquals(expectedStatus, status, () -> "status of " + body);
        assertEquals("application/json", header("content-type"), body);
        assertNull(header("Idempotent-Replayed"), "a first answer is no replay");
        return this;
    }

    /** Asserts the body equals the expected JSON (member order ignored) once {@code seq} is taken out. */
    Reply assertBodyIgnoringSeq(final String expectedSingleQuoted)
    {
        final Map<String, Object> actual = json();
        actual.remove("seq");
        assertEquals(Json.object(Json.q(expectedSingleQuoted)), actual, body);
        return this;
    }

    /**
     * Asserts an RFC 9457 problem: the content type, a {@code type} derived from the code, a title, the status, the
     * code, a detail and, for a 400, the offending field (null: no field member at all).
     */
    Map<String, Object> assertProblem(final int expectedStatus, final String code, final String field)
    {
        assertEquals(expectedStatus, status, () -> "status of " + body);
        assertEquals("application/problem+json", header("content-type"), body);
        final Map<String, Object> problem = json();
        assertEquals("urn:stockengine:problem:" + code.toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
            problem.get("type"), body);
        assertTrue(problem.get("title") instanceof String && !((String)problem.get("title")).isBlank(), body);
        assertFalse("Internal error".equals(problem.get("title")) && expectedStatus < 500, body);
        assertEquals((long)expectedStatus, problem.get("status"), body);
        assertEquals(code, problem.get("code"), body);
        assertTrue(problem.get("detail") instanceof String && !((String)problem.get("detail")).isBlank(), body);
        if (field == null)
        {
            assertFalse(problem.containsKey("field"), body);
        }
        else
        {
            assertEquals(field, problem.get("field"), body);
        }
        if (expectedStatus == 503)
        {
            // Overload and recovery pass by themselves; a stopped journal waits for a restart and says no time.
            final boolean stopped = Responses.JOURNAL_STOPPED.equals(problem.get("detail"));
            assertEquals(!stopped, header("Retry-After") != null, () -> "Retry-After of " + body);
        }
        return problem;
    }
}
