import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface ActionInputMetadata {
  description: string;
  default: string;
  required: boolean;
}

export interface ActionMetadata {
  name: string;
  description: string;
  inputs: Record<string, ActionInputMetadata>;
  outputs: Record<string, { description: string }>;
}

/** Reads an action.yml: the one place where input defaults live. */
export function readActionMetadata(path: string): ActionMetadata {
  const document = parse(readFileSync(path, 'utf8')) as {
    name?: string;
    description?: string;
    inputs?: Record<string, { description?: string; default?: unknown; required?: boolean }>;
    outputs?: Record<string, { description?: string }>;
  };
  const inputs: Record<string, ActionInputMetadata> = {};
  for (const [name, spec] of Object.entries(document.inputs ?? {})) {
    inputs[name] = {
      description: spec?.description ?? '',
      default: spec?.default === undefined || spec.default === null ? '' : String(spec.default),
      required: spec?.required === true,
    };
  }
  const outputs: Record<string, { description: string }> = {};
  for (const [name, spec] of Object.entries(document.outputs ?? {}))
    outputs[name] = { description: spec?.description ?? '' };
  return { name: document.name ?? '', description: document.description ?? '', inputs, outputs };
}
