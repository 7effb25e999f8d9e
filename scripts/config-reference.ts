// Prints (or with --write, puts into README.md) the configuration reference generated from CONFIG_SETTINGS.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigReference, replaceConfigReference } from '../apps/gateway/src/config/config-reference';

const readmePath = join(__dirname, '..', 'README.md');
if (process.argv.includes('--write')) {
  writeFileSync(readmePath, replaceConfigReference(readFileSync(readmePath, 'utf8')));
} else {
  process.stdout.write(renderConfigReference());
}
