import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { armToken, type Reply } from './client.js';
import { startDeploymentsStandIn, type DeploymentsStandIn } from '../fixtures/deployments/stand-in.js';

/**
 * Deployment bodies as `az deployment group … -f` sends them: the template file's own text (comments,
 * unquoted property names, trailing commas) inside the body, read as ARM (Newtonsoft.Json) reads it; errors
 * point at lines of that text and carry ARM's TemplateViolation.
 */
describe('deployment request bodies', () => {
  let standIn: DeploymentsStandIn;
  let token: string;

  beforeAll(async () => {
    standIn = await startDeploymentsStandIn();
    await standIn.group('rg-body');
    token = await armToken(standIn.emulator);
  });
  afterAll(async () => {
    await standIn?.stop();
  });

  function post(path: string, text: string): Promise<Reply> {
    const { facts } = standIn.emulator;
    const url = new URL(`${path}?api-version=2025-04-01`, facts.armEndpoint);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          ca: readFileSync(facts.caCertPath),
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', chunk => chunks.push(chunk as Buffer));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text), text });
          });
        }
      );
      req.on('error', reject);
      req.end(text);
    });
  }

  const validate = (name: string) =>
    `/subscriptions/${standIn.emulator.facts.subscriptionId}/resourcegroups/rg-body/providers/Microsoft.Resources/deployments/${name}/validate`;

  // The template starts on line 1 of the body, as az writes it; line numbers below are the file's.
  const body = (template: string) => `{"properties": {"mode": "Incremental", "template": ${template}}}`;

  it('accepts comments, unquoted property names and trailing commas', async () => {
    const template = [
      '{',
      '  // a comment, as in many quickstart templates',
      '  $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",',
      '  contentVersion: "1.0.0.0",',
      '  /* block comment */',
      '  resources: [',
      '    {type: "Microsoft.Web/sites", apiVersion: "2022-09-01", name: "site-body", location: "westeurope",},',
      '  ],',
      '}'
    ].join('\n');
    const answer = await post(validate('jsonc'), body(template));
    expect(answer.status).toBe(200);
    expect(answer.body.properties.validatedResources.map((r: { id: string }) => r.id)).toEqual([
      expect.stringMatching(/\/providers\/Microsoft\.Web\/sites\/site-body$/)
    ]);
  });

  it('answers InvalidTemplate with a TemplateViolation pointing into the template text, in ARM wording', async () => {
    const template = [
      '{',
      '  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",',
      '  "contentVersion": "1.0.0.0",',
      '  // comments before the problem must not move it',
      '  "resources": [',
      '    {',
      '      "type": "Microsoft.Web/sites",',
      '      "apiVersion": "2022-09-01",',
      '      "name": "[nosuchfunction()]",',
      '      "location": "westeurope"',
      '    }',
      '  ]',
      '}'
    ].join('\n');
    const answer = await post(validate('bad'), body(template));
    expect(answer.status).toBe(400);
    const { error } = answer.body;
    expect(error.code).toBe('InvalidTemplate');
    expect(error.message).toMatch(
      /^Deployment template validation failed: 'The template resource '.*' at line '6' and column '5' is not valid: /
    );
    expect(error.message).toMatch(/The template function 'nosuchfunction' is not valid/);
    expect(error.message).not.toMatch(/at position \d+ in/);
    expect(error.additionalInfo).toEqual([
      {
        type: 'TemplateViolation',
        info: { lineNumber: 6, linePosition: 5, path: 'properties.template.resources[0]' }
      }
    ]);
  });

  it('answers a body that is not JSON with InvalidRequestContent and its line and position', async () => {
    const answer = await post(validate('broken'), '{"properties": {\n  "template": {,,}\n}}');
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('InvalidRequestContent');
    expect(answer.body.error.message).toMatch(/line 2, position \d+/);
  });
});
