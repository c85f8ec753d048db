import { parseArmJson } from '../lenient-json.js';
import { dotnetFormat } from '../dotnet-format.js';
import { guid } from '../guid.js';
import { uniqueString } from '../unique-string.js';
import { ArmFunctionError, type ArmValue, asInt, asString, toArmString } from '../values.js';
import { type ArmFunction, fn } from './types.js';

const str = (args: ArmValue[], i: number) => asString(args[i]!, `argument ${i + 1}`);

function substring(args: ArmValue[]): string {
  const text = str(args, 0);
  const start = args.length > 1 ? asInt(args[1]!) : 0;
  const length = args.length > 2 ? asInt(args[2]!) : text.length - start;
  if (start < 0 || length < 0 || start + length > text.length) {
    throw new ArmFunctionError(
      `start ${start} and length ${length} are outside '${text}' (length ${text.length})`
    );
  }
  return text.substring(start, start + length);
}

function padLeft(args: ArmValue[]): string {
  const text = toArmString(args[0]!);
  const pad = args.length > 2 ? str(args, 2) : ' ';
  if (pad.length !== 1) throw new ArmFunctionError('the padding character must be a single character');
  return text.padStart(asInt(args[1]!), pad);
}

function dataUriToString(args: ArmValue[]): string {
  const match = /^data:[^,]*?(;base64)?,(.*)$/s.exec(str(args, 0));
  if (!match) throw new ArmFunctionError('not a data URI');
  return match[1] ? Buffer.from(match[2]!, 'base64').toString('utf8') : decodeURIComponent(match[2]!);
}

/** ARM's uri(base, relative): resolves like System.Uri (relative replaces the last segment). */
function uri(args: ArmValue[]): string {
  try {
    return new URL(str(args, 1), str(args, 0)).toString();
  } catch {
    throw new ArmFunctionError(`cannot combine '${str(args, 0)}' and '${str(args, 1)}' into a URI`);
  }
}

/** String functions (ARM "string functions" category). */
export const stringFunctions: Record<string, ArmFunction> = {
  format: fn(1, Infinity, args => dotnetFormat(str(args, 0), args.slice(1))),
  tolower: fn(1, 1, args => str(args, 0).toLowerCase()),
  toupper: fn(1, 1, args => str(args, 0).toUpperCase()),
  trim: fn(1, 1, args => str(args, 0).trim()),
  substring: fn(1, 3, substring),
  replace: fn(3, 3, args => str(args, 0).split(str(args, 1)).join(str(args, 2))),
  split: fn(2, 2, args => {
    const separators = Array.isArray(args[1]) ? args[1].map(s => asString(s)) : [str(args, 1)];
    return separators.reduce<string[]>((parts, sep) => parts.flatMap(p => p.split(sep)), [str(args, 0)]);
  }),
  startswith: fn(2, 2, args => str(args, 0).toLowerCase().startsWith(str(args, 1).toLowerCase())),
  endswith: fn(2, 2, args => str(args, 0).toLowerCase().endsWith(str(args, 1).toLowerCase())),
  lastindexof: fn(2, 2, args =>
    Array.isArray(args[0])
      ? args[0].lastIndexOf(args[1]!)
      : str(args, 0).toLowerCase().lastIndexOf(str(args, 1).toLowerCase())
  ),
  padleft: fn(2, 3, padLeft),
  string: fn(1, 1, args => toArmString(args[0]!)),
  uniquestring: fn(1, Infinity, args => uniqueString(...args.map((_, i) => str(args, i)))),
  guid: fn(1, Infinity, args => guid(...args.map((_, i) => str(args, i)))),
  base64: fn(1, 1, args => Buffer.from(str(args, 0), 'utf8').toString('base64')),
  base64tostring: fn(1, 1, args => Buffer.from(str(args, 0), 'base64').toString('utf8')),
  base64tojson: fn(1, 1, args => parseArmJson(Buffer.from(str(args, 0), 'base64').toString('utf8'))),
  datauri: fn(
    1,
    1,
    args => `data:text/plain;charset=utf8;base64,${Buffer.from(toArmString(args[0]!)).toString('base64')}`
  ),
  datauritostring: fn(1, 1, dataUriToString),
  uri: fn(2, 2, uri),
  uricomponent: fn(1, 1, args => encodeURIComponent(str(args, 0))),
  uricomponenttostring: fn(1, 1, args => decodeURIComponent(str(args, 0)))
};
