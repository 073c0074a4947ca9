/**
 * A job's outputs as GitHub's runner hands them to later jobs (docs/workflows.md, "GitHub
 * behaviour these workflows rely on"): an empty value is not set at all, and a value the secret
 * masker would change (it contains a secret of the job, github.token included) is skipped with
 * the warning below, so `needs.<job>.outputs.<name>` reads ''. Only the plain value is matched
 * here; the runner's masker also matches some encodings (base64, URL and JSON escapes) of each
 * secret, which our outputs never carry.
 */
export function secretSafeOutputs(
  evaluated: Record<string, string>,
  secrets: Iterable<string>,
): { outputs: Record<string, string>; warnings: string[] } {
  const values = [...secrets].filter((secret) => secret !== '');
  const outputs: Record<string, string> = {};
  const warnings: string[] = [];
  for (const [name, value] of Object.entries(evaluated)) {
    if (value === '') continue;
    if (values.some((secret) => value.includes(secret))) {
      warnings.push(`Skip output '${name}' since it may contain secret.`);
      continue;
    }
    outputs[name] = value;
  }
  return { outputs, warnings };
}

/** `environment.url`, evaluated at the end of the job: not set when it contains a secret of the job. */
export function secretSafeEnvironmentUrl(
  url: string,
  environment: string,
  secrets: Iterable<string>,
): { url?: string; warning?: string } {
  if (url === '') return {};
  if ([...secrets].some((secret) => secret !== '' && url.includes(secret)))
    return { warning: `Skip setting environment url as environment '${environment}' may contain secret.` };
  return { url };
}
