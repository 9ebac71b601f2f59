import { compile } from './compiler';
import { readFileSync } from 'node:fs';
for (const f of process.argv.slice(2)) {
  const r = compile(readFileSync(f, 'utf8'), { file: f });
  for (const d of r.diagnostics) console.log(d.code, d.severity, d.path.join('.'), d.message);
  for (const o of r.outputs) console.log(`--- ${o.target}\n${o.yaml}`);
}
