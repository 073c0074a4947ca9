import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { globFiles, globSegmentRegex } from '../core/glob.js';

/** What an artifact step did, in the words of the real action's log. */
export interface ArtifactStepResult {
  ok: boolean;
  message: string;
}

/**
 * actions/upload-artifact and actions/download-artifact (v4) for a local run: artifacts are
 * folders under `root`, one per name, living as long as the run. Behaviour follows v4: upload
 * keeps paths relative to the files' least common ancestor and refuses a name already uploaded;
 * download by `name` extracts into `path`, by `pattern` (or all) into `path/<name>/` unless
 * `merge-multiple`; a run without any artifact fails, a pattern matching none does not.
 */
export class LocalArtifacts {
  constructor(private readonly root: string) {}

  upload(inputs: Record<string, string>, workspace: string): ArtifactStepResult {
    const name = inputs.name || 'artifact';
    // v4 refuses these characters; here a `/` or `..` would also reach outside the store.
    const bad = [...new Set(name.match(/[":<>|*?\r\n\\/]/g) ?? [])];
    if (bad.length > 0 || name === '.' || name === '..') {
      return {
        ok: false,
        message: `The artifact name is not valid: ${JSON.stringify(name)}${bad.length ? `. Contains the following character(s): ${bad.map((c) => JSON.stringify(c)).join(' ')}` : ''}`,
      };
    }
    const lines = (inputs.path ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const matches = lines.filter((l) => !l.startsWith('!')).map((pattern) => matchPath(pattern, workspace));
    const files = matches.flatMap((m) => m.files);
    if (files.length === 0) {
      const rule = inputs['if-no-files-found'] || 'warn';
      const message = `No files were found with the provided path: ${lines.join(', ')}. No artifacts will be uploaded.`;
      return { ok: rule !== 'error', message: rule === 'ignore' ? '' : message };
    }
    const target = join(this.root, name);
    if (existsSync(target) && inputs.overwrite !== 'true')
      return { ok: false, message: `an artifact with the name '${name}' already exists in this run` };
    const base = commonAncestor(matches.flatMap((m) => m.roots));
    for (const file of files) {
      const to = join(target, relative(base, file));
      mkdirSync(dirname(to), { recursive: true });
      cpSync(file, to);
    }
    return { ok: true, message: `Artifact ${name} has been uploaded: ${files.length} file(s)` };
  }

  download(inputs: Record<string, string>, workspace: string): ArtifactStepResult {
    const path = resolve(workspace, inputs.path || '.');
    const all = existsSync(this.root) ? readdirSync(this.root).sort() : [];
    if (inputs.name) {
      if (!all.includes(inputs.name))
        return { ok: false, message: `Unable to download artifact(s): Artifact not found for name: ${inputs.name}` };
      cpSync(join(this.root, inputs.name), path, { recursive: true });
      return { ok: true, message: `Artifact ${inputs.name} downloaded to ${path}` };
    }
    if (all.length === 0) return { ok: false, message: 'Unable to download artifact(s): No artifacts found for run' };
    const pattern = inputs.pattern ? globSegmentRegex(inputs.pattern) : undefined;
    const chosen = all.filter((name) => !pattern || pattern.test(name));
    const merge = inputs['merge-multiple'] === 'true';
    for (const name of chosen) cpSync(join(this.root, name), merge ? path : join(path, name), { recursive: true });
    return { ok: true, message: `Total of ${chosen.length} artifact(s) downloaded` };
  }
}

/** The files a path line names, and the folders their stored paths are relative to. */
function matchPath(pattern: string, workspace: string): { files: string[]; roots: string[] } {
  const absolute = isAbsolute(pattern) ? pattern : resolve(workspace, pattern);
  if (!/[*?]/.test(pattern) && existsSync(absolute) && statSync(absolute).isDirectory()) {
    return { files: globFiles(join(absolute, '**', '*'), workspace), roots: [absolute] };
  }
  const files = globFiles(absolute, workspace);
  return { files, roots: files.map(dirname) };
}

function commonAncestor(dirs: string[]): string {
  let common = dirs[0].split(sep);
  for (const dir of dirs.slice(1)) {
    const parts = dir.split(sep);
    let i = 0;
    while (i < common.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join(sep) || sep;
}
