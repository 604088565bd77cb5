/** Tracker client and server (BEP 3, BEP 15, BEP 23, BEP 7, BEP 12, BEP 48). */
package io.hivemind.bt.tracker;
