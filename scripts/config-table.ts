// The README's configuration table, made from src/config/env.ts, the one place every variable is
// declared. `npm run readme:config` rewrites it; test/unit/readme.test.ts fails when it falls behind.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { variables } from '../src/config/env.ts';

export const README = fileURLToPath(new URL('../README.md', import.meta.url));
const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

export function configTable(): string {
  const rows = Object.entries(variables).map(([name, spec]) => {
    const s = spec as { default: string | undefined; doc: string; secret?: boolean };
    const shown = s.default === undefined || s.default === '' ? '(unset)' : s.secret ? '(development value; set your own)' : `\`${s.default}\``;
    return `| \`${name}\` | ${shown} | ${s.doc.replace(/\|/g, '\\|')} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** The README with its table replaced by the current one. */
export function readmeWithTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n${configTable()}\n${readme.slice(end)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(README, readmeWithTable(readFileSync(README, 'utf8')));
  process.stdout.write('README.md configuration table rewritten\n');
}
