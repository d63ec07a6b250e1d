import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunDir } from './run-dir.js';

describe('RunDir.open on a run that is not there', () => {
  const home = process.cwd();
  afterEach(() => process.chdir(home));

  it('says the run does not exist and names the experiment config that makes it', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'augprior-rundir-'));
    mkdirSync(join(cwd, 'experiments', 'video'), { recursive: true });
    writeFileSync(join(cwd, 'experiments', 'video', 'student.json'), JSON.stringify({ name: 'video-student' }));
    writeFileSync(join(cwd, 'experiments', 'broken.json'), '{');
    process.chdir(cwd);
    expect(() => RunDir.open('runs/video-student')).toThrow(expect.objectContaining({ code: 'run.not-found', message: expect.stringMatching(/runs\/video-student does not exist/), hint: expect.stringMatching(/augprior train --config experiments\/video\/student\.json/) }));
    mkdirSync(join(cwd, 'runs', 'other'), { recursive: true });
    expect(() => RunDir.open('runs/other')).toThrow(expect.objectContaining({ message: expect.stringMatching(/is not an augprior run directory/), hint: expect.stringMatching(/augprior train/) }));
  });
});
