package io.hivemind.bt.client.ipfilter;

/** Where the session consults the IP filter; blocked addresses are counted per point. */
public enum FilterPoint {
    /** An accepted connection, checked before any byte is read (then closed with {@code IP_FILTERED}). */
    INCOMING_CONNECTION,
    /** A connection we are about to open. */
    OUTGOING_CONNECTION,
    /** A peer in a tracker response, dropped before it reaches the peer list. */
    TRACKER_PEER,
    /** A peer from a DHT {@code get_peers} reply, or a DHT node we would contact. */
    DHT_PEER,
    /** A peer from a BEP 11 PEX message. */
    PEX_PEER
}
