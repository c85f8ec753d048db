import { TemplateFileError } from './errors.js';
import { type JsonDocument, parseJsonDocument } from './json-document.js';

/** The JSON shape of an ARM template (only the parts the engine reads are typed). */
export interface TemplateJson {
  $schema?: string;
  contentVersion?: string;
  languageVersion?: string;
  parameters?: Record<string, ParameterDefinition>;
  variables?: Record<string, unknown>;
  resources?: unknown[] | Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** A parameter declaration in a template. */
export interface ParameterDefinition {
  /** Absent in languageVersion 2.0 when the type is a `$ref` to the template's `definitions`. */
  type?: string;
  $ref?: string;
  nullable?: boolean;
  defaultValue?: unknown;
  allowedValues?: unknown[];
  minLength?: number;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
  metadata?: Record<string, unknown>;
}

/** A loaded template: its JSON plus the document that maps JSON paths to file positions. */
export interface Template {
  json: TemplateJson;
  document: JsonDocument;
}

/** A parameter value in a parameters file: a literal value or a Key Vault secret reference. */
export type ParameterValue =
  { value: unknown } | { reference: { keyVault: { id: string }; secretName: string } };

/** A loaded parameters file (`{ "$schema", "contentVersion", "parameters": { … } }`). */
export interface ParametersFile {
  parameters: Record<string, ParameterValue>;
  document: JsonDocument;
}

function expectObject(value: unknown, what: string, document: JsonDocument, path: (string | number)[]) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TemplateFileError(`${what} must be a JSON object`, document.locate(path));
  }
}

/** Parses template text (JSON with comments); `fileName` is used in every position it reports. */
export function loadTemplate(text: string, fileName: string): Template {
  const document = parseJsonDocument(text, fileName);
  expectObject(document.value, 'a template', document, []);
  const json = document.value as TemplateJson;
  if (json.resources === undefined) {
    throw new TemplateFileError("a template needs a 'resources' section", document.locate([]));
  }
  return { json, document };
}

/** Parses a parameters file. A file that is just `{ name: value }` is not accepted: ARM needs `{ value }`. */
export function loadParametersFile(text: string, fileName: string): ParametersFile {
  const document = parseJsonDocument(text, fileName);
  expectObject(document.value, 'a parameters file', document, []);
  const parameters = (document.value as { parameters?: unknown }).parameters ?? {};
  expectObject(parameters, "'parameters'", document, ['parameters']);
  for (const [name, entry] of Object.entries(parameters as Record<string, unknown>)) {
    const ok = entry !== null && typeof entry === 'object' && ('value' in entry || 'reference' in entry);
    if (!ok) {
      const message = `parameter '${name}' must be { "value": … } or { "reference": … }`;
      throw new TemplateFileError(message, document.locate(['parameters', name]));
    }
  }
  return { parameters: parameters as Record<string, ParameterValue>, document };
}
