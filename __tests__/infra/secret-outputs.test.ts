import { describe, expect, it } from '@jest/globals';
import type { TemplateJson } from '../../src/arm/index.js';
import { secretOutputs } from '../../src/infra/secret-outputs.js';

const template = (
  outputs: Record<string, unknown>,
  variables: Record<string, unknown> = {}
): TemplateJson => ({
  parameters: {
    adminPassword: { type: 'securestring' },
    settings: { type: 'secureObject' },
    userName: { type: 'string' }
  },
  variables,
  outputs
});

describe('secretOutputs: which template outputs carry a secret, from their expressions alone', () => {
  it('finds a securestring echoed through a plain string output, whatever the case of its name', () => {
    const found = secretOutputs(
      template({ echo: { type: 'string', value: "[concat('pw:', parameters('ADMINPASSWORD'))]" } })
    );
    expect(found.get('echo')).toBe("it uses the secure parameter 'adminPassword'");
  });

  it('finds a secureObject property', () => {
    const found = secretOutputs(
      template({ token: { type: 'string', value: "[parameters('settings').token]" } })
    );
    expect(found.get('token')).toContain("'settings'");
  });

  it.each(['listKeys', 'listSecrets', 'listConnectionStrings', 'listAccountSas', 'LISTKEYS'])(
    'finds a %s() call',
    name => {
      const found = secretOutputs(
        template({
          key: { type: 'string', value: `[${name}(resourceId('A/b', 'x'), '2023-01-01').keys[0].value]` }
        })
      );
      expect(found.get('key')).toBe(`it calls ${name}()`);
    }
  );

  it('follows variables, also through other variables and variable copy loops', () => {
    const found = secretOutputs(
      template(
        {
          viaVariable: { type: 'string', value: "[variables('connection')]" },
          viaCopy: { type: 'array', value: "[variables('passwords')]" },
          plain: { type: 'string', value: "[variables('greeting')]" }
        },
        {
          inner: "[parameters('adminPassword')]",
          connection: "[format('Server=x;Password={0}', variables('inner'))]",
          greeting: "[concat('hello ', parameters('userName'))]",
          copy: [{ name: 'passwords', count: 2, input: "[parameters('adminPassword')]" }]
        }
      )
    );
    expect([...found.keys()].sort()).toEqual(['viacopy', 'viavariable']);
  });

  it('finds secrets in object and array outputs and in output copy loops', () => {
    const found = secretOutputs(
      template({
        object: { type: 'object', value: { nested: ["[parameters('adminPassword')]"] } },
        looped: { type: 'array', copy: { count: 2, input: "[listKeys('x', '2023-01-01')]" } }
      })
    );
    expect([...found.keys()].sort()).toEqual(['looped', 'object']);
  });

  it('leaves outputs that touch no secret (or only its length) alone, and a variable that refers to itself does not loop', () => {
    const found = secretOutputs(
      template(
        {
          name: { type: 'string', value: "[parameters('userName')]" },
          length: { type: 'int', value: "[length(parameters('adminPassword'))]" },
          given: { type: 'bool', value: "[not(empty(parameters('adminPassword')))]" },
          literal: { type: 'string', value: "[[parameters('adminPassword')]" },
          loop: { type: 'string', value: "[variables('a')]" }
        },
        { a: "[variables('b')]", b: "[variables('a')]" }
      )
    );
    expect([...found.keys()]).toEqual([]);
  });

  it('a parameter or variable named by an expression counts as secret when a secret could be meant', () => {
    const found = secretOutputs(
      template({ dynamic: { type: 'string', value: "[parameters(concat('admin', 'Password'))]" } })
    );
    expect(found.get('dynamic')).toContain('named by an expression');
  });

  it('an expression the offline parser cannot read is judged by its text', () => {
    const found = secretOutputs(
      template({ broken: { type: 'string', value: "[listKeys('x', '2023-01-01').keys[0" + ']' } })
    );
    // Deliberately unbalanced: ARM would refuse it too, but the output must still not be published.
    expect(found.has('broken')).toBe(true);
  });
});
