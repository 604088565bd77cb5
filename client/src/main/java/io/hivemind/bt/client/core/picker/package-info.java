/**
 * Piece and block selection for downloading: {@link io.hivemind.bt.client.core.picker.PiecePicker} (rarest first
 * within priorities, partial-piece preference, sequential mode, endgame, per-block state), the flat block
 * numbering of {@link io.hivemind.bt.client.core.picker.BlockLayout}, file-to-piece priority helpers and the
 * BEP 6 allowed-fast set.
 *
 * <p>BEPs: 3 (pieces, blocks of 2^14 bytes, have/bitfield, "rarest first" as the recommended strategy),
 * 6 (have-all, suggest piece, reject request, allowed fast and its canonical set), 52 (v2 pieces that end at
 * every file boundary, hence per-piece sizes).
 *
 * <p>Everything here is pure and single-owner (the torrent's event loop); see {@link io.hivemind.bt.client.core}.
 */
package io.hivemind.bt.client.core.picker;
