package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBufAllocator;

/** Rendering into pooled buffers under paranoid leak detection: a failed rendering gives its buffer back. */
class ResponsesTest
{
    @BeforeAll
    static void install()
    {
        LeakWatch.install();
    }

    @Test
    void shouldReleaseTheBufferWhenTheWriterThrowsAnUncheckedException()
    {
        final IllegalStateException defect = new IllegalStateException("a defect in a writer");
        for (int i = 0; i < 16; i++)
        {
            assertSame(defect, assertThrows(IllegalStateException.class, () ->
                Responses.json(ByteBufAllocator.DEFAULT, json ->
                {
                    json.writeStartObject();
                    json.writeStringField("status", "half-way");
                    throw defect;
                })), "the writer's own exception reaches the caller");
        }
        LeakWatch.assertNoLeaks();
    }
}
