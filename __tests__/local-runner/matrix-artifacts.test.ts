import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArtifacts } from '../../src/local-runner/artifacts.js';
import type { ExpressionContext } from '../../src/local-runner/expressions.js';
import { expandMatrix, matrixLabel } from '../../src/local-runner/matrix.js';

const ctx: ExpressionContext = {
  contexts: { needs: { plan: { result: 'success', outputs: { shards: '[1,2,3]' } } }, inputs: { os: 'linux' } },
  status: { success: true, failure: false },
};

describe('strategy.matrix, expanded as GitHub does', () => {
  test('lists multiply out; a ${{ }} expression may give a list', () => {
    expect(expandMatrix({ os: ['linux', 'mac'], node: [20, 24] }, ctx)).toEqual([
      { os: 'linux', node: 20 },
      { os: 'linux', node: 24 },
      { os: 'mac', node: 20 },
      { os: 'mac', node: 24 },
    ]);
    expect(expandMatrix({ shard: '${{ fromJSON(needs.plan.outputs.shards) }}' }, ctx)).toEqual([
      { shard: 1 },
      { shard: 2 },
      { shard: 3 },
    ]);
    expect(expandMatrix(undefined, ctx)).toEqual([{}]);
    expect(matrixLabel('load', { shard: 2 })).toBe('load (2)');
    expect(matrixLabel('merge', {})).toBe('merge');
  });

  test('what it cannot run the same way, it refuses', () => {
    expect(() => expandMatrix({ include: [{ a: 1 }] }, ctx)).toThrow(
      'strategy.matrix.include is not supported by the local runner',
    );
    expect(() => expandMatrix({ shard: [] }, ctx)).toThrow('strategy.matrix.shard must be a non-empty list');
    expect(() => expandMatrix({ shard: '${{ inputs.os }}' }, ctx)).toThrow(
      'strategy.matrix.shard must be a non-empty list, got "linux"',
    );
    expect(() => expandMatrix({ shard: 'x ${{ inputs.os }}' }, ctx)).toThrow(
      'must be a list or a single ${{ }} expression',
    );
  });
});

describe('upload-artifact and download-artifact (v4) on a local folder', () => {
  let dir: string;
  let workspace: string;
  let artifacts: LocalArtifacts;
  const write = (path: string, text: string) => {
    mkdirSync(join(workspace, path, '..'), { recursive: true });
    writeFileSync(join(workspace, path), text);
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'artifacts-test-'));
    workspace = join(dir, 'ws');
    mkdirSync(workspace);
    artifacts = new LocalArtifacts(join(dir, 'store'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a run without artifacts fails a download, as v4 does; a pattern matching none does not', () => {
    expect(artifacts.download({ pattern: 'x-*' }, workspace)).toEqual({
      ok: false,
      message: 'Unable to download artifact(s): No artifacts found for run',
    });
    write('a.json', '1');
    expect(artifacts.upload({ name: 'a', path: 'a.json' }, workspace).ok).toBe(true);
    expect(artifacts.download({ pattern: 'x-*', 'merge-multiple': 'true' }, workspace)).toEqual({
      ok: true,
      message: 'Total of 0 artifact(s) downloaded',
    });
    expect(artifacts.download({ name: 'b' }, workspace)).toEqual({
      ok: false,
      message: 'Unable to download artifact(s): Artifact not found for name: b',
    });
  });

  test('files keep their paths below the common folder; merge-multiple puts them side by side', () => {
    write('out/shard-1.json', 'one');
    write('out/shard-2.json', 'two');
    write('deep/dir/x.txt', 'x');
    expect(artifacts.upload({ name: 'shard-1', path: 'out/shard-1.json' }, workspace).ok).toBe(true);
    expect(artifacts.upload({ name: 'shard-2', path: 'out/shard-2.json' }, workspace).ok).toBe(true);
    expect(artifacts.upload({ name: 'tree', path: 'deep' }, workspace).ok).toBe(true);
    expect(
      artifacts.download({ pattern: 'shard-*', path: 'merged', 'merge-multiple': 'true' }, workspace).message,
    ).toBe('Total of 2 artifact(s) downloaded');
    expect(readdirSync(join(workspace, 'merged')).sort()).toEqual(['shard-1.json', 'shard-2.json']);
    expect(artifacts.download({ pattern: 'shard-*', path: 'apart' }, workspace).ok).toBe(true);
    expect(readFileSync(join(workspace, 'apart', 'shard-2', 'shard-2.json'), 'utf8')).toBe('two');
    expect(artifacts.download({ name: 'tree', path: 'tree' }, workspace).ok).toBe(true);
    expect(readFileSync(join(workspace, 'tree', 'dir', 'x.txt'), 'utf8')).toBe('x');
  });

  test('if-no-files-found and a second upload under the same name', () => {
    expect(artifacts.upload({ name: 'n', path: 'missing/*.json', 'if-no-files-found': 'error' }, workspace)).toEqual({
      ok: false,
      message: 'No files were found with the provided path: missing/*.json. No artifacts will be uploaded.',
    });
    expect(artifacts.upload({ name: 'n', path: 'missing/*.json' }, workspace).ok).toBe(true); // warn is the default
    expect(artifacts.upload({ name: 'n', path: 'missing/*.json', 'if-no-files-found': 'ignore' }, workspace)).toEqual({
      ok: true,
      message: '',
    });
    expect(existsSync(join(dir, 'store', 'n'))).toBe(false);
    write('f.txt', 'f');
    expect(artifacts.upload({ name: 'n', path: 'f.txt' }, workspace).ok).toBe(true);
    expect(artifacts.upload({ name: 'n', path: 'f.txt' }, workspace)).toEqual({
      ok: false,
      message: "an artifact with the name 'n' already exists in this run",
    });
  });

  test('a name v4 refuses is refused, and none reaches outside the store', () => {
    write('f.txt', 'f');
    expect(artifacts.upload({ name: '../escape', path: 'f.txt' }, workspace)).toEqual({
      ok: false,
      message: 'The artifact name is not valid: "../escape". Contains the following character(s): "/"',
    });
    expect(artifacts.upload({ name: '..', path: 'f.txt' }, workspace).ok).toBe(false);
    expect(artifacts.upload({ name: 'a:b', path: 'f.txt' }, workspace).message).toContain('":"');
    expect(existsSync(join(dir, 'escape'))).toBe(false);
  });
});
