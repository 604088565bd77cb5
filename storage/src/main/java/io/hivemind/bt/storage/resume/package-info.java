/**
 * Resume data: what a torrent remembers across restarts so that it need not recheck its files. A
 * {@link io.hivemind.bt.storage.resume.ResumeData} record (verified-piece bitfield in the BEP 3 wire form, file
 * sizes and nanosecond modification times, transfer totals, priorities, save path, times) is bencoded by
 * {@link io.hivemind.bt.storage.resume.ResumeDataCodec} with hard limits and typed errors, written atomically and
 * durably by {@link io.hivemind.bt.storage.resume.ResumeStore} (temp file, fsync, rename, fsync directory, a
 * {@code .bak} of the previous version, fallback to it), and judged at start-up by
 * {@link io.hivemind.bt.storage.resume.ResumeCheck}: trusted where the files are unchanged, rechecked piece by piece
 * where they changed, a full recheck when missing. The ordering that makes it trustworthy (flush data, then read file
 * states, then write) is in {@link io.hivemind.bt.storage.TorrentStorage#saveResume}.
 */
package io.hivemind.bt.storage.resume;
