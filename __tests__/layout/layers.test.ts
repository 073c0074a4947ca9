import { describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * The layering of src/, checked on every import (README.md "Layout" says the same in prose).
 *
 *   core < providers < domains < runtime < action folders, cli, demo
 *
 * Each module may import its own folder and folders of a lower layer, never one above it:
 * - core imports nothing of ours (inputs, errors, http, clock, markdown, the run's outcome, the
 *   host contract);
 * - providers: one client per platform, on top of core;
 * - domains do the work (health, release, load, cost, security, notifications, …); a domain may use
 *   another domain, never an action folder, runtime, cli or demo;
 * - runtime is where an action runs: the runner host (@actions/core), the terminal host, the
 *   redactor around both, and run-action, which after every run tells the notifier and writes the
 *   run's record (the only reason it sits above the domains);
 * - an action folder (one per actions/<name>/action.yml) imports runtime, domains, providers and core,
 *   never another action folder; cli and demo sit at the same height and may assemble anything below.
 *
 * The tools around the product have their own rules: the emulator is test infrastructure (the tests,
 * the demo and the CLI's `emulator` command start it) and imports only core, so it can never depend on
 * the code it stands in for the platforms of; the local runner runs workflows through runtime and core
 * and is imported only by cli and demo. Nothing in the product imports either of them.
 *
 * @actions/core, the runner toolkit, is loaded by runtime alone.
 *
 * Imports are read with TypeScript's own pre-processor (comments and strings are not imports; type-only
 * imports are: a type is an arrow as much as a value).
 */

type Layer = 'core' | 'providers' | 'domain' | 'runtime' | 'action' | 'cli' | 'demo' | 'emulator' | 'local-runner';

const root = resolve(import.meta.dirname, '..', '..');
const src = join(root, 'src');

/** Every action has an actions/<name>/action.yml; its code is src/<name>/ (scripts/build.mjs bundles the same way). */
const ACTIONS = new Set(
  readdirSync(join(root, 'actions')).filter((name) => existsSync(join(root, 'actions', name, 'action.yml'))),
);

const NAMED: Record<string, Layer> = {
  core: 'core',
  providers: 'providers',
  runtime: 'runtime',
  cli: 'cli',
  demo: 'demo',
  emulator: 'emulator',
  'local-runner': 'local-runner',
};

/** The domains, named one by one: a new folder must be placed in a layer before it can be imported. */
const DOMAINS = new Set([
  'backups',
  'canary-analysis',
  'cost',
  'health',
  'incidents',
  'load',
  'notifications',
  'ops-history',
  'ops-site',
  'release',
  'remediation',
  'security',
]);

/** What each layer may import besides its own folder. */
const ALLOWED: Record<Layer, readonly Layer[]> = {
  core: [],
  providers: ['core'],
  domain: ['core', 'providers', 'domain'],
  runtime: ['core', 'providers', 'domain'],
  action: ['core', 'providers', 'domain', 'runtime'],
  demo: ['core', 'providers', 'domain', 'runtime', 'emulator', 'local-runner'],
  cli: ['core', 'providers', 'domain', 'runtime', 'action', 'demo', 'emulator', 'local-runner'],
  emulator: ['core'],
  'local-runner': ['core', 'runtime'],
};

/** The four files of every action folder: entry, thin main, its one settings object, its job summary. */
const ACTION_FILES = ['index.ts', 'inputs.ts', 'main.ts', 'summary.ts'];

function layerOf(folder: string): Layer | undefined {
  if (ACTIONS.has(folder)) return 'action';
  if (DOMAINS.has(folder)) return 'domain';
  return NAMED[folder];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** src-relative path, '/'-separated. */
const rel = (path: string) => relative(src, path).split(sep).join('/');
const folderOf = (srcRelative: string) => srcRelative.split('/')[0];

interface Arrow {
  from: string;
  to: string;
}

/** Every relative import of every module under src/ that lands in another folder of src/. */
function arrows(): Arrow[] {
  return sourceFiles(src).flatMap((file) => {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    return info.importedFiles
      .map((imported) => imported.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => ({ from: rel(file), to: rel(resolve(dirname(file), name)).replace(/\.js$/, '.ts') }))
      .filter((arrow) => !arrow.to.startsWith('..') && folderOf(arrow.to) !== folderOf(arrow.from));
  });
}

/** What is wrong with one arrow, or undefined. */
function wrongArrow({ from, to }: Arrow): string | undefined {
  const source = layerOf(folderOf(from));
  const target = layerOf(folderOf(to));
  if (!source || !target) return undefined; // reported by the "every folder has a layer" test
  if (ALLOWED[source].includes(target)) return undefined;
  if (source === 'domain' && target === 'action') return 'a domain imports an action folder';
  if (source === 'action' && target === 'action') return 'an action folder imports another action folder';
  return `${source} imports ${target}`;
}

describe('layers of src/', () => {
  const all = arrows();

  test('every folder of src/ has a layer', () => {
    const folders = readdirSync(src, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'types') // ambient declarations only
      .map((entry) => entry.name);
    expect(folders.filter((folder) => !layerOf(folder))).toEqual([]);
  });

  test('no module imports one above it, and no domain imports an action folder', () => {
    const wrong = all
      .map((arrow) => ({ line: `${arrow.from} -> ${arrow.to}`, why: wrongArrow(arrow) }))
      .filter((arrow) => arrow.why)
      .map((arrow) => `${arrow.line} (${arrow.why})`);
    expect(wrong).toEqual([]);
  });

  test('no circle of imports between folders (a domain may use another domain, never one that uses it back)', () => {
    const next = new Map<string, Set<string>>();
    for (const { from, to } of all) {
      if (!next.has(folderOf(from))) next.set(folderOf(from), new Set());
      next.get(folderOf(from))!.add(folderOf(to));
    }
    const circles: string[] = [];
    const visit = (folder: string, path: string[]): void => {
      for (const target of next.get(folder) ?? []) {
        if (path.includes(target)) circles.push([...path.slice(path.indexOf(target)), target].join(' -> '));
        else visit(target, [...path, target]);
      }
    };
    for (const folder of next.keys()) visit(folder, [folder]);
    expect(circles).toEqual([]);
  });

  test('only runtime loads the runner toolkit (@actions/core)', () => {
    // The work knows nothing of where it runs: the CLI, the demo and the tests call the same code.
    const loaders = sourceFiles(src)
      .filter((file) =>
        ts
          .preProcessFile(readFileSync(file, 'utf8'), true, true)
          .importedFiles.some((imported) => imported.fileName === '@actions/core'),
      )
      .map(rel);
    expect(loaders.filter((file) => folderOf(file) !== 'runtime')).toEqual([]);
    expect(loaders.length).toBeGreaterThan(0);
  });

  test('every action folder holds index.ts, main.ts, inputs.ts and summary.ts, and nothing else', () => {
    const wrong = [...ACTIONS].sort().flatMap((action) => {
      const dir = join(src, action);
      const files = existsSync(dir) ? sourceFiles(dir).map(rel) : [];
      const missing = ACTION_FILES.filter((file) => !files.includes(`${action}/${file}`)).map(
        (file) => `${action}/${file} missing`,
      );
      const extra = files
        .filter((file) => !ACTION_FILES.some((name) => file === `${action}/${name}`))
        .map((file) => `${file} does not belong in an action folder (move it to a domain)`);
      return [...missing, ...extra];
    });
    expect(wrong).toEqual([]);
  });

  test('the rules see the arrows they judge', () => {
    // A check that reads no imports passes on anything: make sure the reader finds the known ones.
    expect(all.some((arrow) => folderOf(arrow.from) === 'cli' && layerOf(folderOf(arrow.to)) === 'action')).toBe(true);
    expect(all.some((arrow) => folderOf(arrow.from) === 'providers' && folderOf(arrow.to) === 'core')).toBe(true);
    expect(wrongArrow({ from: 'core/host.ts', to: 'notifications/notifier.ts' })).toBe('core imports domain');
    expect(wrongArrow({ from: 'load/report.ts', to: 'load-test/summary.ts' })).toBe(
      'a domain imports an action folder',
    );
  });
});
