/** Helpers shared by hivebt's modules; not an API. Exported only to hivebt modules. */
package io.hivemind.bt.wire.internal;
