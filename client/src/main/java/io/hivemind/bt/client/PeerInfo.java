package io.hivemind.bt.client;

import java.net.InetSocketAddress;

/**
 * One connected peer, as seen from a torrent. Immutable snapshot.
 *
 * @param address       the peer's address
 * @param client        the client name from its peer id or extension handshake
 * @param incoming      it connected to us
 * @param encrypted     the connection uses MSE/PE RC4
 * @param progress      share of the torrent the peer has, 0…1
 * @param downloadRate  bytes/s we receive from it
 * @param uploadRate    bytes/s we send to it
 * @param downloaded    bytes received from it
 * @param uploaded      bytes sent to it
 * @param amChoking     we choke it
 * @param amInterested  we want something it has
 * @param peerChoking   it chokes us
 * @param peerInterested it wants something we have
 * @param source        how we learned of it (tracker, dht, pex, lsd, incoming, manual)
 */
public record PeerInfo(InetSocketAddress address, String client, boolean incoming, boolean encrypted, double progress,
                       long downloadRate, long uploadRate, long downloaded, long uploaded, boolean amChoking,
                       boolean amInterested, boolean peerChoking, boolean peerInterested, String source) {
}
