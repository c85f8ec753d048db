import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Which package names exist on PyPI, for the emulated image build: a Bloom filter over every name of the
 * list described in PROVENANCE.md (the whole list would be 12 MB, 4 MB gzip'd). A real name is never
 * refused; a misspelt one is accepted with a chance of about 1 in 1,000.
 */
export interface PackageIndex {
  has(name: string): boolean;
}

/** Bits and hash count of the shipped filter (about 14 bits a name, 10 hashes: 0.1 % false positives). */
export const BLOOM_BITS = 12_582_912;
export const BLOOM_HASHES = 10;

/** PEP 503 normalisation: case-insensitive, runs of `-`, `_` and `.` are one `-`. */
export function normalizePackageName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The filter's bit positions for a normalised name (double hashing over SHA-256). */
export function bloomPositions(normalized: string): number[] {
  const digest = createHash('sha256').update(normalized).digest();
  const first = digest.readUInt32BE(0);
  const second = (digest.readUInt32BE(4) | 1) >>> 0;
  return Array.from({ length: BLOOM_HASHES }, (_, i) => (first + i * second) % BLOOM_BITS);
}

/**
 * Conda packages that are not Python distributions, so not on PyPI, but on the channels an Azure ML
 * environment uses (conda-forge, defaults).
 */
const CONDA_ONLY = new Set(
  [
    'python', 'pip', 'conda', 'setuptools', 'wheel', 'r-base', 'cudatoolkit', 'cudnn', 'nccl', 'mkl',
    'mkl-service', 'openssl', 'libgcc-ng', 'libstdcxx-ng', 'openmpi', 'gcc', 'gxx', 'make', 'cmake', 'git',
    'curl', 'ca-certificates', 'blas', 'openblas', 'libopenblas', 'zlib', 'sqlite', 'tk', 'xz', 'ncurses',
    'readline', 'libffi', 'icu', 'ffmpeg', 'pytorch', 'py-xgboost', 'nodejs', 'pytorch-cuda'
  ].map(normalizePackageName)
); // prettier-ignore

let shipped: Buffer | undefined;

function bloom(): Buffer {
  shipped ??= readFileSync(new URL('./pypi-names.bloom', import.meta.url));
  return shipped;
}

function inFilter(bits: Buffer, normalized: string): boolean {
  return bloomPositions(normalized).every(bit => (bits[bit >> 3]! & (1 << (bit & 7))) !== 0);
}

/** The PyPI names (pip dependencies). */
export const pypiIndex: PackageIndex = {
  has: name => inFilter(bloom(), normalizePackageName(name))
};

/** Conda names: PyPI's plus the conda-only ones above (most conda packages are Python distributions). */
export const condaIndex: PackageIndex = {
  has: name => CONDA_ONLY.has(normalizePackageName(name)) || pypiIndex.has(name)
};
