package io.stockengine.gateway.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.stockengine.gateway.GatewayConfig;
import io.stockengine.gateway.StockServer;

/**
 * A real server on free ports with its journal in a test directory, and the JDK's HTTP client to talk to it.
 */
final class TestServer implements AutoCloseable
{
    final StockServer server;
    final HttpClient client;
    final List<String> log;

    private TestServer(final StockServer server, final List<String> log)
    {
        this.server = server;
        this.log = log;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Free ports, no snapshot follower (startup and shutdown stay fast), everything else as shipped. */
    static GatewayConfig config(final Path dataDir)
    {
        final GatewayConfig config = new GatewayConfig();
        config.httpPort = 0;
        config.tcpPort = 0;
        config.dataDir = dataDir;
        config.snapshots = false;
        return config;
    }

    static TestServer start(final GatewayConfig config)
    {
        final List<String> log = new CopyOnWriteArrayList<>();
        try
        {
            return new TestServer(StockServer.start(config, log::add), log);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    static TestServer start(final Path dataDir)
    {
        return start(config(dataDir));
    }

    int port()
    {
        return server.httpPort();
    }

    RawHttp raw()
    {
        return new RawHttp(port());
    }

    Reply get(final String path)
    {
        return send("GET", path, null);
    }

    Reply put(final String path, final String singleQuotedBody)
    {
        return send("PUT", path, Json.q(singleQuotedBody));
    }

    /** A POST; a null body sends none, a null key no Idempotency-Key header. */
    Reply post(final String path, final String singleQuotedBody, final String key)
    {
        final String body = singleQuotedBody == null ? null : Json.q(singleQuotedBody);
        return key == null ? send("POST", path, body) : send("POST", path, body, "Idempotency-Key", key);
    }

    /** Sends a request; {@code headers} are name, value pairs. A null body sends none (Content-Length: 0). */
    Reply send(final String method, final String path, final String body, final String... headers)
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
            .timeout(Duration.ofSeconds(20))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() :
                HttpRequest.BodyPublishers.ofString(body));
        if (body != null)
        {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2)
        {
            request.header(headers[i], headers[i + 1]);
        }
        try
        {
            final HttpResponse<String> response = client.send(request.build(),
                HttpResponse.BodyHandlers.ofString());
            final Map<String, String> names = new TreeMap<>();
            response.headers().map().forEach((name, values) ->
                names.put(name.toLowerCase(Locale.ROOT), values.get(0)));
            final Reply reply = new Reply(response.statusCode(), Collections.unmodifiableMap(names), response.body());
            Contract.check(method, path, reply);
            return reply;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(method + " " + path, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** Receives {@code quantity} units into sellable with a fresh key; asserts the 201. */
    Reply receive(final String sku, final String location, final long quantity)
    {
        final Reply reply = post("/v1/receipts", "{'sku':'" + sku + "','location':'" + location + "','quantity':" +
            quantity + ",'unit_cost':'1.00'}", "rcv-" + java.util.UUID.randomUUID());
        reply.assertOk(201);
        return reply;
    }

    /** The stock of one SKU at one location as the API shows it; an empty object when it has no record there. */
    @SuppressWarnings("unchecked")
    Map<String, Object> stockAt(final String sku, final String location)
    {
        final Reply reply = get("/v1/stock/" + sku);
        reply.assertOk(200);
        for (final Object row : (List<Object>)reply.json().get("locations"))
        {
            final Map<String, Object> fields = (Map<String, Object>)row;
            if (location.equals(fields.get("location")))
            {
                return fields;
            }
        }
        return Map.of();
    }

    /** The sequence number of the last journaled event, from /health. */
    long journaledSeq()
    {
        final Reply health = get("/health");
        health.assertOk(200);
        return (Long)health.json().get("seq");
    }

    @Override
    public void close()
    {
        server.close();
    }
}
