package io.stockengine.loadtest;

/**
 * What a request does; each kind has its own latency histogram, because a query and a reservation have different
 * costs and a mix hides that.
 */
final class OpKind
{
    static final int RESERVE = 0;
    static final int PICK = 1;
    static final int SHIP = 2;
    static final int CANCEL = 3;
    static final int SALE = 4;
    static final int RECEIVE = 5;
    static final int AVAILABILITY = 6;
    static final int STOCK = 7;
    static final int ORDER = 8;
    static final int CHANNEL = 9;
    static final int COUNT = 10;

    private static final String[] NAMES = {
        "reserve", "pick", "ship", "cancel", "sale", "receive", "availability", "stock", "order", "channel" };

    private OpKind()
    {
    }

    static String name(final int kind)
    {
        return NAMES[kind];
    }

    static boolean isQuery(final int kind)
    {
        return kind == AVAILABILITY || kind == STOCK || kind == ORDER;
    }
}
