/** Reads a spec file and compiles it; the only file reading the compiler's callers need. */
import { relative, resolve } from 'node:path';
import { compile, type CompileOptions, type CompileResult } from '../compiler';
import { readInputFile } from './input-file';

export function compileFile(path: string, cwd: string, options: Omit<CompileOptions, 'file'> = {}): CompileResult {
  const absolute = resolve(cwd, path);
  const text = readInputFile(absolute, path);
  return compile(text, { ...options, file: relative(cwd, absolute) || path });
}
