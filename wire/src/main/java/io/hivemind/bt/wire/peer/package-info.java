/**
 * The BitTorrent peer-wire protocol as Netty codecs: the handshake, the length-prefixed message stream, and the
 * timers of a peer connection. Implements BEP 3 (handshake and messages, keep-alive), BEP 5 ({@code port}), BEP 6
 * (fast extension messages), BEP 10 (the {@code extended} envelope and its reserved bit; the payloads are in
 * {@code io.hivemind.bt.wire.ext}) and BEP 52 (the v2 upgrade bit; hash request, hashes and hash reject).
 *
 * <h2>Pipeline</h2>
 * A peer channel, socket side first:
 * <pre>
 *   [MSE/PE handler]                                   optional, not in this package
 *   PeerHandshakeDecoder.outgoing(hash...) / .incoming(lookup)   one-shot: removes itself after 68 bytes
 *   PeerIdleHandler                                    handshake timeout, keep-alives, read timeout
 *   PeerHandshakeEncoder.INSTANCE                      shared
 *   PeerMessageDecoder                                 one per channel
 *   PeerMessageEncoder.INSTANCE                        shared
 *   the session's connection handler                   receives PeerHandshakePrefix (incoming only),
 *                                                      PeerHandshake, then PeerMessages
 * </pre>
 * Outgoing: write your {@link io.hivemind.bt.wire.peer.PeerHandshake} on {@code channelActive}. Incoming: the
 * decoder asks the lookup about the info-hash after 48 bytes and fires a
 * {@link io.hivemind.bt.wire.peer.PeerHandshakePrefix}; write your handshake then (BEP 3), before the peer id has
 * arrived. Bytes that came in the same read as the handshake reach {@code PeerMessageDecoder} after the handshake.
 * The codecs never consult session state: whether a message is allowed now (a {@code piece} nobody requested, fast
 * messages without the fast bit, a second bitfield, a request while choked) is the session's decision. Protocol
 * violations arrive in {@code exceptionCaught} as {@link io.hivemind.bt.wire.peer.PeerProtocolException} with a
 * {@link io.hivemind.bt.wire.peer.PeerProtocolException.Reason}; timeouts as
 * {@link io.hivemind.bt.wire.peer.PeerTimeoutException}, after which the channel is already closing.
 *
 * <h2>Buffers</h2>
 * Decoded payloads ({@code Piece}, {@code Bitfield}, {@code Extended}, {@code Hashes}, {@code Unknown}) are retained
 * slices of the read buffers, owned by whoever receives the message: release it, or pass it on (a block to the
 * torrent, which copies it into its piece buffer and releases it). Messages written to the channel belong to the
 * pipeline. Blocks go out without a copy: the encoder writes a 13-byte header and then the block buffer itself, or a
 * {@link io.hivemind.bt.wire.peer.PieceRegion} for {@code sendfile} on plaintext connections. Details on
 * {@link io.hivemind.bt.wire.peer.PeerMessage}.
 *
 * <h2>Measured</h2>
 * {@code PeerMessageCodecBenchmark} (bench module) on a loaded 2-core machine, so only ratios and allocation are
 * meaningful: the composite cumulator decoded 16 KiB block streams in 64 KiB reads 2.2 times faster than Netty's
 * merge cumulator (about 106 bytes of heap per block: the record and its slice); fixed-size messages allocate only
 * their record (24 bytes for a request); encoding a block as two writes allocates 88 bytes of heap (with the
 * benchmark's own record) against 296 for a two-component composite.
 */
package io.hivemind.bt.wire.peer;
