// Builds the console into dist/console with esbuild (already the engine under tsx): the
// JavaScript (the indicators page and its charts in a chunk of their own, loaded when opened)
// and one CSS file, named by content hash, and the page that loads them. Takes well
// under a second, so `npm start`, `npm run api` and the test harness build it when needed.
// Usage: node --import tsx console/build.ts [--if-stale]
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = path.join(ROOT, 'console');
export const CONSOLE_DIR = path.join(ROOT, 'dist', 'console');

export interface BuildResult {
  built: boolean;
  ms: number;
  dir: string;
}

/** Builds unless the last build is newer than every source (and the lock file: a new chart.js is a new build). */
export async function buildConsole(options: { ifStale?: boolean; outDir?: string } = {}): Promise<BuildResult> {
  const started = Date.now();
  const outDir = options.outDir ?? CONSOLE_DIR;
  if (options.ifStale && !isStale(outDir)) return { built: false, ms: Date.now() - started, dir: outDir };

  // Built beside the target, then swapped in, so a server never serves half a build.
  const staging = `${outDir}.build-${process.pid}-${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  try {
    const result = await build({
      entryPoints: { console: path.join(SOURCES, 'src', 'main.tsx') },
      bundle: true,
      format: 'esm',
      target: 'es2022',
      platform: 'browser',
      jsx: 'automatic',
      jsxImportSource: 'preact',
      minify: true,
      sourcemap: 'linked',
      splitting: true,
      entryNames: '[name]-[hash]',
      chunkNames: 'chunk-[hash]',
      outdir: path.join(staging, 'assets'),
      metafile: true,
      logLevel: 'silent',
      legalComments: 'linked',
      // Paths in the metafile (outputs, inputs.json) are then relative to the root, wherever the build runs from.
      absWorkingDir: ROOT,
    });
    const outputs = Object.keys(result.metafile.outputs).map((file) => path.relative(staging, path.resolve(ROOT, file)));
    const relative = (file: string) => path.relative(staging, path.resolve(ROOT, file));
    const [entry, entryOutput] = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint !== undefined) ?? [];
    const script = entry ? relative(entry) : undefined;
    // The chunks the entry imports at once, fetched alongside it rather than after it is parsed.
    const preload = (entryOutput?.imports ?? []).filter((i) => i.kind === 'import-statement').map((i) => relative(i.path));
    const style = outputs.find((file) => file.endsWith('.css'));
    if (!script) throw new Error('esbuild produced no JavaScript for the console');
    writeFileSync(path.join(staging, 'index.html'), page(script, style, preload));
    // Every source the bundle took in, console/src and the shared modules of src/ it imports
    // (the countries' names), so a change to any of them makes the build stale.
    writeFileSync(path.join(staging, 'inputs.json'), JSON.stringify(Object.keys(result.metafile.inputs).filter((file) => !file.includes('node_modules'))));
    const old = `${outDir}.old-${process.pid}-${Date.now()}`;
    if (existsSync(outDir)) renameSync(outDir, old);
    renameSync(staging, outDir);
    rmSync(old, { recursive: true, force: true });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return { built: true, ms: Date.now() - started, dir: outDir };
}

function page(script: string, style: string | undefined, preload: string[]): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Corridor — console</title>
<link rel="icon" href="data:,">
${style ? `<link rel="stylesheet" href="/${style}">` : ''}
${preload.map((file) => `<link rel="modulepreload" href="/${file}">`).join('\n')}
<script type="module" src="/${script}"></script>
</head>
<body>
<div id="app"></div>
</body>
</html>
`;
}

function isStale(outDir: string): boolean {
  const index = path.join(outDir, 'index.html');
  if (!existsSync(index)) return true;
  const builtAt = statSync(index).mtimeMs;
  const newest = Math.max(
    newestIn(path.join(SOURCES, 'src')),
    newestOf(bundledInputs(outDir)),
    statSync(fileURLToPath(import.meta.url)).mtimeMs,
    statSync(path.join(ROOT, 'package-lock.json')).mtimeMs,
  );
  return newest > builtAt;
}

/** The sources the last build bundled (relative to the root), from its inputs.json; none if it has none. */
function bundledInputs(outDir: string): string[] {
  try {
    return (JSON.parse(readFileSync(path.join(outDir, 'inputs.json'), 'utf8')) as string[]).map((file) => path.resolve(ROOT, file));
  } catch {
    return [];
  }
}

/** The newest modification time among files; a file gone since makes the build stale. */
function newestOf(files: string[]): number {
  return Math.max(0, ...files.map((file) => (existsSync(file) ? statSync(file).mtimeMs : Infinity)));
}

function newestIn(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(full) : statSync(full).mtimeMs);
  }
  return newest;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildConsole({ ifStale: process.argv.includes('--if-stale') }).then(
    (result) => {
      process.stdout.write(result.built ? `console built in ${result.ms} ms: ${path.relative(ROOT, result.dir)}\n` : '');
    },
    (error: unknown) => {
      process.stderr.write(`console build failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
