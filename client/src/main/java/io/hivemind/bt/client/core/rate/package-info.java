/**
 * Rates and limits: {@link io.hivemind.bt.client.core.rate.TokenBucket} (one limit),
 * {@link io.hivemind.bt.client.core.rate.BandwidthChannel} (a level of the global / torrent / peer hierarchy, a
 * transfer gets the minimum across levels), {@link io.hivemind.bt.client.core.rate.BandwidthQueue} (weighted fair
 * sharing among peers waiting for quota) and {@link io.hivemind.bt.client.core.rate.RateEstimator} (bytes per
 * second for users, the choker and the request pipeline).
 *
 * <p>No BEP specifies rate limiting; the design follows libtorrent's bandwidth manager (hierarchical channels,
 * queued requests sharing quota each tick) with exact integer token arithmetic.
 *
 * <p>Pure and single-owner; see {@link io.hivemind.bt.client.core}.
 */
package io.hivemind.bt.client.core.rate;
