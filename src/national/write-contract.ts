// Writes the national system contract's OpenAPI document where it is committed, so that
// the people building a real ASYCUDA World adapter read the same contract the sandbox serves.
//   npx tsx src/national/write-contract.ts           write docs/national-system-contract.openapi.json
//   npx tsx src/national/write-contract.ts --check   exit 1 if the committed file is out of date
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { contractDocumentPath, renderContractDocument } from './openapi.ts';

const target = fileURLToPath(new URL(`../../${contractDocumentPath}`, import.meta.url));
const generated = await renderContractDocument();

if (process.argv.includes('--check')) {
  const committed = await readFile(target, 'utf8').catch(() => '');
  if (committed !== generated) {
    console.error(`${contractDocumentPath} is out of date: run npx tsx src/national/write-contract.ts`);
    process.exit(1);
  }
  console.log(`${contractDocumentPath} is up to date`);
} else {
  await writeFile(target, generated);
  console.log(`wrote ${contractDocumentPath}`);
}
