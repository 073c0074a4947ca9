import { ConfigurationError } from '../core/errors.js';
import type { InputReader } from '../core/inputs.js';
import { TARGETS, type BackupPlan, type BackupTarget } from '../backups/backup.js';
import { readConfigPlatforms, readPostgresUrl, readUpstash } from '../backups/provider-inputs.js';

export type BackupInputs = BackupPlan;

/** Every input, checked before anything is read; credentials are masked as they are read. */
export function getInputs(inputs: InputReader, mask: (secret: string) => void): BackupInputs {
  const targets = inputs.list('targets');
  if (targets.length === 0)
    throw new ConfigurationError(
      'targets',
      `is required: any of ${TARGETS.join(', ')}, comma-separated, for example redis,postgres`,
    );
  for (const target of targets) {
    if (!(TARGETS as readonly string[]).includes(target))
      throw new ConfigurationError('targets', `must list only ${TARGETS.join(', ')}, got '${target}'`);
  }
  const chosen = [...new Set(targets)] as BackupTarget[];
  const environment = inputs.required('environment', 'production');
  const result: BackupInputs = {
    targets: chosen,
    maxAgeMs: inputs.duration('max-age', { min: 60_000 }),
    create: inputs.boolean('create'),
    enableDailyBackup: inputs.boolean('enable-daily-backup'),
    environment,
    vercelTarget: inputs.text('vercel-target') || environment,
    pgBinDir: inputs.path('pg-bin-dir'),
    outputDir: inputs.outputPath('output-dir'),
    failOn: inputs.oneOf('fail-on', ['critical', 'warning', 'never'] as const),
    requestTimeoutMs: inputs.duration('request-timeout', { min: 1000, max: 600_000 }),
  };
  if (chosen.includes('redis')) result.upstash = readUpstash(inputs, mask, 'for the redis target');
  if (chosen.includes('config')) {
    Object.assign(result, readConfigPlatforms(inputs, 'for the config target'));
    const recipient = inputs.text('age-recipient');
    if (!/^age1[0-9a-z]{20,}$/.test(recipient)) {
      throw new ConfigurationError(
        'age-recipient',
        `must be an age public key such as age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p (the identity that decrypts stays out of the workflow), got '${recipient}'`,
      );
    }
    result.ageRecipient = recipient;
  }
  if (chosen.includes('postgres'))
    result.postgresUrl = readPostgresUrl(inputs, 'postgres-url', 'for the postgres target', mask);
  if ((chosen.includes('config') || chosen.includes('postgres')) && !result.outputDir) {
    throw new ConfigurationError(
      'output-dir',
      'is required for the config and postgres targets (a folder for actions/upload-artifact), for example threadr-backups',
    );
  }
  return result;
}
