import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchEntry, verifyFile } from './download.js';
import { parseDatasetRegistry, type RegistryEntry } from './registry.js';

const payload = Buffer.from('augprior test payload '.repeat(5000));
const sha256 = createHash('sha256').update(payload).digest('hex');
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/file.bin') {
      res.writeHead(200, { 'content-length': payload.length });
      res.end(payload);
    } else if (req.url === '/tampered.bin') {
      res.end(Buffer.concat([payload.subarray(0, 100), Buffer.from('X'), payload.subarray(101)]));
    } else {
      res.writeHead(404).end('not here');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const entry = (url: string, extra: Partial<RegistryEntry['files'][number]> = {}): RegistryEntry => ({
  id: 'unit',
  kind: 'dataset',
  description: 'unit',
  license: 'none',
  files: [{ path: 'unit/file.bin', url, sha256, ...extra }],
});

describe('fetchEntry against a local HTTP server', () => {
  it('downloads, verifies and places the file; a second fetch is a no-op', async () => {
    const root = mkdtempSync(join(tmpdir(), 'augprior-dl-'));
    const progress: number[] = [];
    const [report] = await fetchEntry(root, entry(`${base}/file.bin`, { bytes: payload.length }), (p) => progress.push(p.receivedBytes));
    expect(report).toMatchObject({ status: 'downloaded' });
    expect(readFileSync(join(root, 'unit/file.bin')).equals(payload)).toBe(true);
    expect(progress.at(-1)).toBe(payload.length);
    expect((await fetchEntry(root, entry(`${base}/file.bin`)))[0]!.status).toBe('present');
  });
  it('rejects a checksum mismatch and leaves nothing behind', async () => {
    const root = mkdtempSync(join(tmpdir(), 'augprior-dl-'));
    await expect(fetchEntry(root, entry(`${base}/tampered.bin`))).rejects.toThrow(/sha256 [0-9a-f]{64}, but the registry expects/);
    expect(existsSync(join(root, 'unit/file.bin'))).toBe(false);
    expect(existsSync(join(root, 'unit/file.bin.part'))).toBe(false);
  });
  it('reports HTTP errors and unreachable hosts by URL', async () => {
    const root = mkdtempSync(join(tmpdir(), 'augprior-dl-'));
    await expect(fetchEntry(root, entry(`${base}/missing.bin`))).rejects.toThrow(/GET http:\/\/127\.0\.0\.1:\d+\/missing\.bin answered HTTP 404/);
    await expect(fetchEntry(root, entry('http://127.0.0.1:1/nothing'))).rejects.toThrow(/cannot reach http:\/\/127\.0\.0\.1:1\/nothing/);
  });
  it('verify flags a corrupted local copy', async () => {
    const root = mkdtempSync(join(tmpdir(), 'augprior-dl-'));
    await fetchEntry(root, entry(`${base}/file.bin`));
    writeFileSync(join(root, 'unit/file.bin'), 'changed');
    expect(await verifyFile(root, entry('').files[0]!)).toMatchObject({ status: 'corrupt' });
  });
});

describe('the committed registry', () => {
  it('is valid and every file has a checksum', () => {
    const registry = parseDatasetRegistry(JSON.parse(readFileSync(new URL('../../../../datasets/registry.json', import.meta.url), 'utf8')));
    expect(registry.entries.length).toBeGreaterThan(3);
    for (const e of registry.entries) for (const f of e.files) expect(f.sha256 ?? f.md5).toBeTruthy();
  });
  it('rejects entries without a checksum or escaping the data root', () => {
    const bad = (file: object) => () => parseDatasetRegistry({ entries: [{ id: 'x', kind: 'dataset', description: '', license: '', files: [file] }] });
    expect(bad({ path: 'a', url: 'https://x.org/a' })).toThrow(/sha256/);
    expect(bad({ path: '../a', url: 'https://x.org/a', sha256 })).toThrow(/inside the data root/);
  });
});
