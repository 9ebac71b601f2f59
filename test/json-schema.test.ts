/** The generated JSON Schema accepts the examples and rejects what the zod schema rejects. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { releaseJsonSchema } from '../compiler/spec/json-schema';
import { exampleFiles, readExample } from './support/examples';

const validate = new Ajv({ strict: false, allErrors: true }).compile(releaseJsonSchema());

describe('schema/release.schema.json', () => {
  for (const file of exampleFiles()) {
    it(`accepts ${file}`, () => {
      assert.equal(validate(parse(readExample(file))), true, JSON.stringify(validate.errors));
    });
  }
  it('rejects an unknown key, as the compiler does', () => {
    const spec = parse(readExample('flip-flop.release.yaml')) as { spec: Record<string, unknown> };
    spec.spec.lanse = {};
    assert.equal(validate(spec), false);
    assert.deepEqual(validate.errors?.map((e) => [e.instancePath, e.keyword]), [['/spec', 'additionalProperties']]);
  });
  it('points editors at the schema from every example', () => {
    for (const file of exampleFiles())
      assert.match(readExample(file), /^# yaml-language-server: \$schema=\.\.\/schema\/release\.schema\.json\n/);
  });
});
