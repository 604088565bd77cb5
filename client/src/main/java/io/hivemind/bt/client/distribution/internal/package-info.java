/**
 * Wire helpers shared by the distribution classes and the daemon's {@code /api/distributions} routes (the JSON form
 * of signed BEP 44 items). Not API: the package is not exported.
 */
package io.hivemind.bt.client.distribution.internal;
