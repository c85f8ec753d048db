import { describe, expect, it } from '@jest/globals';
import { OUTPUT_NAMES } from '../../src/contract/outputs.js';
import { publishedTemplateOutputs, templateOutputs } from '../../src/infra/template-outputs.js';
import { Redactor } from '../../src/run/redaction.js';

describe('template outputs as step outputs', () => {
  // Was a defect: a template output named `status` was set after the action's own `status`, so a failed run
  // reported status=succeeded.
  it.each(['status', 'Healthy', 'FAILED-STAGE', 'template-outputs'])(
    'an output named like the action output %s is not set under that name, with a warning naming the alternative',
    name => {
      const outputs = templateOutputs({
        [name]: { type: 'String', value: 'succeeded' },
        other: { type: 'String', value: 'x' }
      });
      const published = publishedTemplateOutputs(outputs, new Redactor());
      expect(published.outputs).toEqual({ other: 'x' });
      expect(published.warnings).toEqual([
        expect.stringContaining(`fromJSON(steps.<id>.outputs.template-outputs).${name}`)
      ]);
      expect(published.warnings[0]).toContain(`'${name}'`);
    }
  );

  it('every declared action output name is protected', () => {
    const outputs = templateOutputs(
      Object.fromEntries(OUTPUT_NAMES.map(name => [name.toUpperCase(), { type: 'String', value: 'v' }]))
    );
    expect(publishedTemplateOutputs(outputs, new Redactor()).outputs).toEqual({});
  });

  it('an output derived from a secret is withheld, registered as a mask and redacted everywhere', () => {
    const masks: string[] = [];
    const redactor = new Redactor(secret => masks.push(secret));
    const outputs = templateOutputs(
      {
        storageKey: { type: 'String', value: 'c3RvcmFnZS1rZXktdmFsdWU=' },
        name: { type: 'String', value: 'account1' }
      },
      new Map([['storagekey', 'it calls listKeys()']]),
      redactor
    );
    expect(masks).toContain('c3RvcmFnZS1rZXktdmFsdWU=');
    expect(redactor.redact('key c3RvcmFnZS1rZXktdmFsdWU=')).toBe('key ***');
    const published = publishedTemplateOutputs(outputs, redactor);
    expect(published.outputs).toEqual({ name: 'account1' });
    expect(published.warnings).toEqual([expect.stringMatching(/'storageKey'.*it calls listKeys\(\)/)]);
  });

  it('an object output derived from a secret registers each string inside it', () => {
    const masks: string[] = [];
    const redactor = new Redactor(secret => masks.push(secret));
    templateOutputs(
      { keys: { type: 'Array', value: [{ keyName: 'key1', value: 'first-secret-value' }] } },
      new Map([['keys', 'it calls listKeys()']]),
      redactor
    );
    expect(masks).toEqual(expect.arrayContaining(['first-secret-value']));
  });

  it('a plain output that contains a registered secret is redacted', () => {
    const redactor = new Redactor();
    redactor.add('Secret-Value-123');
    const outputs = templateOutputs({ url: { type: 'String', value: 'https://x/?p=Secret-Value-123' } });
    expect(publishedTemplateOutputs(outputs, redactor).outputs).toEqual({ url: 'https://x/?p=***' });
  });
});
