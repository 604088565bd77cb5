/** Piece storage: the store SPI and its implementations, piece hashing, resume data. */
package io.hivemind.bt.storage;
