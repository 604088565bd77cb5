/** The hivebt session API. */
package io.hivemind.bt.client;
