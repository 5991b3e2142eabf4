// Finds every CPython 3.10+ on this machine, without hard-coded paths: pyenv's versions
// (PYENV_ROOT, `pyenv root`, or ~/.pyenv), the ones scripts/get-cpython.sh installed (its venvs,
// which hold pytest), then python3.X and python3 on PATH. One per minor version.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const REQUIRED_IN_CI = ['3.10', '3.11', '3.12', '3.13', '3.14', '3.15'];

/** Where scripts/get-cpython.sh puts the CPythons it installs (keep the two in step). */
export function cpythonRoot() {
  return process.env.ASYNCIO_LENS_CPYTHON_ROOT || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'asyncio-lens-cpython');
}

function pyenvRoot() {
  if (process.env.PYENV_ROOT) return process.env.PYENV_ROOT;
  try {
    return execFileSync('pyenv', ['root'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return join(homedir(), '.pyenv');
  }
}

function versionOf(python) {
  try {
    const out = execFileSync(python, ['-c', 'import sys, platform; print("%d.%d.%d" % sys.version_info[:3], platform.python_implementation())'], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000,
    }).trim();
    const [version, impl] = out.split(' ');
    return impl === 'CPython' ? version : undefined;
  } catch {
    return undefined;
  }
}

/** @returns {{ minor: string, version: string, path: string }[]} sorted by minor version */
export function findPythons() {
  const candidates = [];
  const root = pyenvRoot();
  const versionsDir = join(root, 'versions');
  if (existsSync(versionsDir)) {
    for (const name of readdirSync(versionsDir).sort()) {
      const bin = join(versionsDir, name, 'bin', 'python');
      if (existsSync(bin)) candidates.push(bin);
    }
  }
  const installed = cpythonRoot();
  if (existsSync(installed)) {
    for (const name of readdirSync(installed).sort()) {
      const bin = join(installed, name, 'venv', 'bin', 'python');
      if (existsSync(bin)) candidates.push(bin);
    }
  }
  for (const minor of REQUIRED_IN_CI) candidates.push(`python${minor}`);
  candidates.push('python3');
  const byMinor = new Map();
  for (const path of candidates) {
    const version = versionOf(path);
    if (!version) continue;
    const minor = version.split('.').slice(0, 2).join('.');
    const [major, min] = minor.split('.').map(Number);
    if (major !== 3 || min < 10 || byMinor.has(minor)) continue;
    byMinor.set(minor, { minor, version, path });
  }
  return [...byMinor.values()].sort((a, b) => Number(a.minor.split('.')[1]) - Number(b.minor.split('.')[1]));
}

/** Throws when CI is set and a required version is missing. */
export function checkRequired(pythons) {
  const missing = REQUIRED_IN_CI.filter((m) => !pythons.some((p) => p.minor === m));
  if (process.env.CI && missing.length) {
    throw new Error(`CI needs CPython ${missing.join(', ')}, not found (looked under pyenv, in ${cpythonRoot()} and on PATH; scripts/get-cpython.sh installs 3.14 and 3.15).`);
  }
  return missing;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(findPythons(), null, 1));
}
