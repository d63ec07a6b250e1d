/**
 * Download + verify into the data root. Bytes stream to `<file>.part` while being hashed; only a
 * file whose checksum matches is renamed into place, so a crash, a proxy error page or a changed
 * upstream file never masquerades as good data.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { execFileSync } from 'node:child_process';
import { AugpriorError } from '../errors.js';
import type { RegistryEntry, RegistryFile } from './registry.js';

export type FileStatus = 'present' | 'downloaded' | 'missing' | 'corrupt';

export interface FileReport {
  path: string;
  status: FileStatus;
  detail?: string;
}

export interface DownloadProgress {
  (event: { path: string; receivedBytes: number; totalBytes: number | undefined }): void;
}

function algorithm(file: RegistryFile): { name: 'sha256' | 'md5'; expected: string } {
  return file.sha256 ? { name: 'sha256', expected: file.sha256 } : { name: 'md5', expected: file.md5! };
}

export async function hashFile(path: string, name: 'sha256' | 'md5'): Promise<string> {
  const hash = createHash(name);
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Checks one registered file already in the data root. */
export async function verifyFile(root: string, file: RegistryFile): Promise<FileReport> {
  const path = join(root, file.path);
  if (!existsSync(path)) return { path, status: 'missing' };
  const { name, expected } = algorithm(file);
  const actual = await hashFile(path, name);
  if (actual !== expected) return { path, status: 'corrupt', detail: `${name} ${actual}, registry expects ${expected}` };
  return { path, status: 'present' };
}

async function downloadFile(root: string, file: RegistryFile, onProgress?: DownloadProgress): Promise<FileReport> {
  const target = join(root, file.path);
  const part = `${target}.part`;
  mkdirSync(dirname(target), { recursive: true });
  let response: Response;
  try {
    response = await fetch(file.url, { redirect: 'follow' });
  } catch (error) {
    throw new AugpriorError('datasets.download-failed', `cannot reach ${file.url}: ${(error as Error).message}`, 'this machine may have no internet; copy the file into the data root by hand and run `augprior datasets verify`');
  }
  if (!response.ok || !response.body) {
    throw new AugpriorError('datasets.download-failed', `GET ${file.url} answered HTTP ${response.status} ${response.statusText}`);
  }
  const total = Number(response.headers.get('content-length')) || file.bytes;
  const { name, expected } = algorithm(file);
  const hash = createHash(name);
  let received = 0;
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    received += chunk.length;
    onProgress?.({ path: file.path, receivedBytes: received, totalBytes: total });
  });
  try {
    await pipeline(body, createWriteStream(part));
  } catch (error) {
    rmSync(part, { force: true });
    throw new AugpriorError('datasets.download-failed', `download of ${file.url} broke off after ${received} bytes: ${(error as Error).message}`);
  }
  const actual = hash.digest('hex');
  if (actual !== expected) {
    rmSync(part, { force: true });
    throw new AugpriorError(
      'datasets.checksum-mismatch',
      `${file.url} downloaded ${received} bytes with ${name} ${actual}, but the registry expects ${expected}; the partial file was deleted`,
      'the upstream file changed or the download was intercepted; nothing was written to the data root',
    );
  }
  if (file.bytes !== undefined && statSync(part).size !== file.bytes) {
    rmSync(part, { force: true });
    throw new AugpriorError('datasets.size-mismatch', `${file.url}: got ${received} bytes, registry expects ${file.bytes}`);
  }
  renameSync(part, target);
  if (file.unpack === 'tar.gz') execFileSync('tar', ['-xzf', target, '-C', dirname(target)], { stdio: 'ignore' });
  return { path: target, status: 'downloaded' };
}

/** Fetches every file of an entry that is missing or corrupt; verified files are left alone. */
export async function fetchEntry(root: string, entry: RegistryEntry, onProgress?: DownloadProgress): Promise<FileReport[]> {
  const reports: FileReport[] = [];
  for (const file of entry.files) {
    const existing = await verifyFile(root, file);
    reports.push(existing.status === 'present' ? existing : await downloadFile(root, file, onProgress));
  }
  return reports;
}
