import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CONTENT_HASH_SCHEME, ContentHashError, hashContent } from '../../src/ml/content-hash.js';

/** Writes `files` into a new folder named `name`, in the order given. */
function folder(files: Array<[string, string | Buffer]>, name = 'model'): string {
  const root = join(mkdtempSync(join(tmpdir(), 'content-hash-')), name);
  for (const [path, content] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  mkdirSync(root, { recursive: true });
  return root;
}

const FILES: Array<[string, string]> = [
  ['weights/b.bin', 'bbbb'],
  ['config.json', '{"a":1}'],
  ['weights/a.bin', 'aa'],
  ['Z.txt', 'upper case sorts first']
];

describe('content hash', () => {
  it('follows the documented scheme exactly', async () => {
    const root = folder([['a.txt', 'hello']], 'm');
    const expected = createHash('sha256')
      .update(`${CONTENT_HASH_SCHEME}\n`)
      .update('root\0m\0directory\n')
      .update('file\0m/a.txt\x005\nhello')
      .digest('hex');
    const manifest = await hashContent(root);
    expect(manifest).toEqual({
      name: 'm',
      kind: 'directory',
      hash: expected,
      totalBytes: 5,
      files: [{ assetPath: 'm/a.txt', absolutePath: join(root, 'a.txt'), size: 5 }]
    });
  });

  it('is the same whatever the order files were written in and whatever their times', async () => {
    const first = folder(FILES);
    const second = folder([...FILES].reverse());
    utimesSync(join(second, 'config.json'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    mkdirSync(join(second, 'empty-folder'));
    const [a, b] = await Promise.all([hashContent(first), hashContent(second)]);
    expect(b.hash).toBe(a.hash);
    expect(a.files.map(f => f.assetPath)).toEqual([
      'model/Z.txt',
      'model/config.json',
      'model/weights/a.bin',
      'model/weights/b.bin'
    ]);
  });

  it('changes with a byte, a file name, the folder name or a moved boundary', async () => {
    const base = (await hashContent(folder(FILES))).hash;
    const changed = FILES.map(([p, c]) => [p, p === 'config.json' ? '{"a":2}' : c] as [string, string]);
    expect((await hashContent(folder(changed))).hash).not.toBe(base);
    const renamed = FILES.map(([p, c]) => [p === 'Z.txt' ? 'Y.txt' : p, c] as [string, string]);
    expect((await hashContent(folder(renamed))).hash).not.toBe(base);
    expect((await hashContent(folder(FILES, 'other'))).hash).not.toBe(base);
    // The same bytes split differently between two files.
    const left = await hashContent(
      folder([
        ['a', 'xy'],
        ['b', 'z']
      ])
    );
    const right = await hashContent(
      folder([
        ['a', 'x'],
        ['b', 'yz']
      ])
    );
    expect(left.hash).not.toBe(right.hash);
  });

  it('hashes a single file under its own name', async () => {
    const root = folder([['model.pkl', 'pickle']]);
    const manifest = await hashContent(join(root, 'model.pkl'));
    expect(manifest).toMatchObject({
      name: 'model.pkl',
      kind: 'file',
      totalBytes: 6,
      files: [{ assetPath: 'model.pkl', size: 6 }]
    });
    const copy = folder([['model.pkl', 'pickle']], 'elsewhere');
    expect((await hashContent(join(copy, 'model.pkl'))).hash).toBe(manifest.hash);
  });

  it('streams large files (hash of a 24 MiB file equals hashing its bytes in one piece)', async () => {
    const bytes = Buffer.alloc(24 * 1024 * 1024, 7);
    const root = folder([['big.bin', bytes]]);
    const manifest = await hashContent(join(root, 'big.bin'));
    const expected = createHash('sha256')
      .update(`${CONTENT_HASH_SCHEME}\nroot\0big.bin\0file\nfile\0big.bin\0${bytes.length}\n`)
      .update(bytes)
      .digest('hex');
    expect(manifest.hash).toBe(expected);
  });

  it('follows links inside the folder and refuses links that lead out of it', async () => {
    const root = folder([['real/a.txt', 'a']]);
    symlinkSync(join(root, 'real'), join(root, 'alias'));
    const manifest = await hashContent(root);
    expect(manifest.files.map(f => f.assetPath)).toEqual(['model/alias/a.txt', 'model/real/a.txt']);
    symlinkSync('/etc/hostname', join(root, 'escape'));
    await expect(hashContent(root)).rejects.toThrow(ContentHashError);
    await expect(hashContent(join(root, 'missing'))).rejects.toThrow('does not exist');
  });
});
