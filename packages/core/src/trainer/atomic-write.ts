import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { AugpriorError } from '../errors.js';

/** Filesystem failures a user can act on, as named errors (the previous file is always intact). */
export function fileWriteError(error: unknown, path: string, bytes: number): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new AugpriorError('io.disk-full', `no space left on the device to write ${path} (${bytes.toLocaleString('en-US')} bytes)`, 'free some space (or move the run to another disk), then --resume: the previous file is intact');
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new AugpriorError('io.not-writable', `cannot write ${path}: ${code === 'EROFS' ? 'the filesystem is read-only' : 'permission denied'}`, 'choose a writable folder (--runs-dir) or fix its permissions');
  }
  return error;
}

/**
 * Writes a file so that readers see either the old content or the complete new one, never a
 * prefix: write to a temp file beside it, fsync, rename over the target, fsync the directory.
 * A run killed at any instant therefore leaves its last good checkpoint intact.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = `${path}.tmp-${process.pid}`;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number;
  try {
    fd = openSync(temp, 'w');
  } catch (error) {
    throw fileWriteError(error, path, bytes.length);
  }
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw fileWriteError(error, path, bytes.length);
  }
  closeSync(fd);
  renameSync(temp, path);
  try {
    const dirFd = openSync(dirname(path), 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  } catch {
    // Some filesystems refuse to fsync a directory; the rename itself is still atomic.
  }
}
