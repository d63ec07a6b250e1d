import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@augprior/core';
import { pcm16Wav, tone } from '../test-utils/pcm16-wav.js';
import { indexSpeechCommands, speechCommandsSet, SpeechCommandsArgs } from './speech-commands.js';

/** A mini Speech Commands tree: 4 keywords + 2 other words, 3 clips each, one short clip, noise files. */
function miniTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'augprior-sc-'));
  const words = ['yes', 'no', 'up', 'stop', 'bed', 'marvin'];
  const testing: string[] = [];
  const validation: string[] = [];
  words.forEach((word, w) => {
    mkdirSync(join(root, word));
    for (let k = 0; k < 3; k++) {
      const name = `${(w * 10 + k).toString(16).padStart(8, '0')}_nohash_0.wav`;
      // The first clip of each word is 0.5 s: it must come back zero-padded to 1 s.
      writeFileSync(join(root, word, name), pcm16Wav(tone(200 + 100 * w, k === 0 ? 0.5 : 1, 16000), 16000));
      if (k === 1) testing.push(`${word}/${name}`);
      if (k === 2) validation.push(`${word}/${name}`);
    }
  });
  writeFileSync(join(root, 'testing_list.txt'), `${testing.join('\r\n')}\r\n`); // CRLF tolerated
  writeFileSync(join(root, 'validation_list.txt'), `${validation.join('\n')}\n`);
  mkdirSync(join(root, '_background_noise_'));
  writeFileSync(join(root, '_background_noise_', 'hum.wav'), pcm16Wav(tone(50, 3, 16000, 0.1), 16000));
  return root;
}

describe('Speech Commands loader', () => {
  let root: string;
  beforeAll(() => {
    root = miniTree();
  });
  const options = (over: Record<string, unknown>) => ({ ...SpeechCommandsArgs.parse({ path: 'unused', ...over }), root });

  it('splits by the official lists and maps the 12-class protocol in MLPerf order', async () => {
    const test = await indexSpeechCommands(options({ split: 'test', silence: { count: 2 } }));
    expect(test.classNames).toEqual(['down', 'go', 'left', 'no', 'off', 'on', 'right', 'stop', 'up', 'yes', '_silence_', '_unknown_']);
    expect(test.items.filter((i) => !i.id.startsWith('_silence_')).map((i) => i.id.split('/')[0])).toEqual(['bed', 'marvin', 'no', 'stop', 'up', 'yes']);
    const label = (word: string) => test.items.find((i) => i.id.startsWith(`${word}/`))!.label;
    expect([label('yes'), label('no'), label('up'), label('stop'), label('bed'), label('marvin')]).toEqual([9, 3, 8, 7, 11, 11]);
    expect(test.counts).toMatchObject({ yes: 1, _unknown_: 2, _silence_: 2, down: 0 });
    const train = await indexSpeechCommands(options({ split: 'train', silence: { count: 0 } }));
    expect(train.items).toHaveLength(6); // the 0.5-s first clip of each word
    const validation = await indexSpeechCommands(options({ split: 'validation', silence: { count: 0 } }));
    expect(new Set([...train.items, ...test.items, ...validation.items].map((i) => i.id)).size).toBe(6 + 6 + 6 + 2);
  });

  it('uses the TF order and the every-word protocol on request', async () => {
    const tfOrder = await indexSpeechCommands(options({ classOrder: 'tf', silence: { count: 1 } }));
    expect(tfOrder.classNames.slice(0, 4)).toEqual(['_silence_', '_unknown_', 'yes', 'no']);
    const words = await indexSpeechCommands(options({ protocol: 'all' }));
    expect(words.classNames).toEqual(['bed', 'marvin', 'no', 'stop', 'up', 'yes']);
    expect(words.items).toHaveLength(18);
  });

  it('takes the protocol as a number too (`--set dataset.protocol=10` parses it as one)', () => {
    expect(SpeechCommandsArgs.parse({ path: 'x', protocol: 10 }).protocol).toBe('10');
    expect(SpeechCommandsArgs.parse({ path: 'x', protocol: 12 }).protocol).toBe('12');
    expect(() => SpeechCommandsArgs.parse({ path: 'x', protocol: 11 })).toThrow(/"10"\|"12"|expected one of/);
  });

  it('keeps only the keywords, in the teacher\'s order, for the 10-class protocol', async () => {
    const keywords = await indexSpeechCommands(options({ protocol: '10', silence: { count: 5 } }));
    expect(keywords.classNames).toEqual(['down', 'go', 'left', 'no', 'off', 'on', 'right', 'stop', 'up', 'yes']);
    expect(new Set(keywords.items.map((i) => i.id.split('/')[0]))).toEqual(new Set(['no', 'stop', 'up', 'yes'])); // no other words, no silence
    const label = (word: string) => keywords.items.find((i) => i.id.startsWith(`${word}/`))!.label;
    expect([label('yes'), label('no'), label('up'), label('stop')]).toEqual([9, 3, 8, 7]);
    const tfOrder = await indexSpeechCommands(options({ protocol: '10', classOrder: 'tf' }));
    expect(tfOrder.classNames).toEqual(['yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go']);
  });

  it('streams 1-s waveform batches, zero-padding short clips, with deterministic silence crops', async () => {
    const set = await speechCommandsSet(options({ split: 'train', silence: { count: 3, seed: 4 } }));
    expect(set.size).toBe(9);
    const batches = [];
    for await (const batch of set.batches(4)) batches.push(batch);
    expect(batches.map((b) => b.x.shape)).toEqual([[4, 1, 16000, 1], [4, 1, 16000, 1], [1, 1, 16000, 1]]);
    const first = batches[0]!.x.dataSync();
    expect(Math.abs(first[7999]!)).toBeGreaterThan(0); // inside the 0.5-s clip
    expect(Array.from(first.subarray(8000, 16000)).every((v) => v === 0)).toBe(true); // the padding
    const again = await indexSpeechCommands(options({ split: 'train', silence: { count: 3, seed: 4 } }));
    expect(again.items.map((i) => i.id)).toEqual(set.index.items.map((i) => i.id));
    tf.dispose(batches.flatMap((b) => [b.x, b.y]));
  });

  it('names what is missing', async () => {
    await expect(indexSpeechCommands({ ...options({}), root: join(root, 'nope') })).rejects.toThrow(/does not exist/);
    const bare = mkdtempSync(join(tmpdir(), 'augprior-sc-bare-'));
    mkdirSync(join(bare, 'yes'));
    writeFileSync(join(bare, 'yes', 'a_nohash_0.wav'), pcm16Wav(tone(300, 1, 16000), 16000));
    await expect(indexSpeechCommands({ ...options({ split: 'test' }), root: bare })).rejects.toThrow(/validation_list\.txt is missing/);
    await expect(indexSpeechCommands({ ...options({ split: 'all', silence: { count: 1 } }), root: bare })).rejects.toThrow(/no _background_noise_ folder/);
  });
});
