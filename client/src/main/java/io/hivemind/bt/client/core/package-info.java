/**
 * The pure decision cores of a torrent session: what to request ({@code picker}, {@code pipeline}), whom to
 * upload to ({@code choker}, {@code seed}), how fast ({@code rate}), which torrents run ({@code queue}) and which
 * peers to dial ({@code conn}).
 *
 * <p>Every class here is a plain data structure with no Netty types, no threads, no clock reads and no logging.
 * Time comes in as a {@code long nowNanos} argument (any monotonic origin, as from {@code System.nanoTime()} or
 * a virtual clock in tests), peers are seen through small view interfaces, and results are returned as decisions
 * (blocks to request, peers to unchoke, bytes granted) that the session applies on the torrent's event loop.
 * None of the classes is thread-safe: each instance belongs to exactly one owner (normally the event loop of the
 * torrent, or of the session for session-wide limits), which is also the only thread that may call it.
 *
 * <p>Hot paths use {@code int} piece indices, a flat {@code int} block index (see
 * {@link io.hivemind.bt.client.core.picker.BlockLayout}), primitive arrays and caller-supplied
 * {@link io.hivemind.bt.client.core.IntList} output buffers, so steady-state calls allocate nothing.
 *
 * <h2>Driving the cores (per torrent, on its event loop)</h2>
 * <ul>
 *   <li><b>Torrent added</b>: {@code BlockLayout} from the metainfo's piece sizes; {@code PiecePicker} (priorities
 *       from {@code PiecePriorities.fromFiles}); {@code pieceVerified(p)} for every piece the resume data or
 *       recheck found; {@code Choker}; {@code PeerCandidateList}; {@code UploadPolicy} or {@code SuperSeeder}
 *       when acting as origin. {@code TorrentQueue.add} and {@code decide} on the session loop.</li>
 *   <li><b>Peer connected</b> (after the handshake): {@code PeerCandidateList.connected} (close if false),
 *       {@code ConnectionBudget.dialSucceeded} or {@code acceptIncoming}; a {@code RequestPipeline} per
 *       connection ({@code setFastExtension}, later {@code setPeerRequestQueue} from the BEP 10 handshake).</li>
 *   <li><b>bitfield / have-all / have</b>: {@code picker.peerBitfield(b)} or {@code picker.seedJoined()} (remember
 *       which, to undo it), {@code picker.peerHas(p)}; interest from {@code picker.isInteresting(...)}.</li>
 *   <li><b>unchoke from the peer</b>: {@code pipeline.unchoked(now)}, then request. <b>choke</b>:
 *       {@code pipeline.choked(dropped)} and {@code picker.abortRequest(block, peer)} for each dropped block.</li>
 *   <li><b>Requesting</b> (after unchoke, each block received, and on the 100 ms tick):
 *       {@code n = pipeline.requestsWanted(now)}, {@code picker.pickBlocks(peer, n, now, out)}, send one request
 *       per block and {@code pipeline.requestSent(block, now)}.</li>
 *   <li><b>piece message</b>: {@code pipeline.blockReceived(block, len, now)} ({@code UNEXPECTED} with the fast
 *       extension: close); {@code picker.blockReceived(block, peer, now, cancelPeers)}: send cancel to each peer in
 *       {@code cancelPeers} (and {@code pipeline.cancel}); on {@code PIECE_COMPLETE} hash the piece. Count bytes
 *       in the peer's and torrent's {@code RateEstimator}s.</li>
 *   <li><b>reject request</b> (BEP 6): {@code pipeline.rejected(block)} then {@code picker.abortRequest}.</li>
 *   <li><b>hash result</b>: pass → {@code picker.pieceVerified(p)}, send have, update interest; fail →
 *       {@code picker.pieceFailed(p)} (smart ban from {@code picker.blockSource}).</li>
 *   <li><b>Peer disconnected</b>: {@code picker.peerLeft(bits)} or {@code seedLeft()}, {@code picker.peerGone(id)},
 *       {@code uploadPolicy.peerGone}/{@code superSeeder.peerLeft}, {@code PeerCandidateList.disconnected} or
 *       {@code dialFailed}, {@code ConnectionBudget.closed}/{@code dialFailed}, {@code BandwidthQueue.remove}.</li>
 *   <li><b>Tick, 100 ms</b>: {@code pipeline.tick(now, released)} per peer; cancel and {@code abortRequest} each
 *       released block; {@code BandwidthQueue.assign}; {@code ConnectionBudget.plan} then
 *       {@code PeerCandidateList.nextToDial} and {@code dialStarted} per dial.</li>
 *   <li><b>Tick, 10 s</b> ({@code choker.isDue}): {@code choker.decide(peers, picker.isSeed(), now)}; send
 *       unchoke/choke for the differences; record {@code lastOptimistic} for the optimistic peers. With the fast
 *       extension, reject requests queued from peers just choked (except allowed-fast pieces).</li>
 *   <li><b>Serving requests as a seed</b>: {@code uploadPolicy.judge} (reject, defer or serve),
 *       {@code nextToServe} over the queue, {@code blockSent} after each block; suggest and allowed-fast from
 *       {@code uploadPolicy.suggest} at connect and whenever a suggested piece was sent.</li>
 *   <li><b>Tick, 30 s</b> (session): {@code TorrentQueue.decide(torrents, now)}; start, stop, and apply the limit
 *       action.</li>
 * </ul>
 *
 * <p>These packages are internal to the client module and are not exported.
 */
package io.hivemind.bt.client.core;
