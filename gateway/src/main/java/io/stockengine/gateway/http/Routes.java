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
        "GET /v1/stock/{sku}",
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
        "PUT /v1/kits/{sku}");

    private Routes()
    {
    }

    /** The methods a path answers to, for the Allow header of a 405. */
    public static String allowed(final String[] segments)
    {
        final java.util.StringJoiner methods = new java.util.StringJoiner(", ");
        for (final String route : ALL)
        {
            final int space = route.indexOf(' ');
            final String[] template = route.substring(space + 2).split("/");
            boolean matches = template.length == segments.length;
            for (int i = 0; i < template.length && matches; i++)
            {
                matches = template[i].startsWith("{") || template[i].equals(segments[i]);
            }
            if (matches)
            {
                methods.add(route.substring(0, space));
            }
        }
        return methods.toString();
    }

    /**
     * Finds the route for a method and path split into segments.
     *
     * @return the route template, "405" when the path exists with another method, or null when no route matches.
     */
    public static String match(final String method, final String[] segments)
    {
        boolean pathMatched = false;
        for (final String route : ALL)
        {
            final int space = route.indexOf(' ');
            final String[] template = route.substring(space + 2).split("/");
            if (template.length != segments.length)
            {
                continue;
            }
            boolean matches = true;
            for (int i = 0; i < template.length && matches; i++)
            {
                matches = template[i].startsWith("{") || template[i].equals(segments[i]);
            }
            if (matches)
            {
                if (route.substring(0, space).equals(method))
                {
                    return route;
                }
                pathMatched = true;
            }
        }
        return pathMatched ? "405" : null;
    }
}
