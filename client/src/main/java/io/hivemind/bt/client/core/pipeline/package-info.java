/**
 * Per-peer request management: {@link io.hivemind.bt.client.core.pipeline.RequestPipeline} keeps the right number
 * of block requests in flight (rate times queue time plus latency, with slow start), times them out, detects
 * snubbing peers and classifies incoming blocks and rejects.
 *
 * <p>BEPs: 3 (request, piece, cancel, choke discards requests), 6 (reject request; choke no longer discards
 * requests when the fast extension is on; a piece never requested may close the connection), 10 ("reqq").
 *
 * <p>Pure and single-owner; see {@link io.hivemind.bt.client.core}.
 */
package io.hivemind.bt.client.core.pipeline;
