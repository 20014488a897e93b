package io.stockengine.gateway.http;

import java.util.List;

/**
 * Every route the server answers, as "METHOD /path/{param}": the router's table and what the OpenAPI document must
 * cover.
 */
public final class Routes
{
    public static final List<String> ALL = List.of(
        "GET /health",
        "GET /metrics",
        "GET /openapi.json",
        "POST /snapshot",
        "GET /v1/stock/{sku}",
        "GET /v1/stock/{sku}/{location}",
        "PUT /v1/stock/{sku}/{location}/safety-stock",
        "GET /v1/availability",
        "GET /v1/availability/stream",
        "PUT /v1/orders/{orderId}",
        "GET /v1/orders/{orderId}",
        "POST /v1/orders/{orderId}/pick",
        "POST /v1/orders/{orderId}/ship",
        "POST /v1/orders/{orderId}/cancel",
        "POST /v1/orders/{orderId}/returns",
        "POST /v1/sales",
        "POST /v1/receipts",
        "POST /v1/inspections",
        "POST /v1/moves",
        "POST /v1/adjustments",
        "POST /v1/counts",
        "POST /v1/incoming",
        "POST /v1/transfers",
        "GET /v1/transfers/{transferId}",
        "POST /v1/transfers/{transferId}/receive",
        "PUT /v1/channels/{channel}",
        "GET /v1/channels/{channel}",
        "PUT /v1/kits/{sku}",
        "GET /v1/kits/{sku}");

    /** Each route's method and path segments, split once: matching runs for every request. */
    private static final String[] METHODS = new String[ALL.size()];
    private static final String[][] TEMPLATES = new String[ALL.size()][];

    static
    {
        for (int r = 0; r < ALL.size(); r++)
        {
            final String route = ALL.get(r);
            final int space = route.indexOf(' ');
            METHODS[r] = route.substring(0, space);
            TEMPLATES[r] = route.substring(space + 2).split("/");
        }
    }

    private Routes()
    {
    }

    private static boolean pathMatches(final String[] template, final String[] segments)
    {
        if (template.length != segments.length)
        {
            return false;
        }
        for (int i = 0; i < template.length; i++)
        {
            if (!template[i].startsWith("{") && !template[i].equals(segments[i]))
            {
                return false;
            }
        }
        return true;
    }

    /** The methods a path answers to, for the Allow header of a 405. */
    public static String allowed(final String[] segments)
    {
        final java.util.StringJoiner methods = new java.util.StringJoiner(", ");
        for (int r = 0; r < TEMPLATES.length; r++)
        {
            if (pathMatches(TEMPLATES[r], segments))
            {
                methods.add(METHODS[r]);
                if ("GET".equals(METHODS[r]) && segments.length > 0 && !"stream".equals(segments[segments.length - 1]))
                {
                    // HEAD is answered wherever GET is, but the event stream.
                    methods.add("HEAD");
                }
            }
        }
        return methods.toString();
    }

    /**
     * The API's name for the path parameter at {@code index} of a path shaped like a route (its other segments as
     * the route has them), for the problem that segment causes: {@code {orderId}} is the body's {@code order_id}.
     *
     * @return the parameter's name, or "path" when no route has a parameter there.
     */
    public static String parameterAt(final String[] segments, final int index)
    {
        for (final String[] template : TEMPLATES)
        {
            // A placeholder matches any segment, so the undecodable one at the index does not stop the match.
            if (pathMatches(template, segments) && template[index].startsWith("{"))
            {
                final String name = template[index].substring(1, template[index].length() - 1);
                return name.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
            }
        }
        return "path";
    }

    /**
     * Finds the route for a method and path split into segments.
     *
     * @return the route template, "405" when the path exists with another method, or null when no route matches.
     */
    public static String match(final String method, final String[] segments)
    {
        boolean pathMatched = false;
        for (int r = 0; r < TEMPLATES.length; r++)
        {
            if (pathMatches(TEMPLATES[r], segments))
            {
                if (METHODS[r].equals(method))
                {
                    return ALL.get(r);
                }
                pathMatched = true;
            }
        }
        return pathMatched ? "405" : null;
    }
}
