/**
 * The KRPC message model and codec (BEP 5 "KRPC Protocol"): a sealed {@link io.hivemind.bt.dht.krpc.KrpcMessage}
 * of queries (one record per method of BEP 5, BEP 44 and BEP 51, plus an open {@code Unknown}), responses and
 * errors; compact node and peer encodings for IPv4 and IPv6 (BEP 32); the BEP 42 {@code ip} field and the BEP 43
 * {@code ro} flag. {@link io.hivemind.bt.dht.krpc.KrpcCodec} is a pure function between messages and datagram
 * payloads under {@code BencodeLimits.KRPC}, throwing a typed {@link io.hivemind.bt.dht.krpc.KrpcException} on
 * any bad input.
 */
package io.hivemind.bt.dht.krpc;
