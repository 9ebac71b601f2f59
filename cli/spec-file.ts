/** Reads a spec file and compiles it; the only file reading the compiler's callers need. */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { compile, type CompileOptions, type CompileResult } from '../compiler';
import { UsageError } from './io';

export function compileFile(path: string, cwd: string, options: Omit<CompileOptions, 'file'> = {}): CompileResult {
  const absolute = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read spec file "${path}": ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message}`);
  }
  return compile(text, { ...options, file: relative(cwd, absolute) || path });
}
