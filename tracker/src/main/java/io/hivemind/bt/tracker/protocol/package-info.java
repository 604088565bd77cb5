/**
 * Tracker wire formats as pure functions, shared by client and server: HTTP announce and scrape URLs
 * (BEP 3, BEP 23, BEP 48) and their query parser, HTTP response bodies (bencoded, with {@code peers6} of BEP 7),
 * and every UDP tracker packet of BEP 15. Each parser has hard limits and throws only
 * {@link io.hivemind.bt.tracker.TrackerException} with a typed reason and the offending offset; each is a Jazzer
 * fuzz target. No sockets, no clocks, no state.
 */
package io.hivemind.bt.tracker.protocol;
