/** Mainline DHT node (BEP 5) with IPv6 (BEP 32), node-id restriction (BEP 42), read-only mode (BEP 43), items (BEP 44), sampling (BEP 51). */
package io.hivemind.bt.dht;
