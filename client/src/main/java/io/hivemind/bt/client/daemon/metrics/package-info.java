/**
 * Prometheus metrics for the daemon: a pure text-format writer (exposition format 0.0.4) and the exporter that
 * fills it from the session's statistics, peers and the daemon's tracker-announce counters. No BEP.
 */
package io.hivemind.bt.client.daemon.metrics;
