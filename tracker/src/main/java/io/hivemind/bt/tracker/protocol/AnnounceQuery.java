package io.hivemind.bt.tracker.protocol;

import io.hivemind.bt.tracker.AnnounceEvent;

/**
 * An HTTP announce as a tracker server reads it from the query string (BEP 3, BEP 23). Built by
 * {@link HttpTrackerQueryParser}; the arrays are owned by this record and must not be modified.
 *
 * @param left     bytes left, or -1 when the client did not say (then it counts as a leecher)
 * @param numWant  peers wanted, or -1 for the tracker's default
 * @param compact  false only for an explicit {@code compact=0}
 * @param ip       the {@code ip=} parameter as sent, or null; a server ignores it unless told to trust it
 */
public record AnnounceQuery(byte[] infoHash, byte[] peerId, int port, long uploaded, long downloaded, long left,
                            AnnounceEvent event, int numWant, boolean compact, String ip) {
}
